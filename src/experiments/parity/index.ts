/**
 * Experiment `parity` (Table 1, C.1): a looped Transformer encoder (2 heads,
 * d_model 128, MLP 512, 20 prompt tokens, 42 applications of the shared block)
 * on parity, trained on lengths 1–20 and tested out of distribution on 21–40.
 *
 * Rows (config `rows`), one per Table 1 row: "manual" — the compiled ALTA program
 * as a posterior under its optimal prior (manual-row.ts); "random/mle",
 * "random/variational", "manual/variational" — trained (trained-row.ts). Besides
 * the rows: accuracy by length 1–40, the smallest compile scales at which the
 * compiled model stays exact, the KL under each prior grouping, the compiled
 * weights and one input's attention and residual stream.
 *
 *   config.ts     schema (every key, its default and why) and presets
 *   types.ts      what results.json holds
 *   problem.ts    the training problem (the only module a gradient worker loads)
 *   evaluate.ts   evaluation sets and scoring
 *   manual-row.ts the compiled solution and its analyses
 *   trained-row.ts the trained rows
 *   run.ts        run() and check()
 *   figures.ts, tables.ts, claims.ts, readme.ts  pure renderers of results
 */
import type { Experiment } from "../../lab/experiment";
import { ParityConfig, presets, schema } from "./config";
import { check, run } from "./run";
import { figures } from "./figures";
import { tables } from "./tables";
import { claims } from "./claims";
import { readme } from "./readme";
import { sweepMetrics } from "./sweep-metrics";
import type { ParityMetrics } from "./types";

export const parityExperiment: Experiment<ParityConfig, ParityMetrics> = {
  name: "parity",
  title: "Looped Transformer on parity: random init (MLE, variational) vs the ALTA-compiled solution",
  reproduces: "Table 1 (C.1)",
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

export { schema, defaults, presets, NORM_SCALES } from "./config";
export type { ParityConfig } from "./config";
export * from "./types";
export { compileManual } from "./manual-row";
export { parityProblem, parityWorkerProblem } from "./problem";
export type { ParityBatch } from "./problem";
