/**
 * Summary statistics over a sweep's seeds: the mean, the sample standard deviation
 * (n − 1 in the denominator) and a two-sided 95 % confidence interval for the mean,
 * mean ± t_{0.975, n−1} · sd / √n (Student's t, the usual interval for a mean of a
 * few normal draws with unknown variance).
 *
 * The t quantile is computed here, exactly up to floating point, with no library:
 * A(t | ν) = P(|T| ≤ t) for integer ν has the finite closed forms of Abramowitz &
 * Stegun, Handbook of Mathematical Functions (1964), 26.7.3 (ν odd) and 26.7.4
 * (ν even) in θ = atan(t / √ν); the quantile is found by bisection on that monotone
 * function to machine precision.
 */

/** P(|T| ≤ t) for Student's t with `dof` (a positive integer) degrees of freedom, t ≥ 0 (A&S 26.7.3–4). */
export function tTwoSidedCdf(t: number, dof: number): number {
  if (!Number.isInteger(dof) || dof < 1) throw new RangeError(`degrees of freedom must be a positive integer, got ${dof}`);
  if (t <= 0) return 0;
  if (t === Infinity) return 1;
  const theta = Math.atan(t / Math.sqrt(dof));
  const s = Math.sin(theta);
  const c2 = Math.cos(theta) ** 2;
  if (dof % 2 === 1) {
    // 26.7.3: (2/π)[θ + sinθ (cosθ + (2/3)cos³θ + … + (2·4⋯(ν−3))/(1·3⋯(ν−2)) cos^{ν−2}θ)]
    if (dof === 1) return (2 / Math.PI) * theta;
    const c = Math.cos(theta);
    let term = c;
    let sum = c;
    for (let k = 3; k <= dof - 2; k += 2) {
      term *= ((k - 1) / k) * c2;
      sum += term;
    }
    return (2 / Math.PI) * (theta + s * sum);
  }
  // 26.7.4: sinθ [1 + (1/2)cos²θ + (1·3)/(2·4)cos⁴θ + … + (1·3⋯(ν−3))/(2·4⋯(ν−2)) cos^{ν−2}θ]
  let term = 1;
  let sum = 1;
  for (let k = 2; k <= dof - 2; k += 2) {
    term *= ((k - 1) / k) * c2;
    sum += term;
  }
  return s * sum;
}

/** The t with P(|T| ≤ t) = `level` (e.g. 0.95 → t_{0.975, dof}). */
export function tTwoSidedQuantile(level: number, dof: number): number {
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
  let lo = 0;
  let hi = 1;
  while (tTwoSidedCdf(hi, dof) < level) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (tTwoSidedCdf(mid, dof) < level) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Mean, sample standard deviation and the 95 % t interval's half-width over `values` (finite numbers). */
export interface Summary {
  n: number;
  mean: number | null;
  /** Sample standard deviation (n − 1); null for n < 2. */
  sd: number | null;
  /** Half-width of the two-sided 95 % interval for the mean, t_{0.975, n−1} · sd / √n; null for n < 2. */
  ci95: number | null;
}

export function summarize(values: readonly number[], level = 0.95): Summary {
  const n = values.length;
  if (n === 0) return { n, mean: null, sd: null, ci95: null };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { n, mean, sd: null, ci95: null };
  const sd = Math.sqrt(values.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
  return { n, mean, sd, ci95: (tTwoSidedQuantile(level, n - 1) * sd) / Math.sqrt(n) };
}
