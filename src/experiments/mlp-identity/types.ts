/** The results of `mlp-identity`: Table 2's rows, the manual solution, the prior over training, Fig. 9's curves. */
import type { Codelength } from "../../codes/codelength";
import type { Results } from "../../lab/experiment";
import type { MlpIdentityConfig } from "./config";

/** One row of Table 2 (ours). */
export interface Row {
  objective: "mle" | "variational";
  init: "random" | "manual";
  klCoef: number | null;
  /** KL[β ‖ α] in bits, by quadrature per weight (null for MLE). */
  klBits: number | null;
  /** Expected NLL (eq. 105) over the training set of `trainSetSize` examples, bits. */
  trainNllBits: number;
  /** klBits + trainNllBits (null for MLE), as the paper's "Codelength" (L_Ψ left out, as in the paper) = codelength.paperBits. */
  codelengthBits: number | null;
  /** Fraction of the 64 output bits (16 vectors × 4) predicted right, averaged over posterior samples. */
  accuracy: number;
  /** Expected NLL per example (bits), to rescale trainNllBits to any set size. */
  nllBitsPerExample: number;
  /** Accuracy with the weights at the posterior means. */
  accuracyAtMean: number;
  /** Final prior of the first prior group (variational rows): μ, σ², π per component. */
  prior?: { mu: number[]; sigma2: number[]; pi: number[] };
  /** The eq. 86 record (variational rows; null for MLE): L_Ψ = groups × components × 3 × 32 bits. */
  codelength: Codelength | null;
}

/** The prior (its first group) at one evaluation step (collapse figure). */
export interface PriorTrace {
  step: number;
  mu: number[];
  sigma2: number[];
  pi: number[];
  /** Local maxima of the prior density on a grid over [−25, 25]. */
  modes: number;
  /** Training-time KL estimate at that step (bits). */
  klBits: number | null;
}

export interface DensityCurve {
  x: number[];
  prior: number[];
  aggregatedPosterior: number[];
}

export interface MlpIdentityMetrics {
  rows: Row[];
  manual: {
    /** N·H(p) bits: the manual weights as delta posteriors under their B.9.3 optimal prior. */
    optimalPriorKlBits: number;
    /** Unique manual weight values and their counts. */
    histogram: { values: number[]; counts: number[] };
    /** The manual solution before training (ν = posterior.nu, prior from B.9.3 with that ν). */
    atInit: { klBits: number; trainNllBits: number; codelengthBits: number; accuracy: number; codelength?: Codelength };
    /** Components of the manual row's optimal prior per group (B.9.3: M distinct values), independent of prior.components. */
    priorComponents?: number;
  };
  /** The prior over training steps, per variational row (key: `${init}/${klCoef}`). */
  priorTraces: Record<string, PriorTrace[]>;
  /** Training loss curves (bits, per minibatch), thinned, per row key. */
  curves: Record<string, { step: number; lossBits: number; klBits: number | null; nllBits: number }[]>;
  fig9: { manual: DensityCurve; learned: DensityCurve & { klCoef: number } };
  paper: {
    caption: string;
    comparison: { key: string; ours: Row | null; paper: Record<string, unknown> }[];
    /** Fig. 9's claim (data/paper-reference.json) and what our run shows. */
    fig9: { claim: string; ours: string };
  };
}

export type MlpResults = Results<MlpIdentityConfig, MlpIdentityMetrics>;
