/** The results of `prior-collapse`: every run of every remedy, their summaries over seeds, the manual reference, and the parity runs. */
import type { Results } from "../../lab/experiment";
import type { Summary } from "../../lab/sweep-stats";
import type { Remedy } from "./remedies";
import type { PriorCollapseConfig } from "./config";

/** One mlp-identity run (one remedy, one seed): its random-init variational row at `klCoef`. */
export interface RemedyRun {
  remedy: string;
  seed: number;
  /** KL[β ‖ α] (bits, by quadrature), the expected NLL of the training set (bits), their sum (Table 2's "Codelength"), L_Ψ and eq. 86's total. */
  klBits: number;
  nllBits: number;
  paperBits: number;
  priorBits: number;
  totalBits: number;
  /** Fraction of output bits right, averaged over posterior samples. */
  accuracy: number;
  /** Modes of the learned prior's density at each of `steps` (mlp-identity's trace), at the end, and the most on the way. */
  modes: number[];
  finalModes: number;
  maxModes: number;
  /** The learned prior at the end: μ, σ², π per component. */
  prior: { mu: number[]; sigma2: number[]; pi: number[] };
  /** Whether paperBits ≤ (1 + nearManual) × the manual row's paperBits at this seed (the baseline run's manual row). */
  reached: boolean;
}

/** One remedy over its seeds. */
export interface RemedySummary {
  remedy: string;
  family: Remedy["family"];
  description: string;
  /** The mlp-identity overrides it applies (besides the study's train.klCoef). */
  overrides: Record<string, unknown>;
  runs: number;
  paperBits: Summary;
  totalBits: Summary;
  accuracy: Summary;
  finalModes: Summary;
  maxModes: Summary;
  /** Runs whose learned prior ends with one mode (Fig. 9's collapse). */
  unimodalRuns: number;
  /** Runs within nearManual of the manual codelength. */
  reached: number;
  /** paperBits − the baseline's at the same seed, over the seeds both ran (null for the baseline). */
  vsBaseline: Summary | null;
}

/** A parity row beside Table 1: the random-init variational row of a parity run, or a Table 1 row. */
export interface ParityComparisonRow {
  /** "table1" (the parity experiment's results) or the remedy name. */
  source: string;
  /** Table 1's row key (random/mle, random/variational, manual, manual/variational). */
  key: string;
  seed: number;
  steps: number | null;
  klBits: number | null;
  nllBits: number;
  paperBits: number | null;
  totalBits: number | null;
  trainAcc: number;
  oodAcc: number;
}

export interface PriorCollapseMetrics {
  /** Evaluation steps of the mode traces (RemedyRun.modes). */
  steps: number[];
  /** The mlp-identity preset's train.steps. */
  trainSteps: number;
  runs: RemedyRun[];
  summaries: RemedySummary[];
  /** The manual solution trained at manual.klCoef (the baseline runs' manual row), per seed, and its summary. */
  manual: { perSeed: { seed: number; paperBits: number; totalBits: number }[]; paperBits: Summary };
  /** Remedies ranked by mean paperBits (best first), baseline included. */
  ranking: string[];
  parity: {
    /** The remedies run on parity (the best that carry over), and where the baseline comes from. */
    chosen: string[];
    baseline: PriorCollapseConfig["parity"]["baseline"];
    rows: ParityComparisonRow[];
  } | null;
}

export type PriorCollapseResults = Results<PriorCollapseConfig, PriorCollapseMetrics>;
