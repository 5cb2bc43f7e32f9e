/**
 * Sending one bit through a single weight (B.9.2, Figs. 7–8). Alice sends b by a
 * Gaussian posterior β = N(μ, σ²) over a scalar weight w; Bob decodes sign(w).
 * For b = 1, P(correct) = P(w > 0) = Φ(μ/σ) (b = 0 is the mirror image, μ → −μ,
 * for any prior symmetric about 0). The cost is KL[β ‖ α] bits.
 *
 * Pareto frontier: the least KL at which P(correct) ≥ p. With t = Φ⁻¹(p) the
 * feasible set is {μ/σ ≥ t} = ∪_{t' ≥ t} {μ = t'σ}, so
 *   frontier(p) = min_{t' ≥ t} g(t'),   g(t) = min_σ KL[N(tσ, σ²) ‖ α].
 * Unimodal prior α = N(0, 1) (eq. 91): KL = ½(σ²(1 + t²) − 1 − ln σ²) is minimised at
 * σ² = 1/(1 + t²), giving g(t) = ½ ln(1 + t²) nats, increasing in t, hence
 *   frontier(p) = ½ log₂(1 + Φ⁻¹(p)²) bits,  μ* = t/√(1 + t²).
 * Any other prior: g(t) by numerical minimisation over σ of the quadrature KL.
 */
import { Gmm, gaussian, inverseSoftplus } from "./gmm";
import { klQuadratureBits } from "./quadrature";
import { normalCdf, normalQuantile } from "./normal";

/** A point of a KL–reliability trade-off, with the posterior that attains it. */
export interface FrontierPoint {
  /** P(sign(w) matches the bit) = Φ(μ/σ). */
  pCorrect: number;
  /** KL[β ‖ α] in bits. */
  klBits: number;
  /** The posterior's mean (for b = 1; negate for b = 0). */
  mu: number;
  /** The posterior's variance σ². */
  sigma2: number;
}

/** P(correct decoding) of the bit b = 1 sent as N(μ, σ²): Φ(μ/σ). */
export function pCorrect(mu: number, sigma2: number): number {
  return normalCdf(mu / Math.sqrt(sigma2));
}

/** The closed-form frontier under the unimodal prior N(0, 1): ½ log₂(1 + Φ⁻¹(p)²) bits (derived above). */
export function unimodalFrontierPoint(p: number): FrontierPoint {
  const t = p === 0.5 ? 0 : normalQuantile(p);
  const sigma2 = 1 / (1 + t * t);
  return { pCorrect: p, klBits: 0.5 * Math.log2(1 + t * t), mu: t * Math.sqrt(sigma2), sigma2 };
}

/** KL in bits of the posterior N(tσ, σ²) against `prior`. */
function klAt(prior: Gmm, t: number, sigma: number): number {
  return klQuadratureBits(gaussian(t * sigma, sigma * sigma), prior);
}

/** Options of the numerical frontier. */
export interface NumericFrontierOptions {
  /** Grid of log σ points searched before refinement (default 90). */
  sigmaGridPoints?: number;
  /** Range of σ searched (default [1e−7, 10]). */
  sigmaRange?: [number, number];
}

/** Minimum of a unimodal f on [a, b] by golden-section search; returns [x, f(x)]. */
function goldenMin(f: (x: number) => number, a: number, b: number, tol = 1e-10): [number, number] {
  const r = (Math.sqrt(5) - 1) / 2;
  let c = b - r * (b - a);
  let d = a + r * (b - a);
  let fc = f(c);
  let fd = f(d);
  while (b - a > tol) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - r * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + r * (b - a);
      fd = f(d);
    }
  }
  return fc < fd ? [c, fc] : [d, fd];
}

/** g(t) = min_σ KL[N(tσ, σ²) ‖ prior]: grid search in log σ, then golden-section refinement. */
export function bestPosteriorAtRatio(prior: Gmm, t: number, opts: NumericFrontierOptions = {}): FrontierPoint {
  const n = opts.sigmaGridPoints ?? 90;
  const [lo, hi] = (opts.sigmaRange ?? [1e-7, 10]).map(Math.log);
  const f = (ls: number) => klAt(prior, t, Math.exp(ls));
  const grid = Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
  const vals = grid.map(f);
  const best = vals.indexOf(Math.min(...vals));
  const [ls, kl] = goldenMin(f, grid[Math.max(0, best - 1)], grid[Math.min(n - 1, best + 1)]);
  const sigma = Math.exp(ls);
  return { pCorrect: normalCdf(t), klBits: kl, mu: t * sigma, sigma2: sigma * sigma };
}

/** Nelder–Mead minimisation of f over R² from `start` with initial step `step`. */
function nelderMead2(f: (x: [number, number]) => number, start: [number, number], step: number, iters = 400): [number, number] {
  let simplex: [number, number][] = [start, [start[0] + step, start[1]], [start[0], start[1] + step]];
  let vals = simplex.map(f);
  const mix = (a: [number, number], b: [number, number], t: number): [number, number] => [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
  for (let it = 0; it < iters; it++) {
    const order = [0, 1, 2].sort((i, j) => vals[i] - vals[j]);
    simplex = order.map((i) => simplex[i]);
    vals = order.map((i) => vals[i]);
    if (Math.abs(vals[2] - vals[0]) < 1e-13 && Math.hypot(simplex[2][0] - simplex[0][0], simplex[2][1] - simplex[0][1]) < 1e-9) break;
    const centroid = mix(simplex[0], simplex[1], 0.5);
    const reflected = mix(centroid, simplex[2], -1);
    const fr = f(reflected);
    if (fr < vals[0]) {
      const expanded = mix(centroid, simplex[2], -2);
      const fe = f(expanded);
      [simplex[2], vals[2]] = fe < fr ? [expanded, fe] : [reflected, fr];
    } else if (fr < vals[1]) {
      [simplex[2], vals[2]] = [reflected, fr];
    } else {
      const contracted = mix(centroid, simplex[2], 0.5);
      const fc = f(contracted);
      if (fc < vals[2]) [simplex[2], vals[2]] = [contracted, fc];
      else {
        for (const i of [1, 2]) {
          simplex[i] = mix(simplex[0], simplex[i], 0.5);
          vals[i] = f(simplex[i]);
        }
      }
    }
  }
  return simplex[vals.indexOf(Math.min(...vals))];
}

/**
 * Local minima of KL[N(μ, σ²) ‖ prior] over (μ > 0, σ), searched by Nelder–Mead in
 * (μ, log σ) from each prior component (and from N(1, 1)). These are the interior
 * minima of g over t' ≥ t that the frontier's min can land on.
 */
export function unconstrainedMinima(prior: Gmm): FrontierPoint[] {
  const f = ([mu, ls]: [number, number]) => (mu <= 0 ? Infinity : klQuadratureBits(gaussian(mu, Math.exp(2 * ls)), prior));
  const starts: [number, number][] = [[1, 0], ...prior.mu.flatMap((m, k): [number, number][] => (m > 0 ? [[m, 0.5 * Math.log(Math.log1p(Math.exp(prior.nu[k])))]] : []))];
  return starts.map((s0) => {
    const [mu, ls] = nelderMead2(f, s0, 0.1);
    const sigma2 = Math.exp(2 * ls);
    return { pCorrect: pCorrect(mu, sigma2), klBits: f([mu, ls]), mu, sigma2 };
  });
}

/**
 * The Pareto frontier min{KL : P(correct) ≥ p} for each p in `ps` under any prior,
 * by numerical minimisation: frontier(p) = min(g(t), KL of every unconstrained local
 * minimum with ratio μ/σ ≥ t), t = Φ⁻¹(p) (see the module comment). `pCorrect` of
 * each point is the target p; `mu`, `sigma2` give the minimising posterior, whose own
 * P(correct) may exceed p.
 */
export function numericFrontier(prior: Gmm, ps: readonly number[], opts: NumericFrontierOptions = {}): FrontierPoint[] {
  const minima = unconstrainedMinima(prior);
  return ps.map((p) => ({ ...frontierAtRatio(prior, p <= 0.5 ? 0 : normalQuantile(p), opts, minima), pCorrect: p }));
}

/**
 * The frontier at a reliability given as the ratio t = μ/σ (so that reliabilities
 * that round to P = 1 in float64, t ≳ 8.3, are still distinct): min(g(t), KL of
 * every local minimum with ratio ≥ t). t < 0 is treated as 0 (symmetric priors).
 */
export function frontierAtRatio(prior: Gmm, t: number, opts: NumericFrontierOptions = {}, minima = unconstrainedMinima(prior)): FrontierPoint {
  let best = bestPosteriorAtRatio(prior, Math.max(0, t), opts);
  for (const m of minima) if (m.mu / Math.sqrt(m.sigma2) >= t && m.klBits < best.klBits) best = m;
  return best;
}

/**
 * `n` values of p from 0.5 to `pMax` (default 1 − 1e−6), evenly spaced in
 * −log₁₀(1 − p) so the approach to certainty is resolved.
 */
export function pCorrectGrid(n: number, pMax = 1 - 1e-6): number[] {
  const a = Math.log10(2);
  const b = -Math.log10(1 - pMax);
  return Array.from({ length: n }, (_, i) => (i === 0 ? 0.5 : i === n - 1 ? pMax : 1 - Math.pow(10, -(a + ((b - a) * i) / (n - 1)))));
}

/** The paper's multimodal prior (B.9.2): ½N(−1, σ̂²) + ½N(1, σ̂²). */
export function bimodalPrior(componentVariance: number, mean = 1): Gmm {
  const nu = inverseSoftplus(componentVariance);
  return { mu: [-mean, mean], nu: [nu, nu], w: [0, 0] };
}
