/**
 * The optimal adaptive GMM prior for quantised weights (B.9.3). Given a group of
 * N weights whose posteriors are (near-)deltas at M unique values m_i with counts
 * c_i, the KL-minimising prior with K ≥ M components puts a delta (ν → −∞) at each
 * m_i with mixing coefficient π_i = c_i / N, and zero weight on the other K − M
 * components. The group's KL is then N·H(p) bits, p_i = c_i / N.
 */
import { Gmm, gaussian, gmm } from "./gmm";
import { klQuadratureBits } from "./quadrature";
import { UsageError } from "../core/errors";

/** The quantisation of a weight group: unique values and their counts. */
export interface WeightHistogram {
  values: number[];
  counts: number[];
  /** Total number of weights N. */
  n: number;
}

/** Options for `optimalPrior`. */
export interface OptimalPriorOptions {
  /** Number of prior components K (default: M, the number of unique values). Must be ≥ M. */
  components?: number;
  /** ν of the delta components: the ν → −∞ limit, taken finite (default −50, σ² ≈ 2e−22). */
  nu?: number;
  /** Values closer than this are one quantisation level (default 0: exact equality). */
  tolerance?: number;
}

/** The optimal adaptive prior of a weight group and its KL. */
export interface OptimalPrior {
  prior: Gmm;
  histogram: WeightHistogram;
  /** N·H(p) in bits: the group's KL with delta posteriors under this prior (B.9.3). */
  klBits: number;
  /** H(p) in bits per weight. */
  entropyBits: number;
}

/** Unique values (within `tolerance`) and counts of a weight group, sorted by value. */
export function weightHistogram(weights: ArrayLike<number>, tolerance = 0): WeightHistogram {
  const sorted = Float64Array.from(weights).sort();
  const values: number[] = [];
  const counts: number[] = [];
  for (const v of sorted) {
    if (Number.isNaN(v)) throw new UsageError("weightHistogram: a weight is NaN");
    const last = values.length - 1;
    if (last >= 0 && v - values[last] <= tolerance) counts[last]++;
    else {
      values.push(v);
      counts.push(1);
    }
  }
  return { values, counts, n: sorted.length };
}

/** Shannon entropy H(p) in bits of the empirical distribution p_i = c_i / N. */
export function entropyBits(counts: readonly number[]): number {
  const n = counts.reduce((a, b) => a + b, 0);
  return counts.reduce((h, c) => (c > 0 ? h - (c / n) * Math.log2(c / n) : h), 0);
}

/** The KL-optimal GMM prior for delta posteriors at `weights` (B.9.3), and its KL = N·H(p) bits. */
export function optimalPrior(weights: ArrayLike<number>, opts: OptimalPriorOptions = {}): OptimalPrior {
  const histogram = weightHistogram(weights, opts.tolerance ?? 0);
  const m = histogram.values.length;
  if (m === 0) throw new UsageError("optimalPrior: the weight group is empty");
  const k = opts.components ?? m;
  if (k < m) {
    throw new UsageError(
      `optimalPrior: the group has ${m} unique weight values but the prior only ${k} components; ` +
        `B.9.3 needs K ≥ M (raise the component count or quantise with a tolerance)`,
    );
  }
  const nu = opts.nu ?? -50;
  const mu = [...histogram.values, ...Array(k - m).fill(0)];
  // Unused components get mixing logit −1e9 (π = 0 to float precision, still finite).
  const w = [...histogram.counts.map((c) => Math.log(c / histogram.n)), ...Array(k - m).fill(-1e9)];
  const h = entropyBits(histogram.counts);
  return { prior: gmm(mu, Array(k).fill(nu), w), histogram, klBits: histogram.n * h, entropyBits: h };
}

/** One group's KL under its optimal prior at a finite posterior ν (`optimalPriorKl`). */
export interface OptimalPriorKl {
  group: string;
  size: number;
  /** Distinct weight values M. */
  distinct: number;
  /** Exact KL in bits of the Gaussian posteriors N(w_i, softplus ν) against the prior below. */
  klBits: number;
  /** N·H(p): the ν → −∞ limit (B.9.3). */
  entropyBits: number;
  /** The optimal prior with every component at ν. */
  prior: Gmm;
}

/**
 * Exact KL (bits) of Gaussian posteriors N(w_i, softplus ν) at the compiled
 * weights against each group's optimal prior (B.9.3 with the posterior's
 * variance): computed by quadrature once per distinct value, times its count.
 */
export function optimalPriorKl(groups: readonly { group: string; weights: number[] }[], nu: number): OptimalPriorKl[] {
  const sigma2 = Math.log1p(Math.exp(nu));
  return groups.map(({ group, weights }) => {
    const opt = optimalPrior(weights);
    const prior = gmm(opt.prior.mu, opt.prior.mu.map(() => nu), opt.prior.w);
    const klBits = opt.histogram.values.reduce((a, v, i) => a + opt.histogram.counts[i] * klQuadratureBits(gaussian(v, sigma2), prior), 0);
    return { group, size: weights.length, distinct: opt.histogram.values.length, klBits, entropyBits: opt.klBits, prior };
  });
}
