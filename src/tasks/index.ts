/** tasks: deterministic datasets — the identity task of C.2, the parity splits of C.1, label functions and classification tasks on bit strings. */
export * as identity from "./identity";
export * as parity from "./parity-data";
export * as booleanFunctions from "./boolean-functions";
export * as sequenceTasks from "./sequence-tasks";
