/**
 * Running experiments end to end. Everything that can be checked is checked
 * before the first step (`planRuns`): each experiment's whole config (defaults ←
 * preset ← overrides, lab/schema.ts, then its own `check`), the output folder,
 * the backend. Then each experiment runs and `<out>/<name>/results.json` is
 * written atomically with the results-contract header, and its figures, tables
 * and claims are rendered. `render` alone re-draws committed results.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { AnyExperiment, AnyResults, Experiment, PRESETS, Preset } from "./experiment";
import { getExperiment } from "./registry";
import { fieldAt, overrideKeys, resolveSchema, valueAt } from "./schema";
import { claimsTable } from "./claims";
import { isIncomplete, lockDir, markComplete, markIncomplete, runDir } from "./output";
import { BackendInfo, initBackend, useHostBackend } from "../core/backend";
import { KcdlError, UsageError, assertChoice } from "../core/errors";
import { InterruptedError, interruptScope } from "../core/interrupt";
import { kcdlVersion, writeJsonAtomic } from "../core/io";
import { Progress, silentProgress } from "../core/progress";
import { writeFigure } from "../report/figure";
import { writeTable } from "../report/table";
import { sharedRenderer } from "../report/static-export";

export interface RunOptions {
  /** smoke | cpu | paper (default cpu). */
  preset?: string;
  /** Run seed (default 1). */
  seed?: number;
  /**
   * Output root: results go to `<out>/<experiment>/`. Default: `figures/<experiment>/` for the cpu
   * preset at seed 1 without overrides, else `runs/<experiment>/<preset>-seed<N>[-<hash>]/`
   * (lab/output.ts). Null: write nothing.
   */
  out?: string | null;
  /** tfjs backend: auto | tensorflow | wasm | cpu (default auto). */
  backend?: string;
  /**
   * A partial config applied over the preset (keys, types and ranges checked). With
   * several experiments, each key goes to those that have it; a key none has is an error.
   */
  overrides?: object;
  /** Where progress goes (default silent). */
  progress?: Progress;
  /** Render PNG/SVG through headless Chromium when available (default true). */
  staticImages?: boolean;
  /** Continue interrupted training from `<out>/<experiment>/checkpoints/` (default false: start over). */
  resume?: boolean;
}

export interface RunOutput {
  results: AnyResults;
  /** Files written (results.json, figures, tables, claims). */
  files: string[];
  backend: BackendInfo;
}

/** One checked run: the experiment, its resolved config, the overrides it takes, and its folder (null: none). */
export interface PlannedRun {
  experiment: AnyExperiment;
  config: object;
  overrides: object;
  dir: string | null;
}

/** The part of `overrides` whose keys `exp` has (dotted paths). */
function overridesFor(exp: AnyExperiment, overrides: object): object {
  const out: Record<string, unknown> = {};
  for (const key of overrideKeys(overrides)) {
    if (!fieldAt(exp.schema, key)) continue;
    const parts = key.split(".");
    let node = out;
    for (const k of parts.slice(0, -1)) node = (node[k] ??= {}) as Record<string, unknown>;
    node[parts[parts.length - 1]] = valueAt(overrides, key);
  }
  return out;
}

/** Resolves (and checks) the config an experiment would run with. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any experiment's metrics type: only its config type C matters here
export function resolveExperimentConfig<C extends object>(exp: Experiment<C, any>, preset: string, overrides?: object): C {
  const p = assertChoice("preset", preset, PRESETS);
  const config = resolveSchema(exp.schema, [exp.presets[p], overrides], [`preset ${p}`, `${exp.name} override`]) as C;
  exp.check?.(config);
  return config;
}

/**
 * Checks every run before any starts: unknown experiments, a key no selected
 * experiment has (a single experiment must have every key), bad values.
 */
export function planRuns(names: readonly (string | AnyExperiment)[], preset: string, overrides: object = {}, where: { out?: string | null; seed?: number } = {}): PlannedRun[] {
  const exps = names.map((n) => (typeof n === "string" ? getExperiment(n) : n));
  const keys = overrideKeys(overrides);
  if (exps.length > 1) {
    for (const key of keys) {
      if (!exps.some((e) => fieldAt(e.schema, key))) {
        throw new UsageError(`config key '${key}' belongs to none of ${exps.map((e) => e.name).join(", ")}; see \`npx kcdl config <experiment>\``);
      }
    }
  }
  return exps.map((experiment) => {
    const own = exps.length > 1 ? overridesFor(experiment, overrides) : overrides;
    const config = resolveExperimentConfig(experiment, preset, own);
    const dir = where.out === null ? null : runDir(experiment.name, { out: where.out, preset, seed: where.seed ?? 1, overrides: own });
    return { experiment, overrides: own, config, dir };
  });
}

/** Checks that `out` is (or can be made) a writable folder, before any work. */
export function checkOutputFolder(out: string): void {
  try {
    fs.mkdirSync(out, { recursive: true });
    const probe = path.join(out, `.kcdl-write-check-${process.pid}`);
    fs.writeFileSync(probe, "");
    fs.rmSync(probe);
  } catch (err) {
    throw new UsageError(`cannot write to ${out} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); pick another output root with --out DIR`);
  }
}

/** Runs one experiment and writes its results, figures and tables. */
export async function runExperiment(name: string | AnyExperiment, opts: RunOptions = {}): Promise<RunOutput> {
  return (await runExperiments([name], opts))[0];
}

/**
 * Checks every run up front (`planRuns`, each output folder is writable and not being
 * written by another run — its lock is taken here —, the backend), then runs them in order.
 */
export async function runExperiments(names: readonly (string | AnyExperiment)[], opts: RunOptions = {}): Promise<RunOutput[]> {
  const preset = (opts.preset ?? "cpu") as Preset;
  const seed = opts.seed ?? 1;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new UsageError(`seed must be a non-negative integer, got ${seed}`);
  const plans = planRuns(names, preset, opts.overrides, { out: opts.out, seed });
  const releases: (() => void)[] = [];
  // Open for the whole run, so an interrupt outside training (evaluation, rendering) is not lost:
  // training stops at its next step, and no further experiment starts.
  const interrupts = interruptScope();
  try {
    for (const p of plans) {
      if (p.dir === null) continue;
      checkOutputFolder(p.dir);
      releases.push(lockDir(p.dir));
    }
    const backend = await initBackend(opts.backend ?? "auto");
    // on webgpu: the experiments' host-side work on wasm, training on the device (Trainer.run)
    await useHostBackend();
    const outputs: RunOutput[] = [];
    for (const [i, plan] of plans.entries()) {
      const signal = interrupts.signal;
      if (signal) {
        const err = new InterruptedError(`interrupted (${signal}) before ${plan.experiment.name} started; nothing of it was written.`, signal);
        err.remaining = plans.slice(i).map((p) => p.experiment.name);
        throw err;
      }
      try {
        outputs.push(await runPlanned(plan, preset, seed, backend, opts));
      } catch (err) {
        if (err instanceof InterruptedError) err.remaining = plans.slice(i).map((p) => p.experiment.name);
        throw err;
      }
    }
    return outputs;
  } finally {
    interrupts.close();
    for (const release of releases) release();
  }
}

async function runPlanned({ experiment: exp, config, overrides, dir }: PlannedRun, preset: Preset, seed: number, backend: BackendInfo, opts: RunOptions): Promise<RunOutput> {
  const progress = opts.progress ?? silentProgress;
  progress.log(`kcdl ${exp.name}: preset ${preset}, seed ${seed}, backend ${backend.name} (${backend.provider}${backend.native ? `; native kernels: ${backend.native}` : ""})${dir ? `, writing to ${dir}` : ""}`);
  const startedAt = new Date();
  const checkpointDir = dir === null ? undefined : path.join(dir, "checkpoints");
  const workDir = dir === null ? undefined : path.join(dir, "work");
  const timings: Record<string, number> = {};
  const metrics = await exp.run(config, { seed, preset, out: typeof opts.out === "string" ? opts.out : undefined, backend, progress, checkpointDir, workDir, resume: opts.resume ?? false, timings });
  const results = {
    experiment: exp.name,
    preset,
    overrides,
    seed,
    backend: backend.name,
    kcdlVersion: kcdlVersion(),
    timings: { startedAt: startedAt.toISOString(), durationS: (Date.now() - startedAt.getTime()) / 1000, ...timings },
    config,
    ...metrics,
  };
  const files = dir === null ? [] : await writeResults(exp, results, dir, opts.staticImages ?? true);
  for (const f of files) progress.log(`  wrote ${f}`);
  return { results, files, backend };
}

/**
 * Writes results.json and renders figures, tables and claims into `dir`, with `dir`
 * marked incomplete from the first write to the last (lab/output.ts).
 */
export async function writeResults(exp: AnyExperiment, results: AnyResults, dir: string, staticImages = true): Promise<string[]> {
  markIncomplete(dir);
  const resultsFile = path.join(dir, "results.json");
  writeJsonAtomic(resultsFile, results);
  return [resultsFile, ...(await render(exp, results, dir, staticImages))];
}

/** Renders an experiment's figures, tables and claims (`claims.{csv,md,html}`) from a results object into `dir`. */
export async function render(exp: AnyExperiment, results: AnyResults, dir: string, staticImages = true): Promise<string[]> {
  const file = path.join(dir, "results.json");
  checkResults(exp, results, file);
  // Everything is computed before the first file is touched, so a bad results object writes nothing.
  const what = (kind: string, f: () => unknown) => {
    try {
      return f();
    } catch (err) {
      throw new KcdlError(`${file}: cannot render its ${kind} (${(err as Error).message}); the results do not have the shape this version of ${exp.name} writes — re-run \`npx kcdl run ${exp.name}\``);
    }
  };
  const figures = what("figures", () => exp.figures(results)) as ReturnType<AnyExperiment["figures"]>;
  const tables = what("tables", () => exp.tables(results)) as ReturnType<AnyExperiment["tables"]>;
  const claims = what("claims", () => exp.claims(results)) as ReturnType<AnyExperiment["claims"]>;
  if (claims.length) tables.claims = claimsTable(claims, `${exp.title}: paper vs ours`);
  markIncomplete(dir);
  const renderer = staticImages ? await sharedRenderer() : undefined;
  const files: string[] = [];
  for (const [name, spec] of Object.entries(figures)) files.push(...(await writeFigure(spec, dir, name, renderer)));
  for (const [name, table] of Object.entries(tables)) files.push(...(await writeTable(table, dir, name)));
  markComplete(dir);
  return files;
}

/** Checks a results object's header against `exp` (the experiment, preset, seed, config), naming the file and field. */
export function checkResults(exp: AnyExperiment, results: AnyResults, file: string): void {
  const fail = (field: string, why: string) => {
    throw new KcdlError(`${file}: field '${field}' ${why}; this is not a results.json of ${exp.name} written by this version — re-run \`npx kcdl run ${exp.name}\``, 2);
  };
  if (typeof results !== "object" || results === null || Array.isArray(results)) fail("(top level)", "is not an object");
  if (results.experiment !== exp.name) fail("experiment", `is ${JSON.stringify(results.experiment)}, expected "${exp.name}"`);
  if (!(PRESETS as readonly string[]).includes(results.preset)) fail("preset", `is ${JSON.stringify(results.preset)}, expected one of ${PRESETS.join(", ")}`);
  if (!Number.isSafeInteger(results.seed)) fail("seed", `is ${JSON.stringify(results.seed)}, expected an integer`);
  if (typeof results.config !== "object" || results.config === null) fail("config", "is missing");
  try {
    resolveSchema(exp.schema, [results.config]);
  } catch (err) {
    fail("config", `does not match ${exp.name}'s config (${(err as Error).message})`);
  }
}

/**
 * Reads the results.json of experiment `name` in `<out>/<name>/` (default: the folder a
 * run with these options writes, lab/output.ts; the committed cpu run without options).
 */
export function loadResults(name: string, where: string | { out?: string; preset?: string; seed?: number; overrides?: object } = {}): AnyResults {
  const exp = getExperiment(name);
  const o = typeof where === "string" ? { out: where } : where;
  const dir = runDir(exp.name, { out: o.out, preset: o.preset ?? "cpu", seed: o.seed ?? 1, overrides: o.overrides ?? {} });
  const file = path.join(dir, "results.json");
  if (!fs.existsSync(file)) throw new KcdlError(`no results at ${file}; run \`npx kcdl run ${name}\` first`, 2);
  let results: unknown;
  try {
    results = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new KcdlError(`${file} is not valid JSON (${(err as Error).message}); delete it and re-run \`npx kcdl run ${name}\``);
  }
  checkResults(exp, results, file);
  return results;
}

/** Whether the folder of `<out>/<name>/` was left mid-render by an interrupted run. */
export function interruptedRender(name: string, out: string): boolean {
  return isIncomplete(path.join(out, name));
}
