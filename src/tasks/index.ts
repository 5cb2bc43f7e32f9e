/** tasks: deterministic datasets — the identity task of C.2, the parity splits of C.1, label functions on binary strings. */
export * as identity from "./identity";
export * as parity from "./parity-data";
export * as booleanFunctions from "./boolean-functions";
