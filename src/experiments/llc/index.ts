/**
 * Experiment `llc` (seed 004, Urdshals et al. 2025; notebook 07): compressibility
 * measures complexity. The local learning coefficient λ̂ (SGLD, Lau et al. 2023),
 * calibrated on models of known λ, against the critical quantisation bits (seed 004
 * eq. 9) and the variational KL, across training checkpoints of the MLP identity task
 * and the parity Transformer, trained and manual / compiled.
 *
 *   config.ts              schema and presets
 *   types.ts               what results.json holds
 *   measure.ts             λ̂ and critical quantisation at one checkpoint
 *   mlp-checkpoints.ts     the MLP runs and their checkpoints
 *   parity-checkpoints.ts  the parity runs and their checkpoints
 *   run.ts                 calibration, checkpoints, fits
 *   figures.ts, tables.ts, claims.ts, readme.ts  pure renderers of results
 */
import type { Experiment } from "../../lab/experiment";
import { LlcConfig, presets, schema } from "./config";
import type { LlcMetrics } from "./types";
import { check, run } from "./run";
import { figures } from "./figures";
import { tables } from "./tables";
import { claims } from "./claims";
import { readme } from "./readme";

export type { LlcConfig } from "./config";
export type * from "./types";

export const llcExperiment: Experiment<LlcConfig, LlcMetrics> = {
  name: "llc",
  title: "Compressibility measures complexity: the local learning coefficient against critical quantisation and the variational KL",
  reproduces: "seed 004 (Urdshals et al. 2025): eq. 9 and §5's linear relation of LLC and critical quantisation",
  schema,
  presets,
  check,
  run,
  figures,
  tables,
  claims,
  readme,
};
