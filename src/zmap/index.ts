/**
 * zmap (B.5) and Theorem 2 (B.10): prefix Turing machines, their simulator,
 * the emulator programs, their compilation to Transformer weights, and the
 * KL accounting of the asymptotically optimal code.
 */
export * from "./prefix-machine";
export * from "./logit-code";
export * from "./theorem2";
export * from "./prefix-program";
export { zmap, zmapTheorem2, mappingFn, ZMAP_COMPILE } from "./zmap";
export type { Zmap } from "./zmap";
export * as singleTape from "./single-tape";
export { singleTapeProgram } from "./single-tape-program";
export { selector, selectorPrograms, selectorOracle } from "./machines/selector";
export { bitlang, assemble, bitlangOracle } from "./machines/bitlang";
export { ratio, ratioOracle } from "./machines/ratio";
export { increment, bounceComplement } from "./machines/single-tape-examples";
export { StateTable, oneHotLogitWrites } from "./machines/states";
export * from "./enumeration";
