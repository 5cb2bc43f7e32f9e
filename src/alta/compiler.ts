/**
 * Compiles an ALTA-style program (`program.ts`) to the weights of the looped
 * Transformer of `nn/transformer.ts`, with the paper's changes to ALTA (B.5.4,
 * C.1). `compile` is the table of contents; each stage is a module of
 * `compile/`:
 * 1. `options.ts`: the scalars s, m, v, s_h, s_o, ε, chosen so every
 *    sub-layer's output saturates the tanh normalisation N(z) = tanh(αz)
 *    (γ = 1, β = 0; C.1);
 * 2. `residual-layout.ts`: residual dims per variable: categorical variables
 *    signed one-hot (±s, C.1), binary ones 0/s in one dim and numerical ones εx
 *    in one dim (B.5.4), null = 0;
 * 3. `rules.ts` (`alta/`): the MLP functions expanded into rules;
 * 4. `model-size.ts`: the program's minimum sizes and the requested ones (C.1
 *    zero-pads up to d_model, heads, d_head and d_mlp);
 * 5. `embeddings.ts`: token and prompt embeddings, the initial values;
 * 6. `attention.ts`: query/key equality and T5 relative biases, Elhage-form
 *    value/output transforms, mean heads (B.5.3);
 * 7. `mlp.ts`: a 2-layer ReLU MLP, one hidden unit per rule (B.5.4), with the
 *    options that make it robust to posterior weight noise (C.1's ν = −10);
 * 8. `readout.ts`: logits at SEP from several output variables (B.5.4).
 * The defaults (s_h = s, no centering, restoring or clamping) give ALTA's plain
 * construction. `compile/decode.ts` reads residual rows and logits back.
 */
import { TransformerConfig, zeroWeightValues } from "../nn/transformer";
import { Program } from "./program";
import { Rule, programRules } from "./rules";
import { CompileOptions, DEFAULT_COMPILE, resolveScales } from "./compile/options";
import { VariableLayout, residualLayout } from "./compile/residual-layout";
import { ModelSizes, modelConfig, modelSizes } from "./compile/model-size";
import { Stage } from "./compile/stage";
import { writeEmbeddings } from "./compile/embeddings";
import { writeAttention } from "./compile/attention";
import { writeMlp } from "./compile/mlp";
import { readoutColumns, writeReadout } from "./compile/readout";

export type { CompileOptions } from "./compile/options";
export { DEFAULT_COMPILE, optionsForModel } from "./compile/options";
export type { TargetModel } from "./compile/options";
export type { VariableLayout } from "./compile/residual-layout";
export { decodeResidual, decodeOutputs } from "./compile/decode";

/** A compiled program: the model config, its weights, and how to read them. */
export interface CompiledProgram {
  program: Program;
  options: CompileOptions;
  config: TransformerConfig;
  /** Flat values per parameter name (`transformerParamSpecs` order and shapes). */
  values: Record<string, Float32Array>;
  layout: VariableLayout[];
  rules: Rule[];
  /** The program's minimum sizes. */
  minimal: ModelSizes;
  /** Output columns: [variable, value] per logit (value −1 for binary/numerical). */
  outputColumns: [string, number][];
}

/** Compiles `program` into looped-Transformer weights, stage by stage (module doc). */
export function compile(program: Program, options: Partial<CompileOptions> = {}): CompiledProgram {
  const o: CompileOptions = { ...DEFAULT_COMPILE, ...options };
  const scales = resolveScales(o); // 1. s, m, v, s_h, s_o, ε (C.1)
  const layout = residualLayout(program); // 2. residual dims per variable (B.5.4, C.1)
  const rules = programRules(program); // 3. MLP rules (B.5.4)
  const { minimal, sizes } = modelSizes(program, layout, rules, o); // 4. minimum and padded sizes (B.5.5, C.1)
  const outputColumns = readoutColumns(program);
  const config = modelConfig(program, o, sizes, outputColumns.length);
  const st: Stage = { program, options: o, scales, layout, config, values: zeroWeightValues(config) };
  writeEmbeddings(st); // 5. initial values (B.5.1, B.5.6)
  writeAttention(st); // 6. heads (B.5.3, C.1)
  writeMlp(st, rules); // 7. one hidden unit per rule (B.5.4)
  writeReadout(st, outputColumns); // 8. logits at SEP (B.5.4)
  return { program, options: o, config, values: st.values, layout, rules, minimal, outputColumns };
}
