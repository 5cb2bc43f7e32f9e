/** What the weight-writing stages (embeddings, attention, MLP, readout) share: the program, its layout and scales, and the weights being written. */
import { TransformerConfig } from "../../nn/transformer";
import { Program } from "../program";
import { CompileOptions, Scales } from "./options";
import { VariableLayout } from "./residual-layout";

export interface Stage {
  program: Program;
  options: CompileOptions;
  scales: Scales;
  layout: VariableLayout[];
  config: TransformerConfig;
  /** Flat row-major values per parameter name (`transformerParamSpecs` order and shapes), zero until written. */
  values: Record<string, Float32Array>;
}

/** Sets entry [row, col] of the row-major matrix `name` with `cols` columns. */
export function setEntry(st: Stage, name: string, cols: number, row: number, col: number, x: number): void {
  st.values[name][row * cols + col] = x;
}
