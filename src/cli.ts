/**
 * The `kcdl` command line:
 *   kcdl list
 *   kcdl config <experiment> [--preset P]
 *   kcdl run <experiment…|all> [--preset smoke|cpu|paper] [--seed N] [--out DIR]
 *                              [--backend auto|tensorflow|wasm|cpu] [--set key=value …] [--resume]
 *   kcdl render <experiment…|all> [--out DIR] [--readme FILE]
 * Bad input prints one line naming the problem and the fix and exits with status 2,
 * before any work starts.
 */
import { Command, CommanderError, Option } from "commander";
import * as fs from "node:fs";
import * as path from "node:path";
import "./experiments"; // registers the paper's experiments
import { experiments, getExperiment } from "./lab/registry";
import { PRESETS } from "./lab/experiment";
import { loadResults, render, runExperiments } from "./lab/runner";
import { formatConfig } from "./lab/describe";
import { updateReadme } from "./lab/readme";
import { BACKENDS } from "./core/backend";
import { parseSettings } from "./core/config";
import { KcdlError, UsageError } from "./core/errors";
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
    .option("--seed <n>", "run seed; fixes every random stream", "1")
    .option("--out <dir>", "output root", "figures")
    .addOption(new Option("--backend <name>", "tfjs backend").choices(BACKENDS).default("auto"))
    .option("--set <key=value>", "override a config key, e.g. --set train.klCoef=1e-4 (repeatable; `kcdl config <experiment>` lists the keys)", (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option("--no-images", "skip PNG/SVG export through headless Chromium")
    .option("--resume", "continue interrupted training from <out>/<experiment>/checkpoints/ (same preset, seed and settings)")
    .option("--readme <file>", "afterwards, regenerate the Results section of this README from <out>")
    .action(async (selected: string[], o: { preset: string; seed: string; out: string; backend: string; set: string[]; images: boolean; resume?: boolean; readme?: string }) => {
      const seed = Number(o.seed);
      if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed expects a non-negative integer, got '${o.seed}'`);
      const list = selected.includes("all") ? names() : selected.map((n) => getExperiment(n).name);
      try {
        await runExperiments(list, { preset: o.preset, seed, out: o.out, backend: o.backend, overrides: parseSettings(o.set), progress: terminalProgress(), staticImages: o.images, resume: o.resume ?? false });
        process.stderr.write(`index: ${writeIndex(o.out)}\n`);
        if (o.readme) process.stderr.write(`${o.readme}: results section ${updateReadme(o.readme, o.out) ? "rewritten" : "unchanged"}\n`);
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
      try {
        for (const name of list) {
          const files = await render(getExperiment(name), loadResults(name, o.out), path.join(o.out, name), o.images);
          process.stderr.write(`${name}: ${files.length} files re-drawn\n`);
        }
        process.stderr.write(`index: ${writeIndex(o.out)}\n`);
        if (o.readme) process.stderr.write(`${o.readme}: results section ${updateReadme(o.readme, o.out) ? "rewritten" : "unchanged"}\n`);
      } finally {
        await closeSharedRenderer();
      }
    });
  return cmd;
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
