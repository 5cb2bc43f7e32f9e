/** The results of `codes`: one table of codelengths in bits, per task and code (types only, no tfjs). */
import type { Results } from "../../lab/experiment";
import type { Codelength } from "../../codes/codelength";
import type { PrequentialBlock } from "../../codes/prequential";
import type { CodesConfig } from "./config";

export const CODE_NAMES = ["uniform", "variational", "prequential", "two-part (quantised)", "two-part (zmap)"] as const;
export type CodeName = (typeof CODE_NAMES)[number];

/** One row of the table: which code, which model, which seed, its bits and the accuracies of the model it encodes. */
export interface CodeRow {
  task: string;
  code: CodeName;
  /** The model, in words (architecture and where its weights come from). */
  model: string;
  init: "compiled" | "random" | null;
  /** The run seed of the weights (null: no randomness). */
  seed: number | null;
  /** Training steps (per block for prequential; 0: not trained). */
  steps: number | null;
  /** Model part: KL (variational), weights (quantised), |z| + c_T (zmap); null where the code has none. */
  modelBits: number | null;
  /** Data part: −log₂ p(Y | X) under the model. */
  dataBits: number | null;
  totalBits: number;
  /** The eq. 86 record of variational rows (L_Ψ = 32 bits per prior parameter). */
  codelength: Codelength | null;
  trainAcc: number | null;
  oodAcc: number | null;
  note: string;
}

/** Per task: its data, the prequential blocks, the zmap search and the compiled program's size. */
export interface TaskRecord {
  task: string;
  classes: number;
  trainSize: number;
  oodSize: number;
  /** The compiled program's minimal sizes (Transformer tasks). */
  compiled: { dModel: number; heads: number; dHead: number; dMlp: number; rules: number } | null;
  prequential: { ends: number[]; blocks: PrequentialBlock[] };
  /** The quantisation step chosen for the trained model, and each step's total. */
  quantised: { step: number; totalBits: number; trainAcc: number; oodAcc: number | null }[];
  /** bitlang search: the shortest program deciding the training inputs, or why there is none. */
  zmap: { z: string | null; bits: number | null; cT: number | null; oodAgrees: number | null; searched: number; reason: string } | null;
}

/** Table 1's committed rows (figures/parity/results.json), cited as the reference for the parity rows. */
export interface Table1Reference {
  source: string;
  preset: string;
  seed: number;
  trainSize: number;
  /** The reference run's model and compiler settings (the parity row is comparable only when they are ours). */
  model: Record<string, unknown>;
  manual: Record<string, unknown>;
  rows: { key: string; klBits: number | null; trainNllBits: number; codelengthBits: number | null; trainAcc: number; oodAcc: number; steps: number }[];
}

export interface CodesMetrics {
  rows: CodeRow[];
  tasks: TaskRecord[];
  reference: Table1Reference | null;
}

export type CodesResults = Results<CodesConfig, CodesMetrics>;
