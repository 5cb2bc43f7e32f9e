/**
 * Experiment `bit-encoding` (B.9.2, Figs. 7–8): the cost in KL bits of sending one
 * bit through the sign of a weight, under a unimodal prior N(0, 1) and a
 * multimodal prior ½N(−1, σ̂²) + ½N(1, σ̂²). config.ts holds the schema, run.ts the
 * measurements, figures.ts / tables.ts / claims.ts render results.
 */
import type { Experiment } from "../../lab/experiment";
import { UsageError } from "../../core/errors";
import { BitEncodingConfig, presets, schema } from "./config";
import { run } from "./run";
import { figures } from "./figures";
import { tables } from "./tables";
import { claims, readme } from "./claims";
import type { BitEncodingMetrics } from "./types";

export { schema, presets } from "./config";
export type { BitEncodingConfig } from "./config";
export type * from "./types";
export { optimizeBitPosterior, frontierCrossing } from "./run";

/** Checks across fields: probabilities strictly below 1, warmup inside the run. */
function check(c: BitEncodingConfig): void {
  const below1 = (key: string, p: number) => {
    if (!(p < 1)) throw new UsageError(`config key '${key}' must be < 1 (a probability of correct decoding), got ${p}`);
  };
  below1("pMax", c.pMax);
  below1("figure7PCorrect", c.figure7PCorrect);
  c.optimize.targets.forEach((t) => below1("optimize.targets", t));
  if (c.train.steps < 1) throw new UsageError(`config key 'train.steps' must be ≥ 1, got ${c.train.steps}`);
  if (c.train.warmupSteps >= c.train.steps) throw new UsageError(`config key 'train.warmupSteps' (${c.train.warmupSteps}) must be < train.steps (${c.train.steps})`);
}

export const bitEncoding: Experiment<BitEncodingConfig, BitEncodingMetrics> = {
  name: "bit-encoding",
  title: "Sending a bit through one weight: unimodal vs multimodal GMM priors",
  reproduces: "Figs. 7–8 (B.9.2)",
  schema,
  presets,
  check,
  run,
  figures,
  tables,
  claims,
  readme,
};
