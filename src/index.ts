/**
 * kcdl — description-length objectives for Transformers (Shaw et al., 2025).
 * The public API, by layer (imports point downward only):
 *   experiments → train → codes → core;  report renders results.
 * Notebooks import this module's build: `import * as kcdl from "../dist/index"`.
 */

// core: backend choice, seeded randomness, config, progress, atomic output
export { initBackend, activeBackend, BACKENDS, tf } from "./core/backend";
export type { BackendInfo, BackendName } from "./core/backend";
export { rngStream, opSeed } from "./core/rng";
export type { Rng } from "./core/rng";
export { resolveConfig, parseSettings } from "./core/config";
export type { DeepPartial } from "./core/config";
export { KcdlError, UsageError } from "./core/errors";
export { InterruptedError, interruptScope, yieldToEventLoop } from "./core/interrupt";
export { silentProgress, terminalProgress } from "./core/progress";
export type { Progress } from "./core/progress";
export { writeFileAtomic, writeJsonAtomic } from "./core/io";

// codes: GMM description lengths in bits (B.9)
export * from "./codes/gmm";
export * from "./codes/kl";
export * from "./codes/quadrature";
export * from "./codes/optimal-prior";
export * from "./codes/codelength";
export * from "./codes/bit-code";
export { normalCdf, normalSf, normalQuantile, normalPdf } from "./codes/normal";

// train: optimiser and schedule (C.1), the MLE/variational loop, checkpoints
export { ScheduledAdam, learningRateAt } from "./train/adam";
export type { ScheduleOptions, AdamState } from "./train/adam";
export { Trainer, checkTrainOptions, OBJECTIVES } from "./train/trainer";
export type { TrainOptions, TrainProblem, TrainModel, TrainResult, CurvePoint, Objective, TrainerArgs } from "./train/trainer";
export type { ProblemSource } from "./train/gradient-workers";
export { configHash, loadCheckpoint, saveCheckpoint } from "./train/checkpoint";
export type { Checkpoint } from "./train/checkpoint";

// variational: posterior and adaptive GMM priors over a parameter tree, KL per group (eq. 86)
export * from "./variational";

// nn and tasks: the MLP of C.2 and the identity task
export * from "./nn/mlp";
export * from "./tasks/identity";

// nn and alta: the looped Transformer of C.1 and the ALTA-style program compiler (B.5.4, C.1)
export * as transformer from "./nn/transformer";
export * as alta from "./alta";

// zmap: prefix Turing machines → Transformer weights (B.5), Theorem 2's KL (B.10)
export * as zmap from "./zmap/index";

// tasks: the parity datasets of C.1
export * as parityData from "./tasks/parity-data";

// experiments: one module per figure/table, and the runner
export { experiments, getExperiment } from "./experiments/registry";
export { runExperiment, render, loadResults, resolveExperimentConfig, writeResults } from "./experiments/runner";
export type { RunOptions, RunOutput } from "./experiments/runner";
export { PRESETS } from "./experiments/experiment";
export type { Experiment, Preset, Results } from "./experiments/experiment";
export * as bitEncoding from "./experiments/bit-encoding";
export * as mlpIdentity from "./experiments/mlp-identity";
export * as zmapExperiment from "./experiments/zmap";
export * as parityExperiment from "./experiments/parity";
export { paperReference } from "./experiments/paper-reference";

// report: figures and tables to files and to notebooks
export * from "./report";
