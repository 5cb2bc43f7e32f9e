/**
 * Experiment `mlp-identity` (C.2, Table 2, Fig. 9): a 4 → 16 → 4 MLP learns the
 * identity on {0,1}⁴ by maximum likelihood and by the adaptive variational
 * objective (eq. 86), from random init and from the manual solution.
 * config.ts: the schema and presets; run.ts: training; figures.ts, tables.ts,
 * claims.ts, readme.ts: pure renderers of the results (types.ts).
 */
import type { Experiment } from "../../lab/experiment";
import { UsageError } from "../../core/errors";
import { checkPriorKeys } from "../../lab/vocabulary";
import { MlpIdentityConfig, klCoefList, learnedKlCoef, presets, schema } from "./config";
import type { MlpIdentityMetrics } from "./types";
import { run } from "./run";
import { figures, collapseRun } from "./figures";
import { tables } from "./tables";
import { claims } from "./claims";
import { readme } from "./readme";
import { sweepMetrics } from "./sweep-metrics";

export type { MlpIdentityConfig } from "./config";
export type * from "./types";
export { collapseRun };

/** Checks across fields, before any training. */
function check(c: MlpIdentityConfig): void {
  const ks = klCoefList(c);
  for (const [key, k] of [...ks.map((k) => ["train.klCoef", k] as const), ["manual.klCoef", c.manual.klCoef] as const]) {
    if (!(k > 0)) throw new UsageError(`mlp-identity: every KL coefficient must be > 0; ${key} has ${k}`);
  }
  if (!ks.includes(learnedKlCoef(c))) {
    throw new UsageError(`mlp-identity: report.learnedKlCoef ${c.report.learnedKlCoef} must be one of train.klCoef [${ks.join(", ")}] (or null)`);
  }
  checkPriorKeys(c.prior, "mlp-identity");
}

export const mlpIdentity: Experiment<MlpIdentityConfig, MlpIdentityMetrics> = {
  name: "mlp-identity",
  title: "MLP on the identity task: MLE vs variational codelength, manual vs random init",
  reproduces: "Table 2 and Fig. 9 (C.2)",
  schema,
  presets,
  check,
  run,
  figures,
  tables,
  claims,
  readme,
  sweepMetrics,
};
