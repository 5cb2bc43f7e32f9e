/**
 * What an experiment is: typed defaults with per-field comments, presets that
 * hold only their overrides, an expensive `run` that returns metrics, and cheap
 * pure `figures`/`tables` that render a results object (so a notebook can
 * restyle committed results without re-running anything).
 */
import type { BackendInfo } from "../core/backend";
import type { DeepPartial } from "../core/config";
import type { Progress } from "../core/progress";
import type { FigureSpec } from "../report/figure";
import type { Table } from "../report/table";

export const PRESETS = ["smoke", "cpu", "paper"] as const;
/** smoke: seconds, for tests and CI; cpu: faithful on a 2-core laptop; paper: the paper's hyperparameters. */
export type Preset = (typeof PRESETS)[number];

/** What `run` gets besides its config. */
export interface RunContext {
  /** The run seed; every random stream derives from it (core/rng.ts). */
  seed: number;
  backend: BackendInfo;
  progress: Progress;
  /** Folder for training checkpoints (none: no checkpoints). */
  checkpointDir?: string;
  /** Continue from the checkpoints in `checkpointDir` (`kcdl run --resume`); otherwise training starts over. */
  resume?: boolean;
}

/** The header every results.json carries (design.md, results contract). */
export interface ResultsHeader<C> {
  experiment: string;
  preset: Preset | "custom";
  seed: number;
  backend: string;
  kcdlVersion: string;
  startedAt: string;
  durationS: number;
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
  defaults: C;
  presets: Record<Preset, DeepPartial<C>>;
  run(config: C, ctx: RunContext): Promise<M>;
  figures(results: Results<C, M>): Record<string, FigureSpec>;
  tables(results: Results<C, M>): Record<string, Table>;
}

// eslint-style escape hatch for the registry, which holds experiments of different config types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyExperiment = Experiment<any, any>;
