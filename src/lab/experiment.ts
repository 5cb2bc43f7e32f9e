/**
 * What an experiment is: a config schema (defaults with a why-doc per field,
 * lab/schema.ts), presets that hold only their overrides, an expensive `run` that
 * returns metrics, and cheap pure renderers of a results object — `figures`,
 * `tables`, `claims` (the paper's statements beside ours) and `readme` (its part
 * of the README's Results section) — so committed results re-render without
 * re-running anything, and no number is ever typed by hand.
 */
import type { BackendInfo } from "../core/backend";
import type { DeepPartial } from "../core/config";
import type { Progress } from "../core/progress";
import type { FigureSpec } from "../report/figure";
import type { Table } from "../report/table";
import type { Schema } from "./schema";
import type { Claim } from "./claims";

export const PRESETS = ["smoke", "cpu", "paper"] as const;
/** smoke: seconds, for tests and CI; cpu: faithful on a 2-core laptop; paper: the paper's hyperparameters. */
export type Preset = (typeof PRESETS)[number];

/** What `run` gets besides its config. */
export interface RunContext {
  /** The run seed; every random stream derives from it (core/rng.ts). */
  seed: number;
  /** The preset the config was resolved from (a study runs other experiments at the same preset). */
  preset: Preset;
  /** The output root the run was given (`--out`), where a study finds other experiments' results; absent: the default layout (lab/output.ts). */
  out?: string;
  backend: BackendInfo;
  progress: Progress;
  /** Folder for training checkpoints (none: no checkpoints). */
  checkpointDir?: string;
  /** Folder for a run's intermediate files that are not results (e.g. the runs of a study's sweeps), ignored by git; none: use a temporary folder. */
  workDir?: string;
  /** Continue from the checkpoints in `checkpointDir` (`kcdl run --resume`); otherwise training starts over. */
  resume?: boolean;
  /**
   * Wall-clock measurements (seconds, throughputs, peak memory), by name: they go to results.json's
   * one `timings` key, never among the metrics, so two runs with the same seed differ only there.
   */
  timings: Record<string, number>;
}

/** results.json's `timings`: when the run started, how long it took, and what the experiment timed. */
export interface Timings {
  startedAt: string;
  durationS: number;
  [name: string]: number | string;
}

/** The header every results.json carries (design.md, results contract). */
export interface ResultsHeader<C> {
  experiment: string;
  preset: Preset;
  /** The overrides the run was given over its preset (`--set`, or a notebook's partial config); {} for none. */
  overrides: DeepPartial<C>;
  seed: number;
  backend: string;
  kcdlVersion: string;
  /** Everything that depends on the clock (the only key that differs between runs with the same seed). */
  timings: Timings;
  /** The resolved config: defaults ← preset ← overrides. */
  config: C;
}

export type Results<C, M> = ResultsHeader<C> & M;

export interface Experiment<C extends object, M extends object> {
  /** CLI name, also the output folder name. */
  name: string;
  /** One line: what it reproduces. */
  title: string;
  /** The paper's artefacts it reproduces, e.g. "Figs. 7–8 (B.9.2)". */
  reproduces: string;
  /** Every config key with its default, type and doc; `ConfigOf<typeof schema>` is `C`. */
  schema: Schema;
  presets: Record<Preset, DeepPartial<C>>;
  /** Checks across fields that the schema cannot express; throws a UsageError. Runs before any work. */
  check?(config: C): void;
  run(config: C, ctx: RunContext): Promise<M>;
  figures(results: Results<C, M>): Record<string, FigureSpec>;
  tables(results: Results<C, M>): Record<string, Table>;
  /** The paper's claims this experiment tests, each beside our measurement. */
  claims(results: Results<C, M>): Claim[];
  /** Markdown for this experiment's part of the README's Results section (rendered from results). */
  readme(results: Results<C, M>): string;
  /**
   * The numbers a sweep (`kcdl sweep`, lab/sweep.ts) aggregates over seeds, by name (e.g.
   * `random/variational.totalBits`); names must be the same for every grid point so their
   * rows line up. Without it a sweep aggregates only the result paths it is given (`--metric`).
   */
  sweepMetrics?(results: Results<C, M>): Record<string, number>;
}

// The registry holds experiments of different config types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each experiment has its own C and M; `unknown` would reject them all
export type AnyExperiment = Experiment<any, any>;

/** The results of some experiment (a parsed results.json): its header is checked by `checkResults`, the rest is that experiment's. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- its shape is the experiment's, so callers read it as their own Results<C, M>
export type AnyResults = any;
