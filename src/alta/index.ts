/** ALTA-style programs, their interpreter and the compiler to looped-Transformer weights (B.5.4, C.1). */
export * from "./program";
export * from "./rules";
export * from "./interpreter";
export * from "./compiler";
export { parityProgram, modularSumProgram, parityLayersNeeded } from "./programs/parity";
export { lastBitProgram } from "./programs/last-bit";
export * from "./inspect";
export { thresholdProgram, onesModProgram } from "./programs/counters";
