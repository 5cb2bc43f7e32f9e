/** The tables of `prior-collapse` (pure functions of the results): one row per remedy, one per run, and parity beside Table 1. */
import type { Table } from "../../report/table";
import type { PriorCollapseResults } from "./types";

function remedies(r: PriorCollapseResults): Table {
  const rank = (n: string) => r.ranking.indexOf(n);
  const rows = [...r.summaries].sort((a, b) => rank(a.remedy) - rank(b.remedy));
  return {
    title:
      `Remedies for the prior collapse on MLP identity from random init (klCoef ${r.config.klCoef}, ${r.config.seeds} seeds, ${r.preset} preset): ` +
      `codelength = KL + NLL (bits), mean and 95 % t interval over seeds; Δ = paired difference from the baseline at the same seed; ` +
      `reached = runs within ${Math.round(100 * r.config.nearManual)} % of the manual solution's codelength (${r.manual.paperBits.mean!.toFixed(1)} bits, mean over seeds)`,
    columns: ["remedy", "family", "runs", "codelengthBits", "ci95", "deltaVsBaseline", "deltaCi95", "totalBits", "accuracy", "finalModes", "maxModes", "unimodalRuns", "reached", "description"],
    rows: rows.map((s) => [
      s.remedy,
      s.family,
      s.runs,
      s.paperBits.mean,
      s.paperBits.ci95,
      s.vsBaseline?.mean ?? null,
      s.vsBaseline?.ci95 ?? null,
      s.totalBits.mean,
      s.accuracy.mean,
      s.finalModes.mean,
      s.maxModes.mean,
      s.unimodalRuns,
      `${s.reached}/${s.runs}`,
      s.description,
    ]),
  };
}

function runs(r: PriorCollapseResults): Table {
  return {
    title: "Every run: the random-init variational row of mlp-identity per remedy and seed (bits)",
    columns: ["remedy", "seed", "klBits", "nllBits", "codelengthBits", "priorBits", "totalBits", "accuracy", "finalModes", "maxModes", "reached"],
    rows: r.runs.map((x) => [x.remedy, x.seed, x.klBits, x.nllBits, x.paperBits, x.priorBits, x.totalBits, x.accuracy, x.finalModes, x.maxModes, x.reached ? "yes" : "no"]),
  };
}

function parity(r: PriorCollapseResults): Table | null {
  const p = r.parity;
  if (!p) return null;
  return {
    title: `Parity (${r.preset} preset): the best ${p.chosen.length} MLP remedies' random-init variational rows beside Table 1 (${p.baseline === "table1" ? "the parity experiment's results" : "a baseline run here"}); bits, accuracies`,
    columns: ["source", "row", "seed", "steps", "klBits", "nllBits", "codelengthBits", "totalBits", "trainAcc", "oodAcc"],
    rows: p.rows.map((x) => [x.source, x.key, x.seed, x.steps, x.klBits, x.nllBits, x.paperBits, x.totalBits, x.trainAcc, x.oodAcc]),
  };
}

export function tables(r: PriorCollapseResults): Record<string, Table> {
  const out: Record<string, Table> = { remedies: remedies(r), runs: runs(r) };
  const p = parity(r);
  if (p) out.parity = p;
  return out;
}
