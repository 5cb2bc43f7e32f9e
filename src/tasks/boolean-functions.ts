/**
 * Label functions on binary strings (variable length, possibly empty), the targets of the
 * asymptotics experiment's K_{T,R}(f) and its datasets. Each is written directly, so it is an
 * independent oracle for what an enumerated program decides. Some are linear over GF(2) in fixed
 * positions (which `bitlang` can express), some are not (`last`, `one`, `majority`).
 */
import { assertChoice } from "../core/errors";

const xor = (x: readonly number[], keep: (i: number) => boolean) => x.reduce((a, b, i) => (keep(i) ? a ^ b : a), 0);

export const BOOLEAN_FUNCTIONS = {
  /** 0 everywhere. */
  zero: (_x: readonly number[]) => 0,
  /** 1 everywhere. */
  one: (_x: readonly number[]) => 1,
  /** x₁ (0 on the empty string). */
  first: (x: readonly number[]) => x[0] ?? 0,
  /** x₂ (0 when absent). */
  second: (x: readonly number[]) => x[1] ?? 0,
  /** x₁ ⊕ x₂. */
  "first-xor-second": (x: readonly number[]) => (x[0] ?? 0) ^ (x[1] ?? 0),
  /** x₁ ⊕ x₂ ⊕ … ⊕ x_n. */
  parity: (x: readonly number[]) => xor(x, () => true),
  /** x₁ ⊕ x₃ ⊕ x₅ ⊕ …. */
  "odd-positions": (x: readonly number[]) => xor(x, (i) => i % 2 === 0),
  /** x₂ ⊕ x₄ ⊕ …. */
  "even-positions": (x: readonly number[]) => xor(x, (i) => i % 2 === 1),
  /** x_n (0 on the empty string). */
  last: (x: readonly number[]) => (x.length ? x[x.length - 1] : 0),
  /** 1 when more than half the bits are 1. */
  majority: (x: readonly number[]) => (2 * x.reduce((a, b) => a + b, 0) > x.length ? 1 : 0),
} as const;

export type BooleanFunctionName = keyof typeof BOOLEAN_FUNCTIONS;
export const BOOLEAN_FUNCTION_NAMES = Object.keys(BOOLEAN_FUNCTIONS) as BooleanFunctionName[];

/** The label function `name`, or a UsageError naming the valid ones. */
export function booleanFunction(name: string): (x: readonly number[]) => number {
  return BOOLEAN_FUNCTIONS[assertChoice("label function", name, BOOLEAN_FUNCTION_NAMES)];
}

/** Every binary string of length 0 … n, shortest first, each length in lexicographic order. */
export function binaryStrings(n: number): number[][] {
  const out: number[][] = [[]];
  for (let len = 1; len <= n; len++) for (let v = 0; v < 1 << len; v++) out.push(Array.from({ length: len }, (_, k) => (v >> (len - 1 - k)) & 1));
  return out;
}
