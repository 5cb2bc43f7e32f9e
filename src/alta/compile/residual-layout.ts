/**
 * Residual layout (B.5.4, C.1): every variable gets its own block of residual
 * dims, in declaration order (user variables, then head outputs), and a value
 * is encoded in its block as
 * - categorical(r): signed one-hot, +s at the value and −s elsewhere (C.1), r dims;
 * - binary: 0 or s in one dim (B.5.4's binary variables);
 * - numerical: εx in one dim (B.5.4: no buckets, so one dim whatever x);
 * - null: zeros.
 */
import { Program, Value, VariableSpec } from "../program";

/** Where a variable lives in the residual stream. */
export interface VariableLayout {
  spec: VariableSpec;
  /** First residual dim. */
  start: number;
  /** Number of dims (range for categorical, 1 otherwise). */
  dims: number;
}

/** Residual dims of a variable. */
export const dimsOf = (v: VariableSpec): number => (v.kind === "categorical" ? v.range : 1);

/** The encoding enc(value) of a variable (length dimsOf), scaled by s; null = zeros. */
export function encode(v: VariableSpec, value: Value, s: number, eps: number): number[] {
  if (value === null) return new Array(dimsOf(v)).fill(0);
  if (v.kind === "categorical") return Array.from({ length: v.range }, (_, i) => (i === value ? s : -s));
  if (v.kind === "binary") return [value * s];
  return [value * eps];
}

/** Assigns residual dims to the program's variables, one block each in declaration order (B.5.4 binary and numerical variables in one dim, C.1 signed one-hot categoricals; module doc). */
export function residualLayout(program: Program): VariableLayout[] {
  const layout: VariableLayout[] = [];
  let start = 0;
  for (const v of program.variables) {
    layout.push({ spec: v, start, dims: dimsOf(v) });
    start += dimsOf(v);
  }
  return layout;
}

/** The layout of variable `name` (which the program declares). */
export const slot = (layout: readonly VariableLayout[], name: string): VariableLayout => layout.find((l) => l.spec.name === name)!;

/** Head outputs with residual dims the MLP resets and restores: categorical and binary ones. */
export const resettableHeadOutputs = (layout: readonly VariableLayout[]): VariableLayout[] =>
  layout.filter((l) => l.spec.role === "head" && l.spec.kind !== "numerical");
