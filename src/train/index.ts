/** The training layer: Adam with the C.1 schedule, the MLE/variational loop, checkpoints. */
export * from "./adam";
export * from "./trainer";
export * from "./checkpoint";
export * from "./micro-batch";
export type { ProblemSource } from "./gradient-workers";
