/**
 * The prequential code (Blier & Ollivier 2018, "The description length of deep learning models";
 * the online code the paper's two-part and variational codes are compared with, Section 7): the
 * labels are cut into blocks at 0 = t₀ < t₁ < … < t_S = n; the first block is sent with the uniform
 * code, and block k (examples t_k … t_{k+1} − 1) with a model fitted to the first t_k examples:
 *
 *     L^preq(Y | X) = t₁ · log₂ |Y| + Σ_{k=1}^{S−1} −log₂ p(y_{t_k+1 … t_{k+1}} | x; θ̂(t_k)).
 *
 * Blier & Ollivier's standard protocol doubles the blocks (`doublingBlocks`). With one example per
 * block and the Laplace estimator p(y = 1) = (k + 1)/(t + 2) the code is the Bayes mixture with a
 * uniform prior on the Bernoulli parameter, whose closed form is log₂((n + 1) · C(n, k)) bits
 * (`laplaceMixtureBits`) — the test of this module.
 */
import { UsageError } from "../core/errors";

/** One block of the prequential code: the examples [start, end) and their bits. */
export interface PrequentialBlock {
  start: number;
  end: number;
  bits: number;
}

/** Block boundaries t₁ < … < t_S = n doubling from `first` (Blier & Ollivier's protocol): first, 2·first, 4·first, …, n. */
export function doublingBlocks(n: number, first: number): number[] {
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`the prequential code needs n ≥ 1 examples, got ${n}`);
  if (!Number.isInteger(first) || first < 1) throw new UsageError(`the first prequential block needs ≥ 1 example, got ${first}`);
  const ends: number[] = [];
  for (let t = first; t < n; t *= 2) ends.push(t);
  ends.push(n);
  return ends;
}

/**
 * The prequential code (module doc) with the block ends `ends` (t₁ … t_S, increasing, t_S = n):
 * `encode(start, end)` returns the bits of examples [start, end) under the model fitted to
 * examples [0, start); the first block costs (t₁) · log₂ |Y|.
 */
export async function prequentialCode(
  ends: readonly number[],
  classes: number,
  encode: (start: number, end: number) => number | Promise<number>,
): Promise<{ bits: number; blocks: PrequentialBlock[] }> {
  if (ends.length === 0) throw new UsageError("the prequential code needs at least one block");
  ends.forEach((t, i) => {
    if (!Number.isInteger(t) || t < 1 || (i > 0 && t <= ends[i - 1])) throw new UsageError(`prequential block ends must be increasing integers ≥ 1, got [${ends.join(", ")}]`);
  });
  const blocks: PrequentialBlock[] = [{ start: 0, end: ends[0], bits: ends[0] * Math.log2(classes) }];
  for (let k = 1; k < ends.length; k++) blocks.push({ start: ends[k - 1], end: ends[k], bits: await encode(ends[k - 1], ends[k]) });
  return { bits: blocks.reduce((a, b) => a + b.bits, 0), blocks };
}

/** log₂ of the binomial coefficient C(n, k), by lgamma-free summation (exact to rounding for n ≤ 10⁶). */
function log2Binomial(n: number, k: number): number {
  let s = 0;
  const m = Math.min(k, n - k);
  for (let i = 1; i <= m; i++) s += Math.log2(n - m + i) - Math.log2(i);
  return s;
}

/**
 * The Laplace mixture code of a binary sequence with k ones among n: −log₂ ∫₀¹ θ^k (1 − θ)^{n−k} dθ
 * = log₂((n + 1) · C(n, k)) bits — the prequential code with one example per block and the Laplace
 * estimator (k + 1)/(t + 2) (the telescoping product of those predictions).
 */
export function laplaceMixtureBits(n: number, k: number): number {
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(k) || k < 0 || k > n) throw new UsageError(`need integers 0 ≤ k ≤ n, got k = ${k}, n = ${n}`);
  return Math.log2(n + 1) + log2Binomial(n, k);
}
