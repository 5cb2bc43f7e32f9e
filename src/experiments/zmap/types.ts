/** The results of `zmap`: what `run` measures and `figures`/`tables`/`claims` render. */
import type { Results } from "../../lab/experiment";
import type { ZmapConfig } from "./config";

export interface ProgramCheck {
  program: string;
  programBits: number;
  inputs: number;
  configMismatches: number;
  logitMismatches: number;
  /** Largest relative error of a Transformer logit over the halted runs. */
  maxLogitError: number;
  halted: number;
  firstMismatch?: string;
}

export interface MachineRow {
  name: string;
  states: number;
  symbols: number;
  programs: number;
  inputsChecked: number;
  mismatches: number;
  rt: number;
  rs: number;
  weightCount: number;
  /** Attention heads of the compiled model (ours: 9 + 2|Y|), and B.5.5's count 7 + 3|Y|. */
  heads: number;
  paperHeads: number;
  /** Relative offsets with a nonzero T5 bias (B.5.5: only −1 and +1; ours also 0, the fallback at the sequence ends). */
  relativeOffsets: number[];
  /** Layer-by-layer configuration mismatches and Transformer-logit mismatches, per program. */
  perProgram: ProgramCheck[];
}

export interface Theorem2Row {
  machine: string;
  program: string;
  programBits: number;
  rs: number;
  klBits: number;
  cT: number;
  weightCount: number;
  promptWeightCount: number;
}

export interface ZmapMetrics {
  machines: MachineRow[];
  theorem2: Theorem2Row[];
  /** c_T per machine with its per-tensor breakdown (from the first Theorem 2 row). */
  cT: { machine: string; cT: number; groups: { group: string; weights: number; uniqueValues: number; klBits: number }[] }[];
  /** Head positions per layer for the traced run: compiled Transformer and simulator. */
  trace: { machine: string; program: string; input: number[]; layers: { layer: number; compiled: Record<string, number>; simulator: Record<string, number> }[] };
  /** Heatmap data: a few compiled matrices of the traced machine. */
  weights: { name: string; rows: number; cols: number; values: number[][] }[];
}

export type ZmapResults = Results<ZmapConfig, ZmapMetrics>;
