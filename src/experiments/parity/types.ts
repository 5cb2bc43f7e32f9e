/**
 * What a parity run records (results.json): Table 1's rows with their eq. 86
 * codelength records, accuracy by length, the training records, the compiled
 * solution's analyses. Types only (and the row keys), so renderers import it
 * without loading tfjs.
 */
import type { Results } from "../../lab/experiment";
import type { Codelength } from "../../codes/codelength";
import type { PriorSummary } from "../../codes/gmm-summary";
import type { CurvePoint } from "../../train/trainer";
import type { CompiledTrace, WeightBlock } from "../../alta/inspect";
import type { ParityConfig } from "./config";

/** The rows this experiment can produce, in Table 1 order (config `rows`). */
export const ROW_KEYS = ["random/mle", "random/variational", "manual", "manual/variational"] as const;
export type RowKey = (typeof ROW_KEYS)[number];

/**
 * One Table 1 row (bits; accuracies in [0, 1]). Variational rows: KL[β ‖ α] under the
 * adaptive prior, and train NLL / accuracies as expectations under posterior samples
 * (one sample per evaluation batch, as in training); MLE rows: the point weights, KL null.
 * `trainNllBits` totals over `data.trainSize` examples (the mean over the evaluation sample × size).
 */
export interface ParityRow {
  /** Row key (ROW_KEYS); the paper's rows carry none. */
  key?: string;
  init: "manual" | "random";
  objective: "variational" | "mle";
  klBits: number | null;
  trainNllBits: number;
  /** KL + NLL, the paper's "Codelength" (= codelength.paperBits). */
  codelengthBits: number | null;
  trainAcc: number;
  oodAcc: number;
  /** Training steps taken (0: the compiled solution as is). */
  steps?: number;
  /**
   * The eq. 86 record (variational rows; null for MLE): KL, NLL, and L_Ψ = 32 bits per prior
   * parameter — trained rows: groups × components of their adaptive prior; the compiled row:
   * its optimal prior, M_g components in group g.
   */
  codelength?: Codelength | null;
}

/** Accuracy at one input length. */
export interface LengthAccuracy {
  length: number;
  /** With the point weights (MLE) or the posterior means (compiled weights for the manual row). */
  accuracy: number;
  /** With posterior samples (null for MLE rows). */
  sampledAccuracy: number | null;
  examples: number;
}

/** Accuracy and NLL at the posterior means / point weights. */
export interface MeanWeightScores {
  trainAcc: number;
  oodAcc: number;
  trainNllBits: number;
}

/** What training a row records besides its Table 1 numbers. */
export interface TrainedRowRecord {
  steps: number;
  /** Step the run resumed from (0: from the start). */
  resumedFrom: number;
  meanWeights: MeanWeightScores;
  /** Minibatch loss, KL and NLL per step (bits; thinned to ≤ 500 points). */
  curve: CurvePoint[];
  /** Accuracy at the means on fixed train / OOD subsets every `train.evalEvery` steps, and the live tensor count then. */
  history: { step: number; trainAcc: number; oodAcc: number; tensors: number }[];
  /** Adaptive prior per group at the start and the end (variational rows). */
  priorAtInit: PriorSummary[] | null;
  prior: PriorSummary[] | null;
  /** Final KL per prior group (bits; variational rows). */
  klByGroup: { group: string; bits: number }[] | null;
  /**
   * Tensors alive before and after the row (the difference is the initial-value tensors that the
   * PointWeights/Posterior/AdaptivePrior constructors keep, one per variable), live tensors at the
   * second and the last evaluation during training (equal: the steps leak nothing). Wall-clock
   * seconds (this call's, excluding steps done before a resume), seconds per step and the process's
   * peak resident memory are in results.timings under `<row>.seconds`, `<row>.secondsPerStep`, `<row>.peakRssMb`.
   */
  memory: { tensorsBefore: number; tensorsAfter: number; tensorsDuringTraining: [number, number] | null };
}

export interface SweepPoint {
  scale: number;
  /** Accuracy with the compiled (posterior-mean) weights. */
  accuracy: number;
  /** Accuracy with one posterior sample (ν = posterior.nu). */
  sampledAccuracy: number;
  /** Smallest SEP log-odds margin (mean weights), in nats. */
  minMargin: number;
}

export interface ScaleSweeps {
  attention: SweepPoint[];
  param: SweepPoint[];
  /** Smallest scale from which every larger scale tried is exact (mean weights / posterior sample). */
  minimalAttentionScale: number | null;
  minimalAttentionScaleSampled: number | null;
  minimalParamScale: number | null;
  minimalParamScaleSampled: number | null;
}

/** The manual posterior's KL under the optimal prior (B.9.3). */
export interface ManualKl {
  grouping: string;
  /** Exact KL by quadrature, per group, with N·H(p) beside it. */
  groups: { group: string; size: number; distinct: number; klBits: number; entropyBits: number }[];
  /** Monte-Carlo estimate through variational/ (null when klSamples = 0). */
  monteCarloBits: number | null;
}

/** The compiled solution and its analyses. */
export interface ManualRecord {
  /** The optimal prior (B.9.3, ν = posterior.nu) of every group under `prior.grouping`. */
  priors: PriorSummary[];
  minimal: { dModel: number; heads: number; dHead: number; dMlp: number };
  rules: string[];
  /** Accuracies with the posterior means (the compiled weights). */
  meanWeights: MeanWeightScores;
  /** Distinct values among the compiled weights, with counts. */
  histogram: { values: number[]; counts: number[] };
  nonzeroWeights: number;
  totalWeights: number;
  kl: ManualKl;
  /** Total KL (exact) under each grouping. */
  klByGrouping: { grouping: string; groups: number; klBits: number; entropyBits: number }[];
  sweeps: ScaleSweeps;
  /** Figure data: compiled weight blocks and one input's attention/residual per layer. */
  weights: Record<string, WeightBlock>;
  trace: ParityTrace;
}

/** One input's attention and the residual `done`/`parity` dims per layer (alta/inspect.ts `traceInput`). */
export type ParityTrace = Omit<CompiledTrace, "readouts"> & { done: number[][]; parity: number[][] };

export interface ParityMetrics {
  rows: ParityRow[];
  /** Per row key: accuracy per length 1…2·trainMaxLen, at the means/point weights and with posterior samples. */
  accuracyByLength: Record<string, LengthAccuracy[]>;
  /** Per trained row key: training record. */
  trained: Record<string, TrainedRowRecord>;
  /** The compiled solution (null when neither manual row is asked for). */
  manual: null | ManualRecord;
  paper: { caption: string; rows: ParityRow[] };
}

export type ParityResults = Results<ParityConfig, ParityMetrics>;
