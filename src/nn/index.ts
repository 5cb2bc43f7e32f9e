/** nn: the parameter tree every model declares, the MLP of C.2 and the looped Transformer of C.1. */
export * from "./param-tree";
export * as mlp from "./mlp";
export * as transformer from "./transformer";
