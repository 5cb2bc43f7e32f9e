/**
 * What a sweep over parity aggregates (lab/sweep.ts): per Table 1 row (its key, e.g.
 * `random/variational`), train and OOD accuracy, the codelength (KL + NLL, Table 1's
 * column) and the eq. 86 totalBits, klBits and nllBits where the row has them.
 */
import type { ParityResults } from "./types";

export function sweepMetrics(r: ParityResults): Record<string, number> {
  const out: Record<string, number> = {};
  for (const row of r.rows) {
    const n = row.key ?? `${row.init}/${row.objective}`;
    const put = (k: string, v: number | null | undefined) => {
      if (typeof v === "number" && Number.isFinite(v)) out[`${n}.${k}`] = v;
    };
    put("trainAcc", row.trainAcc);
    put("oodAcc", row.oodAcc);
    put("codelengthBits", row.codelengthBits);
    put("totalBits", row.codelength?.totalBits);
    put("klBits", row.klBits);
    put("nllBits", row.trainNllBits);
  }
  return out;
}
