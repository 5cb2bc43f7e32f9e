/**
 * The standard normal distribution in float64: density, CDF Φ, its complement
 * and quantile Φ⁻¹ (accurate into the far tails, through @stdlib's erfc/erfcinv).
 * Used by the bit-encoding analysis (B.9.2), where P(correct) = Φ(μ/σ).
 */
import erfc = require("@stdlib/math-base-special-erfc");
import erfcinv = require("@stdlib/math-base-special-erfcinv");

export const LN2 = Math.LN2;
export const LOG_2PI = Math.log(2 * Math.PI);

/** Φ(x) = P(Z ≤ x) for Z ~ N(0, 1). */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** 1 − Φ(x), accurate when Φ(x) is close to 1. */
export function normalSf(x: number): number {
  return 0.5 * erfc(x / Math.SQRT2);
}

/** Φ⁻¹(p) for p in (0, 1). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must lie in (0, 1), got ${p}`);
  return -Math.SQRT2 * erfcinv(2 * p);
}

/** Standard normal density φ(z). */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z - 0.5 * LOG_2PI);
}
