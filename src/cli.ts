/**
 * The `kcdl` command line:
 *   kcdl list
 *   kcdl run <experiment…|all> [--preset smoke|cpu|paper] [--seed N] [--out DIR]
 *                              [--backend auto|tensorflow|wasm|cpu] [--set key=value …] [--resume]
 * Bad input prints one line naming the valid choices and exits with status 2; an interrupted run
 * (Ctrl-C, SIGTERM) writes its checkpoints, prints the command that resumes it and exits with 130.
 */
import { Command, CommanderError, Option } from "commander";
import { experiments, getExperiment } from "./experiments/registry";
import { PRESETS } from "./experiments/experiment";
import { loadResults, render, runExperiment } from "./experiments/runner";
import * as fs from "node:fs";
import * as path from "node:path";
import { BACKENDS } from "./core/backend";
import { parseSettings } from "./core/config";
import { KcdlError, UsageError } from "./core/errors";
import { InterruptedError } from "./core/interrupt";
import { terminalProgress } from "./core/progress";
import { kcdlVersion } from "./core/io";
import { writeIndex } from "./report/index-page";
import { closeSharedRenderer } from "./report/static-export";

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
      for (const e of Object.values(experiments)) process.stdout.write(`${e.name.padEnd(16)} ${e.reproduces.padEnd(22)} ${e.title}\n`);
    });

  cmd
    .command("run")
    .description("run experiments and write results.json, figures and tables to <out>/<experiment>/")
    .argument("<experiments...>", `experiment names, or 'all' (${Object.keys(experiments).join(", ")})`)
    .addOption(new Option("--preset <name>", "configuration preset").choices(PRESETS).default("cpu"))
    .option("--seed <n>", "run seed; fixes every random stream", "1")
    .option("--out <dir>", "output root", "figures")
    .addOption(new Option("--backend <name>", "tfjs backend").choices(BACKENDS).default("auto"))
    .option("--set <key=value>", "override a config field, e.g. --set optimize.steps=500 (repeatable)", (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option("--no-images", "skip PNG/SVG export through headless Chromium")
    .option("--resume", "continue interrupted training from <out>/<experiment>/checkpoints/ (same preset, seed and settings)")
    .action(async (names: string[], o: { preset: string; seed: string; out: string; backend: string; set: string[]; images: boolean; resume?: boolean }) => {
      const seed = Number(o.seed);
      if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed expects a non-negative integer, got '${o.seed}'`);
      const selected = names.includes("all") ? Object.keys(experiments) : names.map((n) => getExperiment(n).name);
      const overrides = parseSettings(o.set);
      try {
        for (const [i, name] of selected.entries()) {
          try {
            await runExperiment(name, { preset: o.preset, seed, out: o.out, backend: o.backend, overrides, progress: terminalProgress(), staticImages: o.images, resume: o.resume ?? false });
          } catch (err) {
            if (!(err instanceof InterruptedError)) throw err;
            // the exact command that continues (exit status 130)
            const again = ["kcdl", "run", ...selected.slice(i), "--preset", o.preset, "--seed", String(seed), "--out", o.out, ...(o.backend === "auto" ? [] : ["--backend", o.backend]), ...o.set.flatMap((v) => ["--set", v]), ...(o.images ? [] : ["--no-images"]), "--resume"];
            throw new InterruptedError(`${err.message.replace(/ To continue from step.*$/, "")} To continue: ${again.join(" ")}`, err.signal);
          }
        }
        process.stderr.write(`index: ${writeIndex(o.out)}\n`);
      } finally {
        await closeSharedRenderer();
      }
    });

  cmd
    .command("render")
    .description("re-draw figures and tables from existing <out>/<experiment>/results.json (no re-run)")
    .argument("<experiments...>", "experiment names, or 'all' (those with results under --out)")
    .option("--out <dir>", "output root holding the results", "figures")
    .option("--no-images", "skip PNG/SVG export through headless Chromium")
    .action(async (names: string[], o: { out: string; images: boolean }) => {
      const selected = names.includes("all")
        ? Object.keys(experiments).filter((n) => fs.existsSync(path.join(o.out, n, "results.json")))
        : names.map((n) => getExperiment(n).name);
      try {
        for (const name of selected) {
          const files = await render(getExperiment(name), loadResults(name, o.out), path.join(o.out, name), o.images);
          process.stderr.write(`${name}: ${files.length} files re-drawn\n`);
        }
        process.stderr.write(`index: ${writeIndex(o.out)}\n`);
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
