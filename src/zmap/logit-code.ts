/**
 * The output-tape encoding of a rational logit, eq. 28 (B.3):
 *
 *     s, 1, 1, …, 1 (numerator times), 0, 1, 1, …, 1 (denominator − 1 times)
 *
 * followed by blanks. We read the sign bit s = 0 as "+" and s = 1 as "−" (the
 * paper leaves the convention open). The logit is (−1)^s · numerator / denominator.
 * The Transformer of zmap decodes the same way (B.5.3): "sum" counts the
 * numerator's ones with the sign, "key" marks START plus one position per
 * denominator one, and an averaging head returns sum / #key = numerator / denominator.
 */
import { KcdlError } from "../core/errors";

/** A logit as the tape encodes it: sign bit, numerator ≥ 0, denominator ≥ 1. */
export interface TapeLogit {
  sign: 0 | 1;
  numerator: number;
  denominator: number;
}

/** The value (−1)^sign · numerator / denominator. */
export function logitValue(l: TapeLogit): number {
  return (l.sign === 1 ? -1 : 1) * (l.numerator / l.denominator);
}

/** Eq. 28: the bits written on one output tape for `l`. */
export function encodeLogit(l: TapeLogit): (0 | 1)[] {
  if (!Number.isInteger(l.numerator) || l.numerator < 0) throw new KcdlError(`logit numerator must be an integer ≥ 0, got ${l.numerator}`);
  if (!Number.isInteger(l.denominator) || l.denominator < 1) throw new KcdlError(`logit denominator must be an integer ≥ 1, got ${l.denominator}`);
  const bits: (0 | 1)[] = [l.sign];
  for (let i = 0; i < l.numerator; i++) bits.push(1);
  bits.push(0);
  for (let i = 1; i < l.denominator; i++) bits.push(1);
  return bits;
}

/**
 * Inverse of eq. 28 on a tape's written cells, or undefined when the cells are
 * not in dom(e_L) (no sign bit, no terminating 0, or a 0 among the denominator's ones).
 */
export function decodeLogit(bits: readonly (0 | 1)[]): TapeLogit | undefined {
  if (bits.length < 2) return undefined;
  const sign = bits[0];
  let i = 1;
  let numerator = 0;
  while (i < bits.length && bits[i] === 1) {
    numerator++;
    i++;
  }
  if (i >= bits.length) return undefined; // no 0 after the numerator
  i++;
  let denominator = 1;
  for (; i < bits.length; i++) {
    if (bits[i] !== 1) return undefined;
    denominator++;
  }
  return { sign, numerator, denominator };
}
