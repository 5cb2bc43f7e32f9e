/** The results of `asymptotics`: what `run` measures and `figures`/`tables`/`claims` render (types only, no tfjs). */
import type { Results } from "../../lab/experiment";
import type { AsymptoticsConfig } from "./config";

/** A value on the (R_t, R_s) grid: rows follow config.bounds.rt, columns config.bounds.rs; null = no program within R (∞). */
export type Grid = (number | null)[][];

/** Where a curve stops changing: the smallest R_t (at R_s = max) and R_s (at R_t = max) from which it equals its value at R_max. */
export interface Plateau {
  rt: number | null;
  rs: number | null;
}

/** One distinct model function of the enumeration. */
export interface FunctionRow {
  index: number;
  /** The class it decides on each input (−1 on a tie), in `inputs` order. */
  classes: number[];
  /** Its shortest program, with that program's bits, steps and cells. */
  shortest: { z: string; bits: number; steps: number; space: number };
  /** The fastest of its programs (fewest steps; shortest among them). */
  fastest: { z: string; bits: number; steps: number; space: number };
  programs: number;
  /** Σ 2^{−|z|} over its programs (its algorithmic probability within L and R_max). */
  mass: number;
  /** The targets it decides. */
  decides: string[];
}

/** K_{T,R}(f) for one target (Definition 3). */
export interface KRow {
  target: string;
  grid: Grid;
  /** The minimiser at R_max, or null when no program up to L decides f. */
  atMax: { bits: number; z: string } | null;
  plateau: Plateau;
}

/** One dataset's codes (bits). */
export interface DatasetRow {
  name: string;
  target: string;
  noise: number;
  size: number;
  /** Labels that differ from the target's. */
  flipped: number;
  uniformBits: number;
  /** C^{2p}_{T,R}(Y | X) (Definition 3) and the Bayes code with prior 2^{−|z|} (eq. 58) on the grid. */
  twoPart: Grid;
  bayes: Grid;
  /** The two-part minimiser at R_max: program, bits, NLL. */
  best: { z: string; bits: number; nllBits: number; steps: number; space: number; function: number } | null;
  plateau: { twoPart: Plateau; bayes: Plateau };
  /** Fig. 3's chain at R_max: the variational code of zmap(T, R*, z*) (Theorem 2), null when zmap is off. */
  zmap: ZmapRow | null;
}

/** The variational codelength of the compiled program (Theorem 2, B.10): KL = |z| + c_T with delta posteriors, and the compiled Transformer's NLL. */
export interface ZmapRow {
  z: string;
  rt: number;
  rs: number;
  layers: number;
  klBits: number;
  cT: number;
  programKlBits: number;
  /** −log₂ p(Y | X) with the compiled Transformer's logits, and with the simulator's. */
  nllBits: number;
  simulatorNllBits: number;
  /** Largest |compiled logit − simulator logit| over the dataset's inputs. */
  maxLogitError: number;
  totalBits: number;
}

export interface AsymptoticsMetrics {
  machine: string;
  maxLength: number;
  inputs: number[][];
  rMax: { rt: number; rs: number };
  counts: { strings: number; halting: number; pruned: number; incomplete: number };
  kraft: number;
  /** The most steps and cells any halting program needed. */
  longestRun: { steps: number; space: number };
  /** Halting programs per length 1 … L. */
  programsByLength: number[];
  functions: FunctionRow[];
  k: KRow[];
  datasets: DatasetRow[];
  /** Pairs of grid neighbours (R ≤ R′ in one coordinate) where a K or code value increased: Proposition 2 says none. */
  monotonicityViolations: number;
  gridPoints: number;
}

export type AsymptoticsResults = Results<AsymptoticsConfig, AsymptoticsMetrics>;
