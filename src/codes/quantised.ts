/**
 * The two-part code with quantised weights (eq. 2 with a prior over a finite grid of weights; the
 * "two-part code" column of the codes experiment): every weight is rounded to a multiple of a step
 * δ (δ = 0: the weights as they are, e.g. a compiled solution's few distinct values), and the model
 * part is sent group by group as
 *
 *   the number of levels M (32 bits), each level's value (32 bits) and count (⌈log₂(N + 1)⌉ bits),
 *   then which weight has which level: log₂(N! / Π_i c_i!) bits (the enumerative code of the
 *   sequence given its counts, ≤ N·H(p), B.9.3's delta-posterior KL),
 *
 * plus 32 bits for δ. It is a prefix code, so −log₂ α(h) of the quantised weights h is at most
 * this; the data part is −log₂ p(Y | X; h) of the quantised model.
 */
import { UsageError } from "../core/errors";
import { weightHistogram } from "./optimal-prior";

/** Bits of one IEEE float (a level's value, δ). */
export const FLOAT_BITS = 32;

/** `values` rounded to multiples of `step` (step 0: unchanged). */
export function quantise(values: ArrayLike<number>, step: number): Float32Array {
  if (!(step >= 0) || !Number.isFinite(step)) throw new UsageError(`the quantisation step must be a finite number ≥ 0, got ${step}`);
  const out = Float32Array.from(values);
  if (step > 0) for (let i = 0; i < out.length; i++) out[i] = Math.round(out[i] / step) * step;
  return out;
}

/** log₂ n! by summation (exact to rounding; n up to a few million). */
export function log2Factorial(n: number): number {
  let s = 0;
  for (let i = 2; i <= n; i++) s += Math.log2(i);
  return s;
}

/** log₂ of the multinomial coefficient N! / Π c_i!. */
export function log2Multinomial(counts: readonly number[]): number {
  const n = counts.reduce((a, b) => a + b, 0);
  return log2Factorial(n) - counts.reduce((a, c) => a + log2Factorial(c), 0);
}

/** The model part of one group: header (levels, values, counts) and the enumerative code of the assignment. */
export interface QuantisedGroupBits {
  group: string;
  weights: number;
  levels: number;
  headerBits: number;
  assignmentBits: number;
  bits: number;
}

/** The model part (bits) of weights already on their grid, group by group (module doc), plus δ's 32 bits. */
export function quantisedModelBits(groups: readonly { group: string; weights: ArrayLike<number> }[]): { bits: number; groups: QuantisedGroupBits[] } {
  const out = groups.map(({ group, weights }) => {
    const h = weightHistogram(weights);
    const countBits = Math.ceil(Math.log2(h.n + 1));
    const headerBits = FLOAT_BITS + h.values.length * (FLOAT_BITS + countBits);
    const assignmentBits = log2Multinomial(h.counts);
    return { group, weights: h.n, levels: h.values.length, headerBits, assignmentBits, bits: headerBits + assignmentBits };
  });
  return { bits: FLOAT_BITS + out.reduce((a, g) => a + g.bits, 0), groups: out };
}
