/** The parity tables: pure functions of the results (no tfjs, no training code). */
import type { Table } from "../../report/table";
import type { ParityResults, ParityRow } from "./types";

export function tables(r: ParityResults): Record<string, Table> {
  // codelengthBits is the paper's "Codelength" (KL + NLL = codelength.paperBits); priorBits (L_Ψ) and totalBits complete eq. 86
  const row = (x: ParityRow, who: string) => [who, x.init, x.objective, x.steps ?? null, x.klBits, x.trainNllBits, x.codelengthBits, x.codelength?.priorBits ?? null, x.codelength?.totalBits ?? null, x.trainAcc, x.oodAcc];
  const T = r.config.data.trainMaxLen;
  const out: Record<string, Table> = {
    table1: {
      title: `Table 1 — parity: ours (train lengths 1–${T}, OOD ${T + 1}–${2 * T}, ${r.preset} preset) beside the paper (train 1–20, OOD 21–40); bits (codelengthBits = KL + NLL, the paper's "Codelength"; priorBits = L_Ψ, 32 bits per prior parameter; totalBits = eq. 86), accuracies`,
      columns: ["source", "init", "objective", "steps", "klBits", "trainNllBits", "codelengthBits", "priorBits", "totalBits", "trainAcc", "oodAcc"],
      rows: [
        ...r.rows.map((x) => row(x, x.key === "manual" ? "kcdl (compiled, not trained)" : "kcdl")),
        ...r.paper.rows.map((x) => row(x, "paper")),
      ],
    },
    "accuracy-by-length": {
      title: "Accuracy by input length (point weights / posterior means; posterior samples)",
      columns: ["row", "length", "accuracy", "sampledAccuracy", "examples"],
      rows: Object.entries(r.accuracyByLength).flatMap(([k, a]) => a.map((p) => [k, p.length, p.accuracy, p.sampledAccuracy, p.examples])),
    },
  };
  if (Object.keys(r.trained).length > 0) {
    out.training = {
      title: "Training runs (steps, time, accuracy at the means, memory)",
      columns: ["row", "steps", "secondsPerStep", "trainAccAtMeans", "oodAccAtMeans", "trainNllBitsAtMeans", "liveTensorsEarly", "liveTensorsLast", "peakRssMb"],
      rows: Object.entries(r.trained).map(([k, t]) => [k, t.steps, r.timings[`${k}.secondsPerStep`] ?? null, t.meanWeights.trainAcc, t.meanWeights.oodAcc, t.meanWeights.trainNllBits, t.memory.tensorsDuringTraining?.[0] ?? null, t.memory.tensorsDuringTraining?.[1] ?? null, r.timings[`${k}.peakRssMb`] ?? null]),
    };
  }
  const m = r.manual;
  if (m) {
    const c = r.config.model;
    out["compiled-solution"] = {
      title: "The compiled program: its minimal size, the padded model, and what fills it",
      columns: ["quantity", "program", "model"],
      rows: [
        ["dModel", m.minimal.dModel, c.dModel],
        ["heads", m.minimal.heads, c.heads],
        ["dHead", m.minimal.dHead, c.dHead],
        ["dMlp (MLP hidden units)", m.minimal.dMlp, c.dMlp],
        ["weights", null, m.totalWeights],
        ["non-zero weights", null, m.nonzeroWeights],
        ["distinct values", null, m.histogram.values.length],
      ],
    };
    out["kl-by-grouping"] = {
      title: `KL (bits) of the manual posterior (ν = ${r.config.posterior.nu}) under the optimal prior (B.9.3), by prior grouping`,
      columns: ["grouping", "groups", "klBits", "entropyBits"],
      rows: m.klByGrouping.map((k) => [k.grouping, k.groups, k.klBits, k.entropyBits]),
    };
    out["kl-by-group"] = {
      title: `KL (bits) per prior group (${m.kl.grouping})`,
      columns: ["group", "size", "distinct", "klBits", "entropyBits"],
      rows: m.kl.groups.map((g) => [g.group, g.size, g.distinct, g.klBits, g.entropyBits]),
    };
    out["scale-sweeps"] = {
      title: "Accuracy against the compile scales",
      columns: ["knob", "scale", "accuracy", "sampledAccuracy", "minMarginNats"],
      rows: [
        ...m.sweeps.attention.map((p) => ["attentionScale", p.scale, p.accuracy, p.sampledAccuracy, p.minMargin]),
        ...m.sweeps.param.map((p) => ["paramScale", p.scale, p.accuracy, p.sampledAccuracy, p.minMargin]),
      ],
    };
  }
  return out;
}
