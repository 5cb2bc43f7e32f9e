/**
 * Sweeps: an experiment over the product of a grid of config values and a list of
 * seeds, each combination a normal run (`kcdl run`, in a child process) with its own
 * results.json under `<out>/<name>/<point>/seed<k>/<experiment>/`, then aggregated
 * over seeds into `sweep.{csv,md,html}` (one row per grid point: mean, sd, 95 % t
 * interval per metric), `runs.{csv,md,html}` (one row per run) and figures
 * `sweep-<key>.html` (sweep-aggregate.ts).
 *
 * - Everything is checked before any run: every grid point's whole config (the runner's
 *   `planRuns`: unknown keys, types, ranges, the experiment's own `check`); a bad key or
 *   value creates no folder.
 * - Resumable: a run whose results.json exists and whose folder has no `.incomplete`
 *   marker is skipped; any other (interrupted, failed) restarts from scratch.
 * - Local pool by default (`jobs` children at once, default one per core); with `queue`
 *   (a Redis URL) the runs go through BullMQ to `kcdl worker`s (sweep-queue.ts).
 * - `<out>/<name>/sweep.json` records what the sweep is; reusing a name for another
 *   experiment, preset or fixed overrides is refused.
 *
 *   kcdl sweep mlp-identity --preset smoke --grid train.lr=0.05,0.01 --seeds 1-5
 *   kcdl.lab.sweep({ experiment: "mlp-identity", preset: "smoke", grid: { "train.lr": [0.05, 0.01] }, seeds: [1, 2, 3] })
 */
import type { ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { KcdlError, UsageError, assertChoice } from "../core/errors";
import { InterruptedError, interruptScope } from "../core/interrupt";
import { writeJsonAtomic } from "../core/io";
import { Progress, silentProgress } from "../core/progress";
import { writeFigure } from "../report/figure";
import { sharedRenderer } from "../report/static-export";
import { Table, writeTable } from "../report/table";
import { PRESETS } from "./experiment";
import { getExperiment } from "./registry";
import { checkOutputFolder, planRuns } from "./runner";
import { lockDir, projectRoot } from "./output";
import { overrideKeys, valueAt } from "./schema";
import { Grid, GridPoint, checkSeeds, defaultSweepName, gridPoints, setDotted, stableJson } from "./sweep-grid";
import { Aggregate, SweepRun, aggregateSweep } from "./sweep-aggregate";
import { RunTask, forward, runChild, runFinished } from "./sweep-child";
import { DEFAULT_QUEUE_NAME, runOnQueue } from "./sweep-queue";

export { parseGrid, parseSeeds, gridPoints, pointName, defaultSweepName } from "./sweep-grid";
export type { Grid, GridPoint } from "./sweep-grid";
export { aggregateSweep, runMetrics } from "./sweep-aggregate";
export type { Aggregate, SweepRun } from "./sweep-aggregate";
export { summarize, tTwoSidedQuantile, tTwoSidedCdf } from "./sweep-stats";
export type { Summary } from "./sweep-stats";
export { runWorker, DEFAULT_QUEUE_NAME } from "./sweep-queue";
export type { WorkerOptions } from "./sweep-queue";

export interface SweepOptions {
  experiment: string;
  /** smoke | cpu | paper (default cpu). */
  preset?: string;
  /** Dotted config key → the values it takes; the sweep runs their product (default: no grid, one point "base"). */
  grid?: Grid;
  /**
   * Named points instead of a grid (not both): each runs its own overrides (under `overrides`);
   * the folder and the table's `point` column are the name. For studies whose variants are not a
   * product of keys (e.g. remedies, each a few keys at once).
   */
  points?: NamedPoint[];
  /** Seeds of every point (default [1]). */
  seeds?: number[];
  /** Overrides every run gets, under the grid's (`--set`). */
  overrides?: object;
  /** Runs at once in the local pool (default: one per core). */
  jobs?: number;
  /** The sweep's folder name (default: `<experiment>-<preset>-<hash of experiment, preset, grid, seeds, overrides>`). */
  name?: string;
  /** Root of sweep folders (default `runs/sweeps/` under the project root). */
  out?: string;
  /** tfjs backend of every run (default auto). */
  backend?: string;
  /** Result paths (dotted) whose finite numbers are aggregated besides the experiment's `sweepMetrics`. */
  metrics?: string[];
  /** Dispatch the runs through BullMQ on this Redis URL (`kcdl worker` runs them) instead of the local pool. */
  queue?: string;
  /** BullMQ queue name (default "kcdl-sweeps"). */
  queueName?: string;
  /** A bar over the runs with an ETA (default silent). */
  progress?: Progress;
  /** Also write each sweep figure as .svg and .png when a headless Chromium is installed (default true, as `kcdl run` does). */
  images?: boolean;
}

export interface SweepOutput {
  name: string;
  /** `<out>/<name>`. */
  dir: string;
  /** One row per grid point (sweep.csv). */
  table: Table;
  /** One row per run (runs.csv). */
  runs: Table;
  metrics: string[];
  /** Why only counts were aggregated, when so. */
  note?: string;
  /** Files written by the aggregation. */
  files: string[];
  /** Runs executed now, and runs skipped as already finished. */
  ran: number;
  skipped: number;
  /** The results.json of every finished run, by point name and seed. */
  resultFiles: { point: string; seed: number; file: string }[];
}

/** A named sweep point (SweepOptions.points). */
export interface NamedPoint {
  name: string;
  overrides: object;
}

const NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

/** The grid points of `opts`: the grid's product, or the named points. */
function pointsOf(opts: SweepOptions, grid: Grid): GridPoint[] {
  if (!opts.points) return gridPoints(grid);
  if (Object.keys(grid).length) throw new UsageError("a sweep takes a grid or named points, not both");
  if (!Array.isArray(opts.points) || !opts.points.length) throw new UsageError("points must be a non-empty list of {name, overrides}");
  const seen = new Set<string>();
  return opts.points.map((p) => {
    if (typeof p?.name !== "string" || !NAME.test(p.name)) throw new UsageError(`bad sweep point name '${p?.name}': use letters, digits, '.', '_' and '-' only`);
    if (seen.has(p.name)) throw new UsageError(`sweep point '${p.name}' is given twice`);
    seen.add(p.name);
    if (typeof p.overrides !== "object" || p.overrides === null || Array.isArray(p.overrides)) throw new UsageError(`sweep point '${p.name}': overrides must be an object`);
    return { name: p.name, values: {}, overrides: structuredClone(p.overrides) as Record<string, unknown> };
  });
}

/** One planned run of a sweep. */
interface PlannedSweepRun extends RunTask {
  point: GridPoint;
  seed: number;
}

function merge(base: object, extra: Record<string, unknown>): Record<string, unknown> {
  const out = structuredClone(base) as Record<string, unknown>;
  for (const key of overrideKeys(extra)) setDotted(out, key, valueAt(extra, key));
  return out;
}

/** `--set key=<JSON>` for every leaf of an override object. */
function setArgs(overrides: object): string[] {
  return overrideKeys(overrides).flatMap((k) => ["--set", `${k}=${JSON.stringify(valueAt(overrides, k))}`]);
}

/** Checks the whole sweep (every point's config) and lays out its runs; touches no file. */
export function planSweep(opts: SweepOptions): { name: string; dir: string; grid: Grid; points: GridPoint[]; seeds: number[]; runs: PlannedSweepRun[]; spec: { experiment: string; preset: string; overrides: object; backend: string } } {
  const exp = getExperiment(opts.experiment);
  const preset = assertChoice("preset", opts.preset ?? "cpu", PRESETS);
  const grid = opts.grid ?? {};
  if (typeof grid !== "object" || grid === null || Array.isArray(grid)) throw new UsageError("grid must be an object of dotted config keys to lists of values");
  for (const [k, vs] of Object.entries(grid)) if (!Array.isArray(vs)) throw new UsageError(`grid key '${k}' must map to a list of values, got ${JSON.stringify(vs)}`);
  const seeds = opts.seeds ?? [1];
  checkSeeds(seeds);
  const fixed = opts.overrides ?? {};
  const points = pointsOf(opts, grid);
  const overridesOf = new Map<string, Record<string, unknown>>();
  for (const p of points) {
    const overrides = merge(fixed, p.overrides);
    try {
      planRuns([exp], preset, overrides, { out: null });
    } catch (err) {
      if (err instanceof UsageError) throw new UsageError(`sweep point ${p.name}: ${err.message}`);
      throw err;
    }
    overridesOf.set(p.name, overrides);
  }
  const name = opts.name ?? defaultSweepName(exp.name, preset, grid, seeds, opts.points ? { overrides: fixed, points: opts.points } : fixed);
  if (!NAME.test(name)) throw new UsageError(`bad sweep name '${name}': use letters, digits, '.', '_' and '-' only`);
  if (opts.jobs !== undefined && (!Number.isSafeInteger(opts.jobs) || opts.jobs < 1)) throw new UsageError(`jobs must be a positive integer, got ${opts.jobs}`);
  const dir = path.resolve(opts.out ?? path.join(projectRoot(), "runs", "sweeps"), name);
  const runs = points.flatMap((point) =>
    seeds.map((seed) => {
      const runDir = path.join(dir, point.name, `seed${seed}`);
      const args = ["run", exp.name, "--preset", preset, "--seed", String(seed), "--out", runDir, "--no-images", ...(opts.backend ? ["--backend", opts.backend] : []), ...setArgs(overridesOf.get(point.name)!)];
      return { point, seed, dir: runDir, args, resultsFile: path.join(runDir, exp.name, "results.json") };
    }),
  );
  const spec = { experiment: exp.name, preset, overrides: fixed, backend: opts.backend ?? "auto" };
  return { name, dir, grid, points, seeds, runs, spec };
}

/** Runs a sweep (see the module comment) and returns its aggregated tables. */
export async function sweep(opts: SweepOptions): Promise<SweepOutput> {
  const plan = planSweep(opts);
  const exp = getExperiment(opts.experiment);
  const progress = opts.progress ?? silentProgress;
  checkOutputFolder(plan.dir);
  const release = lockDir(plan.dir);
  try {
    const specFile = path.join(plan.dir, "sweep.json");
    if (fs.existsSync(specFile)) {
      const old = JSON.parse(fs.readFileSync(specFile, "utf8"));
      if (stableJson(old.spec) !== stableJson(plan.spec)) {
        throw new UsageError(`${plan.dir} holds a sweep of ${stableJson(old.spec)}, not ${stableJson(plan.spec)}; pass another --name`);
      }
    }
    writeJsonAtomic(specFile, { spec: plan.spec, grid: plan.grid, seeds: plan.seeds, points: plan.points.map((p) => p.name) });
    const todo = plan.runs.filter((r) => !runFinished(r));
    const skipped = plan.runs.length - todo.length;
    progress.log(
      `kcdl sweep ${plan.name}: ${exp.name} at ${plan.spec.preset}, ${plan.points.length} point(s) × ${plan.seeds.length} seed(s) = ${plan.runs.length} runs` +
        `${skipped ? `, ${skipped} already finished` : ""}; ${opts.queue ? `through the queue at ${opts.queue}` : `${Math.min(opts.jobs ?? os.availableParallelism(), Math.max(todo.length, 1))} at a time`}; writing to ${plan.dir}`,
    );
    let done = 0;
    let failedCount = 0;
    const failures: { task: PlannedSweepRun; reason: string }[] = [];
    if (todo.length) {
      progress.start(`sweep ${plan.name}`, todo.length);
      const onDone = () => progress.update(++done, { failed: failedCount });
      try {
        if (opts.queue) {
          const byDir = new Map(todo.map((t) => [t.dir, t]));
          for (const f of await runOnQueue(opts.queue, opts.queueName ?? DEFAULT_QUEUE_NAME, todo, onDone)) failures.push({ task: byDir.get(f.task.dir)!, reason: f.reason });
        } else {
          failures.push(...(await runPool(todo, opts.jobs ?? os.availableParallelism(), onDone, () => progress.update(done, { failed: ++failedCount }))));
        }
      } finally {
        progress.stop();
      }
    }
    const finished: SweepRun[] = plan.runs.filter((r) => runFinished(r)).map((r) => ({ point: r.point, seed: r.seed, results: JSON.parse(fs.readFileSync(r.resultsFile, "utf8")) }));
    const agg = aggregateSweep(exp, plan.grid, plan.points, finished, opts.metrics ?? [], `${exp.name} sweep ${plan.name}`);
    const files = await writeAggregate(agg, plan.dir, opts.images ?? true);
    if (agg.note) progress.log(`kcdl sweep: ${agg.note}`);
    for (const f of files) progress.log(`  wrote ${f}`);
    if (failures.length) {
      throw new KcdlError(
        `${failures.length} of ${plan.runs.length} runs failed (the others are aggregated in ${path.join(plan.dir, "sweep.md")}); the same command reruns just those. ` +
          failures.map((f) => `${path.relative(plan.dir, f.task.dir)}: ${f.reason} (log: ${path.join(f.task.dir, "run.log")})`).join("; "),
      );
    }
    const resultFiles = plan.runs.filter((r) => runFinished(r)).map((r) => ({ point: r.point.name, seed: r.seed, file: r.resultsFile }));
    return { name: plan.name, dir: plan.dir, table: agg.table, runs: agg.runs, metrics: agg.metrics, note: agg.note, files, ran: todo.length, skipped, resultFiles };
  } finally {
    release();
  }
}

async function writeAggregate(agg: Aggregate, dir: string, images: boolean): Promise<string[]> {
  const files = [...(await writeTable(agg.table, dir, "sweep")), ...(await writeTable(agg.runs, dir, "runs"))];
  const renderer = images && Object.keys(agg.figures).length ? await sharedRenderer() : undefined;
  for (const [name, spec] of Object.entries(agg.figures)) files.push(...(await writeFigure(spec, dir, name, renderer)));
  return files;
}

/** Runs `tasks`, `jobs` at a time; resolves with the failures. An interrupt stops the children (they checkpoint) and throws. */
async function runPool(tasks: PlannedSweepRun[], jobs: number, onDone: () => void, onFail: () => void): Promise<{ task: PlannedSweepRun; reason: string }[]> {
  const live = new Set<ChildProcess>();
  const sent = new WeakSet<ChildProcess>();
  const failures: { task: PlannedSweepRun; reason: string }[] = [];
  const scope = interruptScope();
  const poll = setInterval(() => {
    if (scope.signal) forward(live, scope.signal, sent);
  }, 100);
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: Math.min(jobs, tasks.length) }, async () => {
        while (next < tasks.length && !scope.signal) {
          const task = tasks[next++];
          const r = await runChild(task, live);
          if (scope.signal) break;
          if (r.code === 0 && runFinished(task)) onDone();
          else {
            failures.push({ task, reason: `exited with ${r.code ?? r.signal}: ${r.logTail.split("\n").slice(-3).join(" | ")}` });
            onFail();
          }
        }
      }),
    );
    if (scope.signal) {
      throw new InterruptedError(`sweep interrupted (${scope.signal}); the runs that finished are kept, and the same command continues (finished runs are skipped, interrupted ones restart)`, scope.signal);
    }
    return failures;
  } finally {
    clearInterval(poll);
    scope.close();
  }
}
