/**
 * Experiment `prior-collapse` (Section 8's first open question; C.2, Fig. 9): can training
 * from random init escape the collapse of the adaptive prior and reach the manual solution's
 * codelength? Every candidate remedy (remedies.ts) × seed is an `mlp-identity` run through the
 * sweep tool; the best then run on `parity` beside Table 1.
 * config.ts: the schema and presets; run.ts: the sweeps; figures.ts, tables.ts, claims.ts,
 * readme.ts: pure renderers of the results (types.ts).
 */
import type { Experiment } from "../../lab/experiment";
import { PriorCollapseConfig, presets, schema } from "./config";
import type { PriorCollapseMetrics } from "./types";
import { check, run } from "./run";
import { figures } from "./figures";
import { tables } from "./tables";
import { claims } from "./claims";
import { readme } from "./readme";

export type { PriorCollapseConfig } from "./config";
export type * from "./types";
export { REMEDIES } from "./remedies";

export const priorCollapse: Experiment<PriorCollapseConfig, PriorCollapseMetrics> = {
  name: "prior-collapse",
  title: "Remedies for the prior collapse: can random init reach the manual solution's codelength?",
  reproduces: "Section 8's first open question (C.2, Fig. 9), beyond the paper",
  schema,
  presets,
  check,
  run,
  figures,
  tables,
  claims,
  readme,
};
