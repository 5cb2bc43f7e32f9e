/**
 * What a sweep over mlp-identity aggregates (lab/sweep.ts): per Table 2 row, the eq. 86
 * totalBits, klBits and nllBits, the accuracy, and for variational rows the number of
 * modes of the learned prior at the end of training (and the most it had on the way).
 * Row names: `random/mle`, `manual/variational`, and `random/variational` — suffixed
 * `@<klCoef>` when train.klCoef lists several coefficients, so a sweep over a single
 * coefficient (`--grid train.klCoef=0.1,0.01`) keeps one name across its points.
 */
import type { MlpResults, Row } from "./types";

export function sweepMetrics(r: MlpResults): Record<string, number> {
  const out: Record<string, number> = {};
  const randomVariational = r.rows.filter((row) => row.init === "random" && row.objective === "variational").length;
  const name = (row: Row) => `${row.init}/${row.objective}${row.objective === "variational" && row.init === "random" && randomVariational > 1 ? `@${row.klCoef}` : ""}`;
  for (const row of r.rows) {
    const n = name(row);
    const put = (k: string, v: number | null | undefined) => {
      if (typeof v === "number" && Number.isFinite(v)) out[`${n}.${k}`] = v;
    };
    put("totalBits", row.codelength?.totalBits);
    put("klBits", row.klBits);
    put("nllBits", row.trainNllBits);
    put("accuracy", row.accuracy);
    const trace = row.objective === "variational" ? r.priorTraces[`${row.init}/${row.klCoef}`] : undefined;
    if (trace?.length) {
      put("modes", trace[trace.length - 1].modes);
      put("maxModes", Math.max(...trace.map((t) => t.modes)));
    }
  }
  return out;
}
