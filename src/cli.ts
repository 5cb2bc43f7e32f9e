/**
 * The `kcdl` command line:
 *   kcdl list
 *   kcdl config <experiment> [--preset P]
 *   kcdl run <experiment…|all> [--preset smoke|cpu|paper] [--seed N] [--out DIR]
 *                              [--backend auto|webgpu|tensorflow|wasm|cpu] [--set key=value …] [--resume]
 *   kcdl render <experiment…|all> [--out DIR] [--readme FILE]
 *   kcdl sweep <experiment> [--preset P] --grid key=v1,v2,… [--grid …] [--seeds 1-5] [--jobs N]
 *              [--name S] [--out DIR] [--set key=value …] [--metric PATH …] [--queue redis://host:port]
 *   kcdl worker --queue redis://host:port [--jobs N] [--idle-exit S]
 * Bad input prints one line naming the problem and the fix and exits with status 2, before any
 * work starts; an interrupted run (Ctrl-C, SIGTERM) writes its checkpoints, prints the command
 * that resumes it and exits with 130.
 */
import { Command, CommanderError, Option } from "commander";
import * as fs from "node:fs";
import * as path from "node:path";
import "./experiments"; // registers the paper's experiments
import { experiments, getExperiment } from "./lab/registry";
import { PRESETS } from "./lab/experiment";
import { interruptedRender, loadResults, render, runExperiments } from "./lab/runner";
import { DEFAULT_QUEUE_NAME, parseGrid, parseSeeds, runWorker, sweep } from "./lab/sweep";
import { tableToMarkdown } from "./report/table";
import { formatConfig } from "./lab/describe";
import { updateReadme } from "./lab/readme";
import { BACKENDS } from "./core/backend";
import { parseSettings } from "./core/config";
import { KcdlError, UsageError } from "./core/errors";
import { InterruptedError } from "./core/interrupt";
import { terminalProgress } from "./core/progress";
import { kcdlVersion } from "./core/io";
import { writeIndex } from "./report/index-page";
import { closeSharedRenderer } from "./report/static-export";

const names = () => Object.keys(experiments());

function program(): Command {
  const cmd = new Command("kcdl")
    .description("Description-length objectives for Transformers: reproduce Shaw et al. (2025) and run ablations")
    .version(kcdlVersion())
    .exitOverride()
    .showSuggestionAfterError();

  cmd
    .command("list")
    .description("list the registered experiments and what they reproduce")
    .action(() => {
      for (const e of Object.values(experiments())) process.stdout.write(`${e.name.padEnd(16)} ${e.reproduces.padEnd(22)} ${e.title}\n`);
    });

  cmd
    .command("config")
    .description("print every config key of an experiment: type, default, the preset's value, and what it means")
    .argument("<experiment>", `experiment name (${names().join(", ")})`)
    .addOption(new Option("--preset <name>", "show this preset's values").choices(PRESETS).default("cpu"))
    .action((name: string, o: { preset: string }) => {
      process.stdout.write(formatConfig(getExperiment(name), o.preset));
    });

  cmd
    .command("run")
    .description("run experiments and write results.json, figures, tables and claims to <out>/<experiment>/")
    .argument("<experiments...>", `experiment names, or 'all' (${names().join(", ")})`)
    .addOption(new Option("--preset <name>", "configuration preset").choices(PRESETS).default("cpu"))
    .option("--seed <n>", "run seed, a decimal integer; fixes every random stream", "1")
    .option("--out <dir>", "output root: results go to <dir>/<experiment>/ (default: figures/ for the cpu preset at seed 1 without --set, else runs/<experiment>/<preset>-seed<N>/)")
    .addOption(new Option("--backend <name>", "tfjs backend").choices(BACKENDS).default("auto"))
    .option("--set <key=value>", "override a config key, e.g. --set train.klCoef=1e-4 (repeatable; `kcdl config <experiment>` lists the keys)", (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option("--no-images", "skip PNG/SVG export through headless Chromium")
    .option("--resume", "continue interrupted training from <out>/<experiment>/checkpoints/ (same preset, seed and settings)")
    .option("--readme <file>", "afterwards, regenerate the Results section of this README from <out>")
    .action(async (selected: string[], o: { preset: string; seed: string; out?: string; backend: string; set: string[]; images: boolean; resume?: boolean; readme?: string }) => {
      const seed = parseSeed(o.seed);
      const list = selected.includes("all") ? names() : selected.map((n) => getExperiment(n).name);
      try {
        let outputs;
        try {
          outputs = await runExperiments(list, { preset: o.preset, seed, out: o.out, backend: o.backend, overrides: parseSettings(o.set), progress: terminalProgress(), staticImages: o.images, resume: o.resume ?? false });
        } catch (err) {
          if (!(err instanceof InterruptedError)) throw err;
          // the exact command that continues (exit status 130)
          const again = ["npx", "kcdl", "run", ...(err.remaining ?? list), "--preset", o.preset, "--seed", String(seed), ...(o.out ? ["--out", o.out] : []), ...(o.backend === "auto" ? [] : ["--backend", o.backend]), ...o.set.flatMap((v) => ["--set", v]), ...(o.images ? [] : ["--no-images"]), "--resume"];
          throw new InterruptedError(`${err.message.replace(/ To continue from step.*$/, "")} To continue: ${again.map(shellQuote).join(" ")}`, err.signal);
        }
        const roots = new Set(outputs.map((r) => path.dirname(path.dirname(r.files[0]))));
        for (const root of roots) process.stderr.write(`index: ${writeIndex(root)}\n`);
        if (o.readme) process.stderr.write(`${o.readme}: results section ${updateReadme(o.readme, o.out ?? "figures") ? "rewritten" : "unchanged"}\n`);
      } finally {
        await closeSharedRenderer();
      }
    });

  cmd
    .command("render")
    .description("re-draw figures, tables and claims from existing <out>/<experiment>/results.json (no re-run)")
    .argument("<experiments...>", "experiment names, or 'all' (those with results under --out)")
    .option("--out <dir>", "output root holding the results", "figures")
    .option("--no-images", "skip PNG/SVG export through headless Chromium")
    .option("--readme <file>", "also regenerate the Results section of this README from <out>")
    .action(async (selected: string[], o: { out: string; images: boolean; readme?: string }) => {
      const list = selected.includes("all") ? names().filter((n) => fs.existsSync(path.join(o.out, n, "results.json"))) : selected.map((n) => getExperiment(n).name);
      if (!list.length) throw new UsageError(`no results under ${o.out}/ (no <experiment>/results.json); run \`npx kcdl run <experiment> --out ${o.out}\` first`);
      try {
        for (const name of list) {
          const results = loadResults(name, o.out);
          if (interruptedRender(name, o.out)) process.stderr.write(`${name}: completing the render an interrupted run left unfinished\n`);
          const files = await render(getExperiment(name), results, path.join(o.out, name), o.images);
          process.stderr.write(`${name}: ${files.length} files re-drawn\n`);
        }
        process.stderr.write(`index: ${writeIndex(o.out)}\n`);
        if (o.readme) process.stderr.write(`${o.readme}: results section ${updateReadme(o.readme, o.out) ? "rewritten" : "unchanged"}\n`);
      } finally {
        await closeSharedRenderer();
      }
    });

  const repeat = (v: string, acc: string[]) => [...acc, v];
  cmd
    .command("sweep")
    .description("run an experiment over a grid of config values × seeds (each a normal run) and aggregate over seeds into sweep.csv/.md and figures")
    .argument("<experiment>", `experiment name (${names().join(", ")})`)
    .addOption(new Option("--preset <name>", "configuration preset").choices(PRESETS).default("cpu"))
    .option("--grid <key=v1,v2,…>", "a config key and its values (JSON when they parse, else strings; commas outside brackets split values: train.klCoef=[0.1,0.01],1e-3 is two values); repeatable, the sweep runs the product", repeat, [] as string[])
    .option("--seeds <list>", "seeds of every point: 1-5, 1,3,7 or 1-3,10", "1")
    .option("--jobs <n>", "runs at once in the local pool (default: one per core)")
    .option("--name <name>", "the sweep's folder name (default: <experiment>-<preset>-<hash of the sweep>)")
    .option("--out <dir>", "root of sweep folders: the sweep writes <dir>/<name>/ (default runs/sweeps/)")
    .addOption(new Option("--backend <name>", "tfjs backend of every run").choices(BACKENDS).default("auto"))
    .option("--set <key=value>", "a config override every run gets (repeatable; grid keys take precedence)", repeat, [] as string[])
    .option("--metric <path>", "a results.json path whose finite numbers are aggregated too, e.g. manual.atInit (repeatable)", repeat, [] as string[])
    .option("--queue <url>", "dispatch the runs through BullMQ on this Redis (redis://host:port) to `kcdl worker`s sharing the output folder")
    .option("--queue-name <name>", "BullMQ queue name", DEFAULT_QUEUE_NAME)
    .option("--no-images", "write the sweep figures as .html only (default: also .svg/.png when a headless Chromium is installed)")
    .action(async (name: string, o: { preset: string; grid: string[]; seeds: string; jobs?: string; name?: string; out?: string; backend: string; set: string[]; metric: string[]; queue?: string; queueName: string; images: boolean }) => {
      const out = await sweep({
        experiment: getExperiment(name).name,
        preset: o.preset,
        grid: parseGrid(o.grid),
        seeds: parseSeeds(o.seeds),
        jobs: o.jobs === undefined ? undefined : parseJobs(o.jobs),
        name: o.name,
        out: o.out,
        backend: o.backend === "auto" ? undefined : o.backend,
        overrides: parseSettings(o.set),
        metrics: o.metric,
        queue: o.queue,
        queueName: o.queueName,
        progress: terminalProgress(),
        images: o.images,
      }).finally(closeSharedRenderer);
      process.stdout.write(tableToMarkdown(out.table));
      process.stderr.write(`sweep ${out.name}: ${out.ran} run(s) now, ${out.skipped} skipped as finished; ${path.join(out.dir, "sweep.md")}\n`);
    });

  cmd
    .command("worker")
    .description("take sweep runs off a BullMQ queue on Redis and run them (until Ctrl-C / SIGTERM, or --idle-exit)")
    .requiredOption("--queue <url>", "the Redis the sweep enqueues on (redis://host:port)")
    .option("--queue-name <name>", "BullMQ queue name", DEFAULT_QUEUE_NAME)
    .option("--jobs <n>", "runs at once on this machine (default: one per core)")
    .option("--idle-exit <seconds>", "exit after this many seconds without a run")
    .action(async (o: { queue: string; queueName: string; jobs?: string; idleExit?: string }) => {
      const idle = o.idleExit === undefined ? undefined : Number(o.idleExit);
      if (idle !== undefined && !(idle >= 0)) throw new UsageError(`--idle-exit expects seconds ≥ 0, got '${o.idleExit}'`);
      const r = await runWorker({ queue: o.queue, queueName: o.queueName, jobs: o.jobs === undefined ? undefined : parseJobs(o.jobs), idleExitS: idle, progress: terminalProgress() });
      process.stderr.write(`worker ${process.pid}: ${r.ran} run(s) done, ${r.failed} failed\n`);
    });
  return cmd;
}

/** `--jobs`: a positive decimal integer. */
function parseJobs(raw: string): number {
  if (!/^[1-9][0-9]*$/.test(raw)) throw new UsageError(`--jobs expects a positive integer, got '${raw}'`);
  return Number(raw);
}

/** `arg` quoted for a POSIX shell where it needs it. */
const shellQuote = (arg: string) => (/^[A-Za-z0-9_./=:,@+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`);

/** `--seed`: a decimal integer in [0, 2^53), nothing else ("", "0x10" and "1e3" are refused). */
export function parseSeed(raw: string): number {
  const seed = Number(raw);
  if (!/^(0|[1-9][0-9]*)$/.test(raw) || !Number.isSafeInteger(seed)) throw new UsageError(`--seed expects a decimal integer from 0 to ${Number.MAX_SAFE_INTEGER}, got '${raw}'`);
  return seed;
}

/** Runs the CLI with `argv` (process.argv form); resolves to the exit status. */
export async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2; // commander already printed the message
    if (err instanceof KcdlError) {
      process.stderr.write(`kcdl: ${err.message}\n`);
      return err.exitCode;
    }
    throw err;
  }
}
