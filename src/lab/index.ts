/** lab: what an experiment is, its config schema and vocabulary, the registry, the runner, sweeps, claims, README rendering. */
export * from "./experiment";
export * from "./schema";
export * as vocabulary from "./vocabulary";
export * from "./claims";
export * from "./registry";
export * from "./runner";
export * from "./describe";
export * from "./readme";
export * from "./notebook";
export { paperReference } from "./paper-reference";
export type { PaperReference } from "./paper-reference";
export * from "./output";
export * from "./sweep";
