/** The results of `llc`: the estimator's calibration, and per training checkpoint the LLC, critical quantisation bits and KL. */
import type { Results } from "../../lab/experiment";
import type { CalibrationRow, GridSummary } from "../../slt/calibrate";
import type { LinearFit } from "../../slt/fit";
import type { SgldOptions } from "../../slt/sgld";
import type { LlcConfig } from "./config";

/** Which model a checkpoint belongs to. */
export type Family = "mlp" | "parity";

/** One checkpoint's measurements. */
export interface CheckpointRecord {
  family: Family;
  /** The training run: "random/mle", "random/variational", "manual/variational"; "manual" for the compiled / manual solution itself. */
  run: string;
  init: "random" | "manual";
  /** "compiled": the manual solution before any training. */
  objective: "mle" | "variational" | "compiled";
  step: number;
  /** Parameters d. */
  dim: number;
  /** L_n(w*), nats per example (w*: the point weights or the posterior means). */
  loss: number;
  /** Accuracy at w* (bits of the identity / parity labels). */
  accuracy: number;
  /** λ̂(w*): mean over chains; NaN if every chain diverged. */
  llc: number;
  llcStd: number;
  chainLlc: (number | null)[];
  diverged: number;
  /** Mean distance ‖w − w*‖ of the chains' last steps. */
  meanChainDistance: number;
  /** Critical uniform quantisation: bits per weight (log₂ levels; null: above quant.maxBits). */
  uniformBits: number | null;
  uniformMonotone: boolean | null;
  /** Critical codebook quantisation: log₂ K, and our code length per weight (N·H(p) + L_Ψ)/N. */
  codebookBits: number | null;
  codebookCodeBits: number | null;
  codebookMonotone: boolean | null;
  /** KL[β ‖ α] in bits (variational and compiled checkpoints; null for MLE). */
  klBits: number | null;
  /** Loss per SGLD step per chain (thinned), for diagnosis. */
  traces: { step: number; loss: number }[][];
}

/** A line through one family's checkpoints. */
export interface FitRecord {
  family: Family;
  /** What is regressed on λ̂. */
  y: "uniformBits" | "codebookBits" | "codebookCodeBits" | "klBits";
  fit: LinearFit;
  /** Seed 004 eq. 9's slope log₂(1/ε)/d for bits per weight (null for the KL, which eq. 9 does not predict). */
  predictedSlope: number | null;
}

/** The calibration section. */
export interface CalibrationRecord {
  models: { name: string; kind: string; dim: number; truth: number }[];
  /** Every model at every grid point (plain SGLD, full batch). */
  rows: CalibrationRow[];
  grid: GridSummary[];
  /** The grid point with the smallest mean relative error (no divergence). */
  best: GridSummary | null;
  /** Every model at the experiment's own sgld.* settings (its sampler, nβ, γ, ε, chains, draws). */
  atExperimentSettings: CalibrationRow[];
}

export interface LlcMetrics {
  calibration: CalibrationRecord;
  checkpoints: CheckpointRecord[];
  fits: FitRecord[];
  /** The estimator's options on the neural models (MLP: full batch; parity: sgld.batchSize). */
  sgld: { mlp: SgldOptions; parity: SgldOptions };
}

export type LlcResults = Results<LlcConfig, LlcMetrics>;
