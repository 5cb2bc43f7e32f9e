/** tasks: deterministic datasets — the identity task of C.2 and the parity splits of C.1. */
export * as identity from "./identity";
export * as parity from "./parity-data";
