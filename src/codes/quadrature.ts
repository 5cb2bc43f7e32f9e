/**
 * Exact KL[β ‖ α] between two scalar GMMs (B.9.1, eq. 88; the closed form of eq. 91 is the
 * one-Gaussian case) by deterministic 1-D numerical integration, for tests and figures (the
 * reference the Monte-Carlo estimator of C.1 is checked against). KL = Σ_m π_m ∫ φ(z)
 * [log β(x) − log α(x)] dz with x = μ_m + σ_m z for each posterior component m: integrating in
 * standardised coordinates handles any posterior width (ν down to −50 and below). The integrand
 * is smooth except where it changes quickly, and breakpoints go there:
 *  - at every other component's mean ± multiples of its width, which resolves prior components
 *    far narrower than the posterior;
 *  - at every crossover of two components of the same mixture (where π_i N(x; μ_i, σ_i²) =
 *    π_j N(x; μ_j, σ_j²), a root of a quadratic) on the mixture's upper envelope (no third
 *    component above by more than e⁴⁰) ± multiples of the width of the hand-over.
 *    A narrow component (ν ≤ −30) dominates its mixture far beyond its own σ, up to where the
 *    next one takes over; there log α has a kink (a jump of its slope of order Δμ/σ²), which
 *    a Gauss–Legendre piece straddling it gets wrong by up to 3·10⁻⁵ relative.
 * Each piece uses 20-point Gauss–Legendre. Float64 throughout; results in bits; agrees with an
 * independent adaptive Gauss–Kronrod reference to 10⁻¹² relative (test/codes/quadrature.test.ts).
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
/** Multiples of a hand-over's width: a coarser ladder suffices for log(1 + e^(−d)). */
const HANDOVER_SCALES = [0, 0.5, 2, 8, 32];

interface Comp {
  mu: number;
  sigma: number;
  /** log π_k − log σ_k: the component's log density at its mean, up to a constant shared by its mixture. */
  logPeak: number;
}

function components(g: Gmm): Comp[] {
  const logPi = logMixing(g.w);
  return g.mu.map((mu, k) => {
    const logVar = logSoftplus(g.nu[k]);
    return { mu, sigma: Math.exp(0.5 * logVar), logPeak: logPi[k] - 0.5 * logVar };
  });
}

/**
 * Where components i and j of one mixture cross, in z = (x − c_m)/s_m: the real roots of
 * log π_i N(x; μ_i, σ_i²) = log π_j N(x; μ_j, σ_j²), each with the width 1/|d′(z)| of the hand-over
 * (d the difference of the two log densities). The quadratic is scaled by the larger variance
 * and solved in the cancellation-free form; a root's error is of order ε·|c|, far inside its width.
 */
function crossovers(a: Comp, b: Comp, cm: number, sm: number): { z: number; width: number }[] {
  const ci = (a.mu - cm) / sm;
  const cj = (b.mu - cm) / sm;
  const u = (a.sigma / sm) ** 2;
  const v = (b.sigma / sm) ** 2;
  const big = Math.max(u, v);
  if (!(big > 0) || !Number.isFinite(big) || !Number.isFinite(a.logPeak - b.logPeak)) return [];
  const us = u / big;
  const vs = v / big;
  // −2uv·d(z)/big = A z² + B z + C
  const A = vs - us;
  const B = -2 * (vs * ci - us * cj);
  const C = vs * ci * ci - us * cj * cj - 2 * Math.min(u, v) * (a.logPeak - b.logPeak);
  const roots: number[] = [];
  if (A === 0) {
    if (B !== 0) roots.push(-C / B);
  } else {
    const disc = B * B - 4 * A * C;
    if (disc >= 0) {
      const q = -0.5 * (B + (B >= 0 ? 1 : -1) * Math.sqrt(disc));
      roots.push(q / A);
      if (q !== 0) roots.push(C / q);
    }
  }
  return roots
    .filter((z) => Number.isFinite(z) && Math.abs(z) < Z_MAX)
    .map((z) => ({ z, width: 1 / Math.abs((z - cj) / v - (z - ci) / u) }));
}

/**
 * Breakpoints in z for posterior component m: other components' means ± multiples of their widths,
 * and every crossover of two components of β or of α ± multiples of the hand-over's width.
 */
function breakpoints(m: number, q: Comp[], p: Comp[]): number[] {
  const cm = q[m].mu;
  const sm = q[m].sigma;
  const pts = new Set<number>([-Z_MAX, Z_MAX, ...SCALES.flatMap((s) => [s, -s])]);
  const add = (c: number, r: number, scales = SCALES) => {
    for (const s of scales) for (const z of [c - s * r, c + s * r]) if (z > -Z_MAX && z < Z_MAX) pts.add(z);
  };
  for (const [j, { mu, sigma }] of [...q, ...p].entries()) if (j !== m) add((mu - cm) / sm, sigma / sm);
  for (const mix of [q, p]) {
    // log π_k N(x; μ_k, σ_k²) + const at z: only hand-overs on the mixture's upper envelope matter
    const level = (k: number, z: number) => mix[k].logPeak - 0.5 * ((z - (mix[k].mu - cm) / sm) / (mix[k].sigma / sm)) ** 2;
    for (let i = 0; i < mix.length; i++) {
      for (let j = i + 1; j < mix.length; j++) {
        for (const { z, width } of crossovers(mix[i], mix[j], cm, sm)) {
          const top = Math.max(level(i, z), level(j, z));
          let visible = true;
          for (let k = 0; k < mix.length && visible; k++) if (k !== i && k !== j && level(k, z) > top + 40 + 1e-12 * Math.abs(top)) visible = false;
          if (visible) add(z, width, HANDOVER_SCALES);
        }
      }
    }
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
  const cq = components(q);
  const cp = components(p);
  const logPi = logMixing(q.w);
  let nats = 0;
  q.mu.forEach((cm, m) => {
    const pi = Math.exp(logPi[m]);
    if (pi < 1e-300) return;
    const sm = cq[m].sigma;
    const integrand = (z: number) => gmmLogPdfSplit(q, cm, sm * z) - gmmLogPdfSplit(p, cm, sm * z);
    nats += pi * integrate(integrand, breakpoints(m, cq, cp));
  });
  return nats / LN2;
}
