/** The results of `bit-encoding`: what `run` measures and `figures`/`tables`/`claims` render. */
import type { FrontierPoint } from "../../codes/bit-code";
import type { Gmm } from "../../codes/gmm";
import type { Results } from "../../lab/experiment";
import type { BitEncodingConfig } from "./config";

/** One gradient-descent solution, checked against the frontier. */
export interface OptimizedPoint {
  /** The P(correct) target of this run. */
  target: number;
  /** Φ(μ/σ) of the solution found. */
  pCorrect: number;
  /** Monte-Carlo KL estimate (evalSamples samples) at the solution, in bits. */
  klBits: number;
  /** Standard error of klBits, in bits. */
  klBitsStdErr: number;
  /** KL at the solution by quadrature, in bits. */
  klBitsExact: number;
  /** The frontier's KL at the solution's own pCorrect, in bits. */
  frontierKlBits: number;
  mu: number;
  sigma2: number;
}

export interface PriorFrontier {
  prior: Gmm;
  frontier: FrontierPoint[];
  optimized: OptimizedPoint[];
}

/** One panel of Fig. 7: the minimum-KL posterior at figure7PCorrect and the densities drawn. */
export interface Figure7Panel {
  point: FrontierPoint;
  /** Grid of w (uniform on [−3, 3] plus points near every component). */
  x: number[];
  /** Densities on `x`: the prior, and the posteriors N(±μ, σ²) for b = 1 and b = 0. */
  prior: number[];
  b1: number[];
  b0: number[];
}

export interface BitEncodingMetrics {
  unimodal: PriorFrontier & {
    /** max |numerical frontier − closed form| over the grid, in bits (a check of the numerical method). */
    numericVsClosedFormMaxAbsBits: number;
    /** Where the closed form ½ log₂(1 + Φ⁻¹(p)²) passes 1 bit, and its value far out (p = farPCorrect). */
    growth: { oneBitPCorrect: number; farPCorrect: number; farKlBits: number };
  };
  multimodal: PriorFrontier & { componentVariance: number };
  /** The multimodal frontier for each σ̂² of the sweep. */
  varianceSweep: { componentVariance: number; frontier: FrontierPoint[] }[];
  /** Both frontiers at the P(correct) values quoted in the notes and README. */
  selected: { pCorrect: number; unimodalKlBits: number; multimodalKlBits: number }[];
  /** Fig. 7's two panels (unimodal, multimodal), computed by `run` so the figure is a pure function of results. */
  figure7: { pCorrect: number; panels: [Figure7Panel, Figure7Panel] };
  /** The paper's statements as first recorded by `run` (kept so results stay comparable); `claims()` renders them now. */
  paper: { claim: string; ours: string; agrees: boolean }[];
}

export type BitResults = Results<BitEncodingConfig, BitEncodingMetrics>;
