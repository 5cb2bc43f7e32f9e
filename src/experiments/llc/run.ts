/**
 * Running `llc`: the estimator's calibration on models of known λ (slt/), then the
 * MLP and parity checkpoints (mlp-checkpoints.ts, parity-checkpoints.ts), then the
 * lines of critical bits and KL against λ̂ per family (seed 004 §5's R²) beside eq. 9's slope.
 */
import { UsageError } from "../../core/errors";
import type { RunContext } from "../../lab/experiment";
import { bestPoint, calibrate, calibrationSuite, grid, linearFit, summarizeGrid } from "../../slt";
import type { LlcConfig } from "./config";
import { sgldOptions } from "./measure";
import { mlpCheckpoints } from "./mlp-checkpoints";
import { parityCheckpoints } from "./parity-checkpoints";
import type { CalibrationRecord, CheckpointRecord, Family, FitRecord, LlcMetrics } from "./types";

/** Checks across fields. */
export function check(c: LlcConfig): void {
  for (const [key, w, r] of [["calibration.deepLinear", c.calibration.deepLinear.widths, c.calibration.deepLinear.rank], ["calibration.reducedRank", c.calibration.reducedRank.widths, c.calibration.reducedRank.rank]] as const) {
    if (w.length < 2) throw new UsageError(`llc: ${key}.widths needs an input and an output width, got [${w}]`);
    if (r > Math.min(...w)) throw new UsageError(`llc: ${key}.rank ${r} exceeds the narrowest width ${Math.min(...w)}`);
  }
  if (c.calibration.examples <= c.calibration.regularDim) throw new UsageError(`llc: calibration.examples (${c.calibration.examples}) must exceed calibration.regularDim (${c.calibration.regularDim})`);
  for (const k of ["mlp.klCoef", "mlp.manualKlCoef"] as const) {
    const v = k === "mlp.klCoef" ? c.mlp.klCoef : c.mlp.manualKlCoef;
    if (!(v > 0)) throw new UsageError(`llc: ${k} must be > 0, got ${v}`);
  }
  for (const k of ["nbeta", "lr", "gamma"] as const) if (!(c.sgld[k] > 0) && k !== "gamma") throw new UsageError(`llc: sgld.${k} must be > 0, got ${c.sgld[k]}`);
  if (!(c.quant.tolerance > 0)) throw new UsageError(`llc: quant.tolerance must be > 0, got ${c.quant.tolerance}`);
}

function calibration(c: LlcConfig, ctx: RunContext): CalibrationRecord {
  const k = c.calibration;
  const models = calibrationSuite(k, ctx.seed);
  const t0 = Date.now();
  const base = { sampler: "sgld" as const, numChains: k.chains, numDraws: k.draws, numBurninSteps: k.burnin, batchSize: Number.MAX_SAFE_INTEGER };
  const rows = calibrate(models, grid(k.nbetas, k.gammas, k.lrs), base, ctx.seed, ctx.progress);
  const own = sgldOptions(c, Number.MAX_SAFE_INTEGER);
  const atExperimentSettings = calibrate(models, [{ nbeta: c.sgld.nbeta, gamma: c.sgld.gamma, lr: c.sgld.lr }], { ...own, numChains: c.sgld.chains, numDraws: c.sgld.draws, numBurninSteps: c.sgld.burnin }, ctx.seed);
  ctx.timings["calibration.seconds"] = (Date.now() - t0) / 1000;
  return {
    models: models.map((m) => ({ name: m.name, kind: m.kind, dim: m.dim, truth: m.truth })),
    rows,
    grid: summarizeGrid(rows),
    best: bestPoint(rows),
    atExperimentSettings,
  };
}

/** λ̂ against critical bits and KL, per family (checkpoints with a finite λ̂ and the quantity). */
function fits(c: LlcConfig, cps: CheckpointRecord[]): FitRecord[] {
  const out: FitRecord[] = [];
  for (const family of ["mlp", "parity"] as Family[]) {
    const fam = cps.filter((r) => r.family === family && Number.isFinite(r.llc));
    if (!fam.length) continue;
    for (const y of ["uniformBits", "codebookBits", "codebookCodeBits", "klBits"] as const) {
      const pts = fam.filter((r) => r[y] !== null && Number.isFinite(r[y] as number));
      const d = fam[0].dim;
      out.push({ family, y, fit: linearFit(pts.map((r) => r.llc), pts.map((r) => r[y] as number)), predictedSlope: y === "klBits" ? null : Math.log2(1 / c.quant.tolerance) / d });
    }
  }
  return out;
}

export async function run(c: LlcConfig, ctx: RunContext): Promise<LlcMetrics> {
  check(c);
  const cal = calibration(c, ctx);
  let t0 = Date.now();
  const mlp = await mlpCheckpoints(c, ctx);
  ctx.timings["mlp.seconds"] = (Date.now() - t0) / 1000;
  t0 = Date.now();
  const par = await parityCheckpoints(c, ctx);
  ctx.timings["parity.seconds"] = (Date.now() - t0) / 1000;
  const checkpoints = [...mlp, ...par];
  return { calibration: cal, checkpoints, fits: fits(c, checkpoints), sgld: { mlp: sgldOptions(c, 16), parity: sgldOptions(c, c.sgld.batchSize) } };
}
