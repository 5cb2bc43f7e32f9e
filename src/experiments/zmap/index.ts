/**
 * Experiment `zmap` (B.5, B.10, Theorem 2): prefix Turing machines compiled to
 * looped-Transformer weights by zmap(T, R, z), checked against the reference
 * simulator, and Theorem 2's codelength measured on the compiled weights.
 * Machines: `selector` (a program selects one of four functions), `bitlang`
 * (an interpreter for a tiny self-delimiting language with loops) and `ratio`
 * (signed rational logits with denominators > 1, to exercise eq. 28).
 * config.ts holds the schema, run.ts the measurements, figures.ts / tables.ts /
 * claims.ts render results.
 */
import type { Experiment } from "../../lab/experiment";
import { UsageError } from "../../core/errors";
import { ZmapConfig, presets, schema } from "./config";
import { MACHINES, MachineKey, RATIO_PROGRAMS, SELECTOR_PROGRAMS } from "./machines";
import { run } from "./run";
import { figures } from "./figures";
import { tables } from "./tables";
import { claims, readme } from "./claims";
import type { ZmapMetrics } from "./types";

export { schema, presets } from "./config";
export type { ZmapConfig } from "./config";
export type * from "./types";
export { MACHINE_KEYS } from "./machines";

/** Why `source` is not a program of `machine`, or undefined. */
function programProblem(machine: MachineKey, source: string): string | undefined {
  if (machine === "selector" && !SELECTOR_PROGRAMS.includes(source)) return `must be one of ${SELECTOR_PROGRAMS.join(", ")}`;
  if (machine === "ratio" && !(RATIO_PROGRAMS as readonly string[]).includes(source)) return `must be one of ${RATIO_PROGRAMS.join(", ")} (the sign of logit 0)`;
  if (machine === "bitlang") {
    try {
      MACHINES.bitlang.program(source);
    } catch (err) {
      return (err as Error).message;
    }
  }
  return undefined;
}

/** Checks across fields: bitlang sources assemble, and the traced program belongs to the traced machine. */
function check(c: ZmapConfig): void {
  for (const source of c.bitlang.programs) {
    const p = programProblem("bitlang", source);
    if (p) throw new UsageError(`config key 'bitlang.programs' entry ${JSON.stringify(source)}: ${p}`);
  }
  const p = programProblem(c.trace.machine, c.trace.program);
  if (p) throw new UsageError(`config key 'trace.program' ${JSON.stringify(c.trace.program)} is not a ${c.trace.machine} program: ${p}`);
}

export const zmapExperiment: Experiment<ZmapConfig, ZmapMetrics> = {
  name: "zmap",
  title: "zmap: prefix Turing machines compiled to Transformer weights; Theorem 2 measured",
  reproduces: "B.5, Theorem 2 (B.10)",
  schema,
  presets,
  check,
  run,
  figures,
  tables,
  claims,
  readme,
};
