/**
 * GMMs as plain numbers for figures: a prior group's mixture as (μ, σ², π) with its
 * mode count (what results.json stores), its density, and x grids dense enough to
 * draw spiky mixtures. No tfjs: renderers of results import this.
 */

/** A prior group's GMM as (μ, σ², π), with the modes of its density (`summarizePrior` in variational/prior.ts). */
export interface PriorSummary {
  group: string;
  mu: number[];
  sigma2: number[];
  pi: number[];
  modes: number;
}

/** Density of a prior summary at x. */
export function summaryPdf(g: PriorSummary, x: number): number {
  return g.mu.reduce((a, m, k) => a + (g.pi[k] * Math.exp(-((x - m) ** 2) / (2 * g.sigma2[k]))) / Math.sqrt(2 * Math.PI * g.sigma2[k]), 0);
}

/** x grid for prior summaries: 601 uniform points over [lo, hi] plus dense points around every component (π > 10⁻⁶), so narrow spikes show. */
export function priorGrid(gs: readonly PriorSummary[], lo: number, hi: number): number[] {
  const centres = gs.flatMap((g) => g.mu.flatMap((mu, k) => (g.pi[k] > 1e-6 ? [{ mu, sigma: Math.sqrt(g.sigma2[k]) }] : [])));
  return densityGrid(centres, lo, hi, { points: 601, reach: 3, perSigma: 2 });
}

/**
 * x values for evaluating spiky densities (GMMs with narrow components): `points` uniform points
 * over [lo, hi] plus, around every centre, the points μ + σ·i/`perSigma` for |i| ≤ `reach`·`perSigma`
 * (within ±`reach` σ), sorted and unique. `dedupe` maps centres to keys; a repeated key adds no points
 * (for many near-equal centres).
 */
export function densityGrid(
  centres: readonly { mu: number; sigma: number }[],
  lo: number,
  hi: number,
  o: { points: number; reach: number; perSigma: number; dedupe?: (c: { mu: number; sigma: number }) => string },
): number[] {
  const xs = Array.from({ length: o.points }, (_, i) => lo + ((hi - lo) * i) / (o.points - 1));
  const seen = new Set<string>();
  const n = Math.round(o.reach * o.perSigma);
  for (const c of centres) {
    if (o.dedupe) {
      const key = o.dedupe(c);
      if (seen.has(key)) continue;
      seen.add(key);
    }
    for (let i = -n; i <= n; i++) xs.push(c.mu + (c.sigma * i) / o.perSigma);
  }
  return [...new Set(xs.filter((x) => x >= lo && x <= hi))].sort((a, b) => a - b);
}

