/**
 * Experiment `asymptotics` (Sections 4–5: Definition 3, Proposition 2, Theorem 1, Fig. 3 /
 * Proposition 3, Theorem 2): every program of a prefix machine up to L bits enumerated on a finite
 * input universe, from which K_{T,R}(f), the two-part code C^2p_{T,R}(Y | X) and the Bayes code are
 * exact for every R on a grid; zmap's variational code for the same datasets.
 * config.ts holds the schema, run.ts the measurements, figures.ts / tables.ts / claims.ts render results.
 */
import type { Experiment } from "../../lab/experiment";
import { AsymptoticsConfig, presets, schema } from "./config";
import { check, run } from "./run";
import { figures } from "./figures";
import { tables } from "./tables";
import { claims, readme } from "./claims";
import type { AsymptoticsMetrics } from "./types";

export { schema, presets } from "./config";
export type { AsymptoticsConfig } from "./config";
export type * from "./types";
export { plateauOf, monotonicityViolations } from "./run";

export const asymptotics: Experiment<AsymptoticsConfig, AsymptoticsMetrics> = {
  name: "asymptotics",
  title: "Asymptotic optimality on a finite universe: K_{T,R}, C^2p_{T,R} and C^bayes as R grows; Fig. 3 with zmap's code",
  reproduces: "Proposition 2, Theorem 1, Fig. 3 (Proposition 3), Theorem 2",
  schema,
  presets,
  check,
  run,
  figures,
  tables,
  claims,
  readme,
};
