/**
 * Exact KL[β ‖ α] between two scalar GMMs by deterministic 1-D numerical
 * integration, for tests and figures (the reference the Monte-Carlo estimator
 * of C.1 is checked against). KL = Σ_m π_m ∫ φ(z) [log β(x) − log α(x)] dz with
 * x = μ_m + σ_m z for each posterior component m: integrating in standardised
 * coordinates handles any posterior width (ν down to −50 and below), and the
 * breakpoints placed at every other component's mean ± multiples of its width
 * resolve prior components far narrower than the posterior. Each piece uses
 * 20-point Gauss–Legendre. Float64 throughout; results in bits.
 */
import { Gmm, gmmLogPdfSplit, logMixing, logSoftplus } from "./gmm";
import { LN2, normalPdf } from "./normal";

/** Gauss–Legendre nodes and weights on [−1, 1] (Newton iteration on P_n). */
function gaussLegendre(n: number): { x: number[]; w: number[] } {
  const x: number[] = [];
  const w: number[] = [];
  for (let i = 1; i <= n; i++) {
    let z = Math.cos((Math.PI * (i - 0.25)) / (n + 0.5));
    let dp = 0;
    for (let iter = 0; iter < 100; iter++) {
      let p0 = 1;
      let p1 = z;
      for (let k = 2; k <= n; k++) [p0, p1] = [p1, ((2 * k - 1) * z * p1 - (k - 1) * p0) / k];
      dp = (n * (z * p1 - p0)) / (z * z - 1);
      const dz = p1 / dp;
      z -= dz;
      if (Math.abs(dz) < 1e-16) break;
    }
    x.push(z);
    w.push(2 / ((1 - z * z) * dp * dp));
  }
  return { x, w };
}

const GL = gaussLegendre(20);
/** Half-width of the standardised integration range; φ(38) ≈ 1e−314. */
const Z_MAX = 38;
const SCALES = [0, 0.25, 0.5, 1, 2, 4, 8, 16, 32];

/** Breakpoints in z for posterior component m: other components' means ± multiples of their widths. */
function breakpoints(cm: number, sm: number, comps: { mu: number; sigma: number }[]): number[] {
  const pts = new Set<number>([-Z_MAX, Z_MAX, ...SCALES.flatMap((s) => [s, -s])]);
  for (const { mu, sigma } of comps) {
    const c = (mu - cm) / sm;
    const r = sigma / sm;
    for (const s of SCALES) for (const z of [c - s * r, c + s * r]) if (z > -Z_MAX && z < Z_MAX) pts.add(z);
  }
  return [...pts].sort((a, b) => a - b);
}

/** ∫ φ(z) f(z) dz over [−38, 38] with breakpoints, for posterior component (μ_m, σ_m). */
function integrate(f: (z: number) => number, bps: number[]): number {
  let total = 0;
  for (let i = 0; i + 1 < bps.length; i++) {
    const a = bps[i];
    const b = bps[i + 1];
    const h = 0.5 * (b - a);
    if (h <= 0) continue;
    const c = 0.5 * (a + b);
    let s = 0;
    for (let j = 0; j < GL.x.length; j++) {
      const z = c + h * GL.x[j];
      const wz = normalPdf(z);
      if (wz > 0) s += GL.w[j] * wz * f(z);
    }
    total += h * s;
  }
  return total;
}

/** KL[β ‖ α] in bits between scalar GMMs β (posterior) and α (prior), by quadrature. */
export function klQuadratureBits(q: Gmm, p: Gmm): number {
  const comps = [...q.mu.map((mu, k) => ({ mu, sigma: Math.exp(0.5 * logSoftplus(q.nu[k])) })),
    ...p.mu.map((mu, k) => ({ mu, sigma: Math.exp(0.5 * logSoftplus(p.nu[k])) }))];
  const logPi = logMixing(q.w);
  let nats = 0;
  q.mu.forEach((cm, m) => {
    const pi = Math.exp(logPi[m]);
    if (pi < 1e-300) return;
    const sm = comps[m].sigma;
    const others = comps.filter((_, j) => j !== m);
    const integrand = (z: number) => gmmLogPdfSplit(q, cm, sm * z) - gmmLogPdfSplit(p, cm, sm * z);
    nats += pi * integrate(integrand, breakpoints(cm, sm, others));
  });
  return nats / LN2;
}
