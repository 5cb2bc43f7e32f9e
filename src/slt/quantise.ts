/**
 * Critical quantisation (seed 004, §3.3 and eq. 9): for a trained model w* and a loss
 * tolerance ε (nats per example), the fewest bits per weight of a quantised copy
 * Q(w*) whose loss stays within L_n(Q(w*)) − L_n(w*) ≤ ε. Seed 004 predicts, from the
 * volume law Vol{w : K(w) ≤ ε} ∼ c ε^λ, that the critical bits per coordinate grow
 * linearly with the LLC: b*(ε) = (λ/d) log₂(1/ε) + O(log log(1/ε)/d) (eq. 9).
 *
 * Two quantisers, each indexed by a number of levels K:
 * - uniform: per parameter tensor, K equally spaced levels from its minimum to its
 *   maximum, each weight rounded to the nearest; log₂ K bits per weight;
 * - codebook: one codebook of K values for the whole model, 1-D k-means (Lloyd's
 *   algorithm from the quantiles of the distinct values), each weight replaced by its nearest value; coded
 *   with our codes — delta posteriors under the codebook's optimal GMM prior (B.9.3:
 *   N·H(p) bits for the assignment frequencies p) plus L_Ψ = 32 bits per prior
 *   parameter (eq. 86, `priorParameterBits`) — reported per weight, beside log₂ K.
 * The critical K is found by bisection over a geometric grid of K (2^{j/4}, rounded),
 * which assumes the loss increase falls with K; the tolerance is checked at the K found
 * and at the grid point below it (`monotoneAtCritical` says whether that one fails).
 */
import { UsageError } from "../core/errors";
import { entropyBits } from "../codes/optimal-prior";
import { priorParameterBits } from "../codes/codelength";

export const QUANTISERS = ["uniform", "codebook"] as const;
export type Quantiser = (typeof QUANTISERS)[number];

/** Per-tensor uniform quantisation to K levels between each segment's min and max. */
export function uniformQuantise(w: ArrayLike<number>, segments: readonly number[], K: number): Float64Array {
  if (!(Number.isInteger(K) && K >= 2)) throw new UsageError(`uniform quantisation needs K ≥ 2 levels, got ${K}`);
  const out = new Float64Array(w.length);
  let o = 0;
  for (const len of segments) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = o; i < o + len; i++) {
      lo = Math.min(lo, w[i]);
      hi = Math.max(hi, w[i]);
    }
    const h = (hi - lo) / (K - 1);
    for (let i = o; i < o + len; i++) out[i] = h > 0 ? lo + Math.round((w[i] - lo) / h) * h : w[i];
    o += len;
  }
  if (o !== w.length) throw new UsageError(`uniform quantisation: the segments cover ${o} of ${w.length} weights`);
  return out;
}

/** A codebook quantisation: the quantised weights and their code length. */
export interface CodebookResult {
  values: Float64Array;
  codebook: number[];
  counts: number[];
  /** N·H(p) + L_Ψ(K components), bits (module comment). */
  codeBits: number;
}

/** 1-D k-means with K centroids (deterministic: starts at the quantiles, `iterations` Lloyd steps). */
export function codebookQuantise(w: ArrayLike<number>, K: number, iterations = 30): CodebookResult {
  if (!(Number.isInteger(K) && K >= 1)) throw new UsageError(`codebook quantisation needs K ≥ 1 values, got ${K}`);
  const n = w.length;
  const sorted = Float64Array.from(w).sort();
  // start at the quantiles of the distinct values (the quantiles of the weights collapse onto a
  // value that most weights share, e.g. the zeros of a compiled solution); exact when ≤ K distinct
  const distinct = [...new Set(sorted)];
  let c = distinct.length <= K ? distinct : Array.from({ length: K }, (_, k) => distinct[Math.min(distinct.length - 1, Math.floor(((k + 0.5) * distinct.length) / K))]);
  c = [...new Set(c)].sort((a, b) => a - b);
  // assignment of the sorted weights: boundaries at the midpoints between centroids
  const assign = (cs: number[]) => {
    const idx = new Int32Array(n);
    let k = 0;
    for (let i = 0; i < n; i++) {
      while (k < cs.length - 1 && sorted[i] > (cs[k] + cs[k + 1]) / 2) k++;
      idx[i] = k;
    }
    return idx;
  };
  for (let it = 0; it < iterations; it++) {
    const idx = assign(c);
    const sum = new Float64Array(c.length);
    const cnt = new Float64Array(c.length);
    for (let i = 0; i < n; i++) {
      sum[idx[i]] += sorted[i];
      cnt[idx[i]]++;
    }
    const next = c.map((v, k) => (cnt[k] > 0 ? sum[k] / cnt[k] : v));
    const moved = next.some((v, k) => v !== c[k]);
    c = [...new Set(next)].sort((a, b) => a - b);
    if (!moved) break;
  }
  const nearest = (x: number) => {
    let lo = 0;
    let hi = c.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (x > (c[mid] + c[mid + 1]) / 2) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const counts = new Array<number>(c.length).fill(0);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const k = nearest(w[i]);
    counts[k]++;
    values[i] = c[k];
  }
  const used = counts.filter((x) => x > 0).length;
  return { values, codebook: c, counts, codeBits: n * entropyBits(counts) + priorParameterBits({ groups: 1, components: used }) };
}

/** The geometric grid of level counts: round(2^{j/4}), unique, from `min` to 2^maxBits. */
export function levelGrid(min: number, maxBits: number): number[] {
  const ks = new Set<number>();
  for (let j = 0; j <= 4 * maxBits; j++) {
    const k = Math.round(2 ** (j / 4));
    if (k >= min) ks.add(k);
  }
  return [...ks].sort((a, b) => a - b);
}

/** One evaluated level count. */
export interface QuantPoint {
  levels: number;
  /** log₂ K. */
  bits: number;
  /** L_n(Q(w*)) − L_n(w*), nats per example. */
  lossIncrease: number;
  /** Codebook only: our code length per weight, (N·H(p) + L_Ψ)/N bits. */
  codeBitsPerWeight: number | null;
}

export interface CriticalQuantisation {
  quantiser: Quantiser;
  tolerance: number;
  /** The smallest K on the grid within tolerance (null: not even the largest). */
  levels: number | null;
  /** log₂ of it: the critical bits per weight. */
  bits: number | null;
  /** Codebook: our code length per weight at the critical K. */
  codeBitsPerWeight: number | null;
  /** Whether the grid point below the critical K exceeds the tolerance (bisection's assumption held there). */
  monotoneAtCritical: boolean | null;
  /** Every level count evaluated, by K. */
  points: QuantPoint[];
}

/**
 * The critical quantisation of w* for tolerance ε: `lossAt(w)` is L_n(w) (nats per example),
 * `segments` the parameter tensors' sizes (uniform: one range per tensor).
 */
export function criticalQuantisation(
  quantiser: Quantiser,
  wStar: ArrayLike<number>,
  segments: readonly number[],
  lossAt: (w: Float64Array) => number,
  tolerance: number,
  opts: { maxBits?: number; baseLoss?: number } = {},
): CriticalQuantisation {
  if (!(tolerance > 0 && Number.isFinite(tolerance))) throw new UsageError(`critical quantisation: the tolerance must be a finite number > 0, got ${tolerance}`);
  const grid = levelGrid(quantiser === "uniform" ? 2 : 1, opts.maxBits ?? 16);
  const base = opts.baseLoss ?? lossAt(Float64Array.from(wStar));
  const cache = new Map<number, QuantPoint>();
  const at = (j: number): QuantPoint => {
    const K = grid[j];
    let p = cache.get(K);
    if (!p) {
      const cb = quantiser === "codebook" ? codebookQuantise(wStar, K) : null;
      const q = cb ? cb.values : uniformQuantise(wStar, segments, K);
      const inc = lossAt(q) - base;
      p = { levels: K, bits: Math.log2(K), lossIncrease: Number.isFinite(inc) ? inc : Infinity, codeBitsPerWeight: cb ? cb.codeBits / wStar.length : null };
      cache.set(K, p);
    }
    return p;
  };
  const ok = (j: number) => at(j).lossIncrease <= tolerance;
  let found: number | null = null;
  if (ok(0)) found = 0;
  else if (ok(grid.length - 1)) {
    let lo = 0; // fails
    let hi = grid.length - 1; // passes
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (ok(mid)) hi = mid;
      else lo = mid;
    }
    found = hi;
  }
  const points = [...cache.values()].sort((a, b) => a.levels - b.levels);
  if (found === null) return { quantiser, tolerance, levels: null, bits: null, codeBitsPerWeight: null, monotoneAtCritical: null, points };
  const p = at(found);
  return {
    quantiser,
    tolerance,
    levels: p.levels,
    bits: p.bits,
    codeBitsPerWeight: p.codeBitsPerWeight,
    monotoneAtCritical: found === 0 ? null : !ok(found - 1),
    points,
  };
}
