/**
 * kcdl — description-length objectives for Transformers (Shaw et al., 2025).
 * One namespace per layer (imports point downward only):
 *   experiments → lab → train → variational → zmap → alta → nn → codes → tasks → core;
 *   report renders results.
 * Notebooks import this module's build: `import * as kcdl from "../dist/index"`, then
 * e.g. `kcdl.lab.runExperiment("parity", {...})`, `kcdl.codes.klQuadratureBits(...)`.
 */
import "./experiments"; // registers the paper's experiments

export * as core from "./core";
export * as codes from "./codes";
export * as tasks from "./tasks";
export * as nn from "./nn";
export * as alta from "./alta";
export * as zmap from "./zmap";
export * as variational from "./variational";
export * as train from "./train";
export * as slt from "./slt";
export * as lab from "./lab";
export * as experiments from "./experiments";
export * as report from "./report";
