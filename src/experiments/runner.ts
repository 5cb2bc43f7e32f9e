/**
 * Running an experiment end to end: resolve its config (defaults ← preset ←
 * overrides), initialise the backend, `run`, then write `<out>/<name>/results.json`
 * (atomically, with the results-contract header) and render its figures and
 * tables. `render` alone re-draws committed results without re-running.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { AnyExperiment, PRESETS, Preset } from "./experiment";
import { getExperiment } from "./registry";
import { resolveConfig } from "../core/config";
import { BackendInfo, initBackend } from "../core/backend";
import { KcdlError, assertChoice } from "../core/errors";
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
  /** A partial config applied over the preset (keys and types checked). */
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
  /** Files written (results.json, figures, tables). */
  files: string[];
  backend: BackendInfo;
}

/** Resolves the config an experiment would run with. */
export function resolveExperimentConfig(exp: AnyExperiment, preset: string, overrides?: object): object {
  const p = assertChoice("preset", preset, PRESETS);
  return resolveConfig(exp.defaults, exp.presets[p], overrides);
}

/** Runs one experiment and writes its results, figures and tables. */
export async function runExperiment(name: string | AnyExperiment, opts: RunOptions = {}): Promise<RunOutput> {
  const exp = typeof name === "string" ? getExperiment(name) : name;
  const preset = (opts.preset ?? "cpu") as Preset;
  const config = resolveExperimentConfig(exp, preset, opts.overrides);
  const seed = opts.seed ?? 1;
  if (!Number.isInteger(seed) || seed < 0) throw new KcdlError(`seed must be a non-negative integer, got ${seed}`, 2);
  const backend = await initBackend(opts.backend ?? "auto");
  const progress = opts.progress ?? silentProgress;
  progress.log(`kcdl ${exp.name}: preset ${preset}, seed ${seed}, backend ${backend.name} (${backend.provider})`);
  const startedAt = new Date();
  const checkpointDir = opts.out === null ? undefined : path.join(opts.out ?? "figures", exp.name, "checkpoints");
  const metrics = await exp.run(config, { seed, backend, progress, checkpointDir, resume: opts.resume ?? false });
  const results = {
    experiment: exp.name,
    preset: opts.overrides && Object.keys(opts.overrides).length ? `${preset}+overrides` : preset,
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

/** Writes results.json, then renders figures and tables into `<out>/<experiment>/`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function writeResults(exp: AnyExperiment, results: any, out: string, staticImages = true): Promise<string[]> {
  const dir = path.join(out, exp.name);
  const resultsFile = path.join(dir, "results.json");
  writeJsonAtomic(resultsFile, results);
  return [resultsFile, ...(await render(exp, results, dir, staticImages))];
}

/** Renders an experiment's figures and tables from a results object into `dir`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function render(exp: AnyExperiment, results: any, dir: string, staticImages = true): Promise<string[]> {
  const renderer = staticImages ? await sharedRenderer() : undefined;
  const files: string[] = [];
  for (const [name, spec] of Object.entries(exp.figures(results))) files.push(...(await writeFigure(spec, dir, name, renderer)));
  for (const [name, table] of Object.entries(exp.tables(results))) files.push(...(await writeTable(table, dir, name)));
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
