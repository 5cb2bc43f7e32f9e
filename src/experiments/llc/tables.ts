/** The tables of `llc` (pure functions of the results). */
import type { Table } from "../../report/table";
import type { CalibrationRow } from "../../slt/calibrate";
import { familyName } from "./figures";
import type { LlcResults } from "./types";

const num = (x: number | null) => (x === null || !Number.isFinite(x) ? null : x);
const COLUMNS = ["model", "d", "λ (truth)", "closed form at (nβ, γ)", "nβ", "γ", "ε", "λ̂", "± (chains)", "diverged chains", "(λ̂ − λ)/λ"];
const calRows = (rows: CalibrationRow[]) => rows.map((x) => [x.model, x.dim, x.truth, num(x.exact), x.nbeta, x.gamma, x.lr, num(x.llc), x.llcStd, `${x.diverged}/${x.chains}`, num(x.relError)]);

export function tables(r: LlcResults): Record<string, Table> {
  const s = r.config.sgld;
  return {
    calibration: { title: "Calibration: λ̂ by plain SGLD (full batch) against the known λ, every model at every grid point", columns: COLUMNS, rows: calRows(r.calibration.rows) },
    "calibration-at-settings": {
      title: `Calibration at the neural models' settings (${s.sampler}, nβ ${s.nbeta}, γ ${s.gamma}, ε ${s.lr.toExponential(0)}, ${s.chains} chains × ${s.draws} draws)`,
      columns: COLUMNS,
      rows: calRows(r.calibration.atExperimentSettings),
    },
    grid: {
      title: "Calibration grid: mean and largest |λ̂ − λ|/λ over the known-λ models (empty: a chain diverged)",
      columns: ["nβ", "γ", "ε", "mean |rel. error|", "max |rel. error|", "diverged chains", "best"],
      rows: r.calibration.grid.map((g) => {
        const b = r.calibration.best;
        return [g.nbeta, g.gamma, g.lr, num(g.meanAbsRelError), num(g.maxAbsRelError), g.diverged, b && b.nbeta === g.nbeta && b.gamma === g.gamma && b.lr === g.lr ? "★" : ""];
      }),
    },
    checkpoints: {
      title: `Checkpoints: L_n(w*), λ̂, critical bits (ε = ${r.config.quant.tolerance} nats) and KL`,
      columns: ["model", "run", "step", "d", "L_n(w*) (nats)", "accuracy", "λ̂", "± (chains)", "diverged", "uniform bits", "codebook log₂ K", "codebook code bits/weight", "KL (bits)"],
      rows: r.checkpoints.map((c) => [familyName(c.family), c.run, c.step, c.dim, c.loss, c.accuracy, num(c.llc), c.llcStd, `${c.diverged}/${c.chainLlc.length}`, c.uniformBits, c.codebookBits, c.codebookCodeBits, c.klBits]),
    },
    fits: {
      title: "Least-squares lines against λ̂ per model family, beside eq. 9's slope log₂(1/ε)/d",
      columns: ["model", "y", "slope", "intercept", "R²", "points", "eq. 9 slope"],
      rows: r.fits.map((f) => [familyName(f.family), f.y, num(f.fit.slope), num(f.fit.intercept), num(f.fit.r2), f.fit.n, f.predictedSlope]),
    },
    hyperparameters: {
      title: "The estimator's settings on the neural models (devinterp's names)",
      columns: ["model", "sampler", "lr (ε)", "localization (γ)", "nbeta", "num_chains", "num_draws", "num_burnin_steps", "batch size", "rmsprop α", "rmsprop eps"],
      rows: (["mlp", "parity"] as const).map((f) => {
        const o = r.sgld[f];
        return [familyName(f), o.sampler, o.lr, o.localization, o.nbeta, o.numChains, o.numDraws, o.numBurninSteps, f === "mlp" ? "16 (all)" : o.batchSize, o.rmspropAlpha, o.rmspropEps];
      }),
    },
  };
}
