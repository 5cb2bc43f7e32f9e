/**
 * Calibration of the LLC estimator where the truth is known (Lau et al. 2023, §5):
 * every calibration model (calibration-models.ts) estimated at every point of a grid
 * of (nβ, γ, step size ε), each row beside the true λ and, where it has one, the
 * closed-form expectation at that (nβ, γ). `bestPoint` picks the grid point with the
 * smallest mean relative error |λ̂ − λ| / λ over the models, no chain diverging.
 */
import type { Progress } from "../core/progress";
import { silentProgress } from "../core/progress";
import { CalibrationModel } from "./calibration-models";
import { SgldOptions, estimateLlc } from "./sgld";

/** One point of the hyperparameter grid. */
export interface GridPoint {
  nbeta: number;
  gamma: number;
  lr: number;
}

/** One model estimated at one grid point. */
export interface CalibrationRow extends GridPoint {
  model: string;
  kind: CalibrationModel["kind"];
  dim: number;
  /** The true λ. */
  truth: number;
  /** The closed-form expectation at (nβ, γ), or null. */
  exact: number | null;
  /** λ̂: mean over chains (NaN when every chain diverged). */
  llc: number;
  llcStd: number;
  chains: number;
  diverged: number;
  /** (λ̂ − λ) / λ. */
  relError: number;
}

/** The grid (nbetas × gammas × lrs), in that nesting order. */
export function grid(nbetas: readonly number[], gammas: readonly number[], lrs: readonly number[]): GridPoint[] {
  return nbetas.flatMap((nbeta) => gammas.flatMap((gamma) => lrs.map((lr) => ({ nbeta, gamma, lr }))));
}

/** Estimates every model at every grid point with `base`'s chains, draws and burn-in. */
export function calibrate(models: readonly CalibrationModel[], points: readonly GridPoint[], base: Partial<SgldOptions>, seed: number, progress: Progress = silentProgress): CalibrationRow[] {
  const rows: CalibrationRow[] = [];
  progress.start("LLC calibration", models.length * points.length);
  for (const m of models) {
    for (const p of points) {
      const e = estimateLlc(m.target, m.wStar, { ...base, nbeta: p.nbeta, localization: p.gamma, lr: p.lr }, { seed, name: `calibration/${m.name}/${p.nbeta}/${p.gamma}/${p.lr}`, traceLength: 0 });
      rows.push({
        model: m.name,
        kind: m.kind,
        dim: m.dim,
        truth: m.truth,
        exact: m.exactAt ? m.exactAt(p.nbeta, p.gamma) : null,
        ...p,
        llc: e.llc,
        llcStd: e.llcStd,
        chains: e.chains.length,
        diverged: e.diverged,
        relError: (e.llc - m.truth) / m.truth,
      });
      progress.update(rows.length, { model: m.kind });
    }
  }
  progress.stop();
  return rows;
}

/** A grid point's summary over the models. */
export interface GridSummary extends GridPoint {
  /** Mean |λ̂ − λ| / λ over the models (NaN if any diverged). */
  meanAbsRelError: number;
  /** Largest |λ̂ − λ| / λ. */
  maxAbsRelError: number;
  /** Chains that diverged, over all models. */
  diverged: number;
}

/** Every grid point's errors over the models, in grid order. */
export function summarizeGrid(rows: readonly CalibrationRow[]): GridSummary[] {
  const key = (p: GridPoint) => `${p.nbeta}/${p.gamma}/${p.lr}`;
  const by = new Map<string, CalibrationRow[]>();
  for (const r of rows) by.set(key(r), [...(by.get(key(r)) ?? []), r]);
  return [...by.values()].map((rs) => {
    const errs = rs.map((r) => Math.abs(r.relError));
    const diverged = rs.reduce((a, r) => a + r.diverged, 0);
    return {
      nbeta: rs[0].nbeta,
      gamma: rs[0].gamma,
      lr: rs[0].lr,
      meanAbsRelError: diverged > 0 || errs.some((e) => !Number.isFinite(e)) ? NaN : errs.reduce((a, b) => a + b, 0) / errs.length,
      maxAbsRelError: Math.max(...errs.map((e) => (Number.isFinite(e) ? e : Infinity))),
      diverged,
    };
  });
}

/** The grid point with the smallest mean relative error and no divergence (null if none qualifies). */
export function bestPoint(rows: readonly CalibrationRow[]): GridSummary | null {
  const ok = summarizeGrid(rows).filter((s) => Number.isFinite(s.meanAbsRelError));
  return ok.length ? ok.reduce((a, b) => (b.meanAbsRelError < a.meanAbsRelError ? b : a)) : null;
}
