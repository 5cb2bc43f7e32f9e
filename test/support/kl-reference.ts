/**
 * An independent reference for KL[β ‖ α] between scalar GMMs (B.9.1, eq. 88), used to check
 * src/codes/quadrature.ts. Nothing here is shared with the implementation: its own softplus,
 * log-sum-exp and normal density, hard-coded Gauss–Kronrod (7, 15) nodes, and a different
 * scheme: per posterior component m, the offset h = x − μ_m over ±40 σ_m, an initial partition
 * that is a geometric ladder (σ_k·2^j, j = −3 … 60) around every component mean plus 2,000
 * uniform cells, then adaptive bisection of every cell until |K15 − G7| is below 1e−15 of the
 * integral's L¹ norm (apportioned by width) or 1e−14 of the cell's own, or the cell is 1e−12 of
 * the range. Kinks where one component hands the mixture to
 * another are found by the bisection, not placed in advance. Slow (tens of ms per call): tests only.
 */
export interface RefGmm {
  mu: readonly number[];
  nu: readonly number[];
  w: readonly number[];
}

// Gauss–Kronrod 15-point nodes (non-negative half) and weights, with the embedded 7-point Gauss weights.
/* eslint-disable no-loss-of-precision -- the published 33-digit values; each literal parses to its nearest double */
const XGK = [
  0.991455371120812639206854697526329, 0.949107912342758524526189684047851, 0.864864423359769072789712788640926,
  0.741531185599394439863864773280788, 0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
  0.207784955007898467600689403773245, 0.0,
];
const WGK = [
  0.022935322010529224963732008058970, 0.063092092629978553290700663189204, 0.104790010322250183839876322541518,
  0.140653259715525918745189590510238, 0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
  0.204432940075298892414161999234649, 0.209482141084727828012999174891714,
];
const WG = [0.129484966168869693270611432679082, 0.279705391489276667901467771423780, 0.381830050505118944950369775488975, 0.417959183673469387755102040816327];
/** log √(2π). */
const HALF_LOG_2PI = 0.918938533204672741780329736406;
/* eslint-enable no-loss-of-precision */

function softplusRef(v: number): number {
  return v > 40 ? v : Math.log1p(Math.exp(v));
}

function logSoftplusRef(v: number): number {
  // for v ≪ 0, log(1 + e^v) = e^v − e^{2v}/2 + …, so log softplus(v) = v + log(1 − e^v/2 + …)
  return v < -20 ? v + Math.log1p(-0.5 * Math.exp(v)) : Math.log(softplusRef(v));
}

interface Comp {
  mu: number;
  logSigma: number;
  sigma: number;
  logPi: number;
}

function comps(g: RefGmm): Comp[] {
  const m = Math.max(...g.w);
  let s = 0;
  for (const w of g.w) s += Math.exp(w - m);
  const lse = m + Math.log(s);
  return g.mu.map((mu, k) => {
    const logSigma = 0.5 * logSoftplusRef(g.nu[k]);
    return { mu, logSigma, sigma: Math.exp(logSigma), logPi: g.w[k] - lse };
  });
}

/** log density at x = base + h, every difference formed as (base − μ_k) + h. */
function logDensity(cs: Comp[], base: number, h: number): number {
  let best = -Infinity;
  const t: number[] = [];
  for (const c of cs) {
    const u = (base - c.mu + h) / c.sigma;
    const v = c.logPi - c.logSigma - HALF_LOG_2PI - 0.5 * u * u;
    t.push(v);
    if (v > best) best = v;
  }
  let s = 0;
  for (const v of t) s += Math.exp(v - best);
  return best + Math.log(s);
}

/** KL[q ‖ p] in bits by adaptive Gauss–Kronrod; slow and careful. */
export function klReferenceBits(q: RefGmm, p: RefGmm): number {
  const cq = comps(q);
  const cp = comps(p);
  const all = [...cq, ...cp];
  let nats = 0;
  for (const m of cq) {
    const pi = Math.exp(m.logPi);
    if (pi === 0) continue;
    const s = m.sigma;
    const f = (h: number) => {
      const u = h / s;
      const weight = Math.exp(-0.5 * u * u - HALF_LOG_2PI) / s;
      return weight === 0 ? 0 : weight * (logDensity(cq, m.mu, h) - logDensity(cp, m.mu, h));
    };
    const lo = -40 * s;
    const hi = 40 * s;
    const pts = new Set<number>([lo, hi]);
    for (let i = 1; i < 2000; i++) pts.add(lo + ((hi - lo) * i) / 2000);
    for (const c of all) {
      const centre = c.mu - m.mu;
      for (let j = -3; j <= 60; j++) {
        const d = c.sigma * 2 ** j;
        for (const x of [centre - d, centre, centre + d]) if (x > lo && x < hi) pts.add(x);
      }
    }
    const grid = [...pts].sort((a, b) => a - b);
    const gk = (a: number, b: number) => {
      const c = 0.5 * (a + b);
      const hw = 0.5 * (b - a);
      let k = WGK[7] * f(c);
      let g = WG[3] * f(c);
      let l1 = Math.abs(k);
      for (let j = 0; j < 7; j++) {
        const f1 = f(c - hw * XGK[j]);
        const f2 = f(c + hw * XGK[j]);
        k += WGK[j] * (f1 + f2);
        l1 += WGK[j] * (Math.abs(f1) + Math.abs(f2));
        if (j % 2 === 1) g += WG[(j - 1) / 2] * (f1 + f2);
      }
      return { k: k * hw, err: Math.abs((k - g) * hw), l1: l1 * hw };
    };
    let l1 = 0;
    for (let i = 0; i + 1 < grid.length; i++) l1 += gk(grid[i], grid[i + 1]).l1;
    const tol = 1e-15 * l1;
    const width = hi - lo;
    const rec = (a: number, b: number, depth: number): number => {
      const r = gk(a, b);
      // converged against the whole integral's share, or to rounding level of this cell; cells
      // narrower than 1e−12 of the range are not split (near a narrow component away from μ_m,
      // x = μ_m + h only resolves x − μ_k to ε·|μ_m − μ_k|, which no bisection improves)
      if (r.err <= (tol * (b - a)) / width || r.err <= 1e-14 * r.l1 || b - a < 1e-12 * width || depth > 60) return r.k;
      const c = 0.5 * (a + b);
      return rec(a, c, depth + 1) + rec(c, b, depth + 1);
    };
    let total = 0;
    for (let i = 0; i + 1 < grid.length; i++) total += rec(grid[i], grid[i + 1], 0);
    nats += pi * total;
  }
  return nats / Math.LN2;
}
