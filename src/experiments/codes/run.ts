/** Running `codes`: every task's codes (transformer-task.ts, mlp-task.ts), then Table 1's committed rows as the reference. */
import * as fs from "node:fs";
import * as path from "node:path";
import { packageRoot } from "../../core/io";
import { UsageError } from "../../core/errors";
import type { RunContext } from "../../lab/experiment";
import type { CodesConfig } from "./config";
import type { CodeRow, CodesMetrics, Table1Reference, TaskRecord } from "./types";
import { compileTask, transformerTask } from "./transformer-task";
import { mlpIdentityTask } from "./mlp-task";

/** Checks across fields: enough layers for the longest OOD input, blocks inside the data, every program fits the model. */
export function check(c: CodesConfig): void {
  const need = 2 * c.data.trainMaxLen + 1;
  if (c.model.layers < need) throw new UsageError(`codes: the compiled programs need model.layers ≥ 2·trainMaxLen + 1 = ${need} for the longest OOD input, got ${c.model.layers}`);
  if (c.prequential.firstBlock >= c.data.trainSize) throw new UsageError(`config key 'prequential.firstBlock' (${c.prequential.firstBlock}) must be < data.trainSize (${c.data.trainSize}): the prequential code needs a second block`);
  if (c.prequential.firstBlock >= c.identity.size) throw new UsageError(`config key 'prequential.firstBlock' (${c.prequential.firstBlock}) must be < identity.size (${c.identity.size})`);
  for (const t of c.tasks) {
    if (t === "mlp-identity") continue;
    try {
      compileTask(c, t);
    } catch (err) {
      throw new UsageError(`codes: task ${t}'s compiled program does not fit the model (${(err as Error).message})`);
    }
  }
}

/** Table 1's rows as committed (figures/parity/results.json), or null when that file is absent. */
export function table1Reference(file = path.join(packageRoot(), "figures", "parity", "results.json")): Table1Reference | null {
  if (!fs.existsSync(file)) return null;
  const r = JSON.parse(fs.readFileSync(file, "utf8"));
  return {
    source: "figures/parity/results.json",
    preset: r.preset,
    seed: r.seed,
    trainSize: r.config.data.trainSize,
    model: r.config.model,
    manual: r.config.manual,
    rows: (r.rows as Table1Reference["rows"]).map((x) => ({ key: x.key, klBits: x.klBits, trainNllBits: x.trainNllBits, codelengthBits: x.codelengthBits, trainAcc: x.trainAcc, oodAcc: x.oodAcc, steps: x.steps })),
  };
}

export async function run(config: CodesConfig, ctx: RunContext): Promise<CodesMetrics> {
  check(config);
  const cpu0 = process.cpuUsage();
  const rows: CodeRow[] = [];
  const tasks: TaskRecord[] = [];
  for (const t of config.tasks) {
    const t0 = Date.now();
    const cpuBefore = (process.cpuUsage().user + process.cpuUsage().system) / 1e6;
    const r = t === "mlp-identity" ? await mlpIdentityTask(config, ctx) : await transformerTask(t, config, ctx);
    ctx.timings[`${t}.seconds`] = (Date.now() - t0) / 1000;
    ctx.timings[`${t}.cpuSeconds`] = (process.cpuUsage().user + process.cpuUsage().system) / 1e6 - cpuBefore;
    rows.push(...r.rows);
    tasks.push(r.record);
  }
  const cpu = process.cpuUsage(cpu0);
  // CPU seconds of this process (user + system): the budget on a shared machine, where wall-clock seconds are not
  ctx.timings.cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return { rows, tasks, reference: config.tasks.includes("parity") ? table1Reference() : null };
}
