/**
 * Experiment `codes`: the same datasets — parity (C.1), a threshold and a modular counter (ALTA
 * programs compiled by src/alta/), and C.2's identity — under every code: uniform, variational
 * (eq. 86) from the compiled solution and from random init, prequential (Blier & Ollivier 2018),
 * two-part with quantised weights, and zmap's |z| + c_T (Theorems 1–2) where bitlang expresses the
 * task. config.ts holds the schema, run.ts the measurements, figures.ts / tables.ts / claims.ts render results.
 */
import type { Experiment } from "../../lab/experiment";
import { CodesConfig, presets, schema } from "./config";
import { check, run } from "./run";
import { figures } from "./figures";
import { tables } from "./tables";
import { claims, readme } from "./claims";
import type { CodesMetrics } from "./types";

export { schema, presets } from "./config";
export type { CodesConfig } from "./config";
export type * from "./types";
export { TASK_PROGRAMS, compileTask, taskData } from "./transformer-task";

export const codes: Experiment<CodesConfig, CodesMetrics> = {
  name: "codes",
  title: "Every code side by side: uniform, variational, prequential, quantised two-part and zmap's |z| + c_T on four tasks",
  reproduces: "Table 1's codes beyond parity; Section 7's prequential code; Theorems 1–2's zmap code",
  schema,
  presets,
  check,
  run,
  figures,
  tables,
  claims,
  readme,
};
