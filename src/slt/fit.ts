/** Least-squares lines with their coefficient of determination (seed 004 §5 reports R² of LLC against critical quantisation). */
import { UsageError } from "../core/errors";

export interface LinearFit {
  slope: number;
  intercept: number;
  /** 1 − SS_res / SS_tot (NaN when y is constant or fewer than 2 points). */
  r2: number;
  /** Points used. */
  n: number;
}

/** y ≈ intercept + slope · x by least squares. */
export function linearFit(x: readonly number[], y: readonly number[]): LinearFit {
  if (x.length !== y.length) throw new UsageError(`linear fit: ${x.length} x values but ${y.length} y values`);
  const n = x.length;
  if (n < 2) return { slope: NaN, intercept: NaN, r2: NaN, n };
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  const slope = sxx > 0 ? sxy / sxx : NaN;
  const intercept = my - slope * mx;
  let ssr = 0;
  for (let i = 0; i < n; i++) ssr += (y[i] - intercept - slope * x[i]) ** 2;
  return { slope, intercept, r2: syy > 0 && sxx > 0 ? 1 - ssr / syy : NaN, n };
}
