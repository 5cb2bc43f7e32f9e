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
import { AnyExperiment, PRESETS, Preset } from "./experiment";
import { getExperiment } from "./registry";
import { fieldAt, overrideKeys, resolveSchema, valueAt } from "./schema";
import { claimsTable } from "./claims";
import { BackendInfo, initBackend } from "../core/backend";
import { KcdlError, UsageError, assertChoice } from "../core/errors";
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
  /** Output root; results go to `<out>/<experiment>/` (default "figures"). Null: write nothing. */
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
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  results: any;
  /** Files written (results.json, figures, tables, claims). */
  files: string[];
  backend: BackendInfo;
}

/** One checked run: the experiment, its resolved config and the overrides it takes. */
export interface PlannedRun {
  experiment: AnyExperiment;
  config: object;
  overrides: object;
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
export function resolveExperimentConfig(exp: AnyExperiment, preset: string, overrides?: object): object {
  const p = assertChoice("preset", preset, PRESETS);
  const config = resolveSchema(exp.schema, [exp.presets[p], overrides], [`preset ${p}`, `${exp.name} override`]);
  exp.check?.(config);
  return config;
}

/**
 * Checks every run before any starts: unknown experiments, a key no selected
 * experiment has (a single experiment must have every key), bad values.
 */
export function planRuns(names: readonly (string | AnyExperiment)[], preset: string, overrides: object = {}): PlannedRun[] {
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
    return { experiment, overrides: own, config: resolveExperimentConfig(experiment, preset, own) };
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
    throw new UsageError(`--out '${out}' is not a writable folder (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); pick another with --out DIR`);
  }
}

/** Runs one experiment and writes its results, figures and tables. */
export async function runExperiment(name: string | AnyExperiment, opts: RunOptions = {}): Promise<RunOutput> {
  return (await runExperiments([name], opts))[0];
}

/** Checks every run up front (`planRuns`, the output folder, the backend), then runs them in order. */
export async function runExperiments(names: readonly (string | AnyExperiment)[], opts: RunOptions = {}): Promise<RunOutput[]> {
  const preset = (opts.preset ?? "cpu") as Preset;
  const seed = opts.seed ?? 1;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new UsageError(`seed must be a non-negative integer, got ${seed}`);
  const plans = planRuns(names, preset, opts.overrides);
  if (opts.out !== null) checkOutputFolder(opts.out ?? "figures");
  const backend = await initBackend(opts.backend ?? "auto");
  const outputs: RunOutput[] = [];
  for (const plan of plans) outputs.push(await runPlanned(plan, preset, seed, backend, opts));
  return outputs;
}

async function runPlanned({ experiment: exp, config, overrides }: PlannedRun, preset: Preset, seed: number, backend: BackendInfo, opts: RunOptions): Promise<RunOutput> {
  const progress = opts.progress ?? silentProgress;
  progress.log(`kcdl ${exp.name}: preset ${preset}, seed ${seed}, backend ${backend.name} (${backend.provider})`);
  const startedAt = new Date();
  const checkpointDir = opts.out === null ? undefined : path.join(opts.out ?? "figures", exp.name, "checkpoints");
  const metrics = await exp.run(config, { seed, backend, progress, checkpointDir, resume: opts.resume ?? false });
  const results = {
    experiment: exp.name,
    preset,
    overrides,
    seed,
    backend: backend.name,
    kcdlVersion: kcdlVersion(),
    startedAt: startedAt.toISOString(),
    durationS: (Date.now() - startedAt.getTime()) / 1000,
    config,
    ...metrics,
  };
  const files = opts.out === null ? [] : await writeResults(exp, results, opts.out ?? "figures", opts.staticImages ?? true);
  for (const f of files) progress.log(`  wrote ${f}`);
  return { results, files, backend };
}

/** Writes results.json, then renders figures, tables and claims into `<out>/<experiment>/`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function writeResults(exp: AnyExperiment, results: any, out: string, staticImages = true): Promise<string[]> {
  const dir = path.join(out, exp.name);
  const resultsFile = path.join(dir, "results.json");
  writeJsonAtomic(resultsFile, results);
  return [resultsFile, ...(await render(exp, results, dir, staticImages))];
}

/** Renders an experiment's figures, tables and claims (`claims.{csv,md,html}`) from a results object into `dir`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function render(exp: AnyExperiment, results: any, dir: string, staticImages = true): Promise<string[]> {
  const renderer = staticImages ? await sharedRenderer() : undefined;
  const files: string[] = [];
  for (const [name, spec] of Object.entries(exp.figures(results))) files.push(...(await writeFigure(spec, dir, name, renderer)));
  for (const [name, table] of Object.entries(exp.tables(results))) files.push(...(await writeTable(table, dir, name)));
  const claims = exp.claims(results);
  if (claims.length) files.push(...(await writeTable(claimsTable(claims, `${exp.title}: paper vs ours`), dir, "claims")));
  return files;
}

/** Reads `<out>/<experiment>/results.json` written by an earlier run. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function loadResults(name: string, out = "figures"): any {
  const file = path.join(out, getExperiment(name).name, "results.json");
  if (!fs.existsSync(file)) throw new KcdlError(`no results at ${file}; run \`npx kcdl run ${name}\` first`, 2);
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new KcdlError(`${file} is not valid JSON (${(err as Error).message}); delete it and re-run \`npx kcdl run ${name}\``);
  }
}
