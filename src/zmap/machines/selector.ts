/**
 * `selector`: a prefix machine whose 2-bit program selects which function of a
 * binary input it computes (so one Transformer computes different functions
 * under different prompts, B.5.6):
 *
 *   z = 00 → class 0 · 01 → class 1 · 10 → the first bit (0 when empty) · 11 → parity.
 *
 * Output: two tapes (|Y| = 2), logit +1 for the chosen class and 0 for the other
 * (eq. 28 codes 0,1,0 and 0,0). The fixed-length code is prefix-free; the head
 * reads the second bit without advancing past it.
 */
import type { PrefixIn, PrefixMachine, PrefixOut } from "../prefix-machine";
import { StateTable, oneHotLogitWrites } from "./states";

const WRITES = [oneHotLogitWrites(0, 2), oneHotLogitWrites(1, 2)];

const S = new StateTable([
  "start",
  "sel0",
  "sel1",
  "first",
  "parity0",
  "parity1",
  ...[0, 1].flatMap((c) => WRITES[c].map((_, k) => `out${c}_${k}`)),
]);

function out(c: number): PrefixOut {
  return { state: S.id(`out${c}_0`) };
}

function transition(i: PrefixIn): PrefixOut | undefined {
  const name = S.name(i.state);
  switch (name) {
    case "start":
      return { state: S.id(`sel${i.program}`), advance: true };
    case "sel0":
    case "sel1": {
      const f = 2 * Number(name === "sel1") + i.program;
      if (f === 0) return out(0);
      if (f === 1) return out(1);
      return { state: S.id(f === 2 ? "first" : "parity0"), inputMove: 1 };
    }
    case "first":
      return out(i.input === 1 ? 1 : 0);
    case "parity0":
    case "parity1": {
      const acc = name === "parity1" ? 1 : 0;
      if (i.input === "END") return out(acc);
      return { state: S.id(`parity${acc ^ (i.input === 1 ? 1 : 0)}`), inputMove: 1 };
    }
  }
  const m = /^out(\d)_(\d)$/.exec(name);
  if (m) {
    const c = Number(m[1]);
    const k = Number(m[2]);
    const last = k === WRITES[c].length - 1;
    return { state: last ? i.state : S.id(`out${c}_${k + 1}`), output: WRITES[c][k], halt: last };
  }
  return undefined;
}

export const selector: PrefixMachine = {
  name: "selector",
  description: "2-bit program selects: 00 class 0, 01 class 1, 10 first bit, 11 parity",
  states: S.size,
  inputSymbols: 2,
  workSymbols: 1,
  outputs: 2,
  transition,
};

/** The selector's programs, by the function they select. */
export const selectorPrograms: Record<string, (0 | 1)[]> = {
  zero: [0, 0],
  one: [0, 1],
  first: [1, 0],
  parity: [1, 1],
};

/** The selector's intended function (the test oracle, written without the machine). */
export function selectorOracle(program: string, x: readonly number[]): number {
  switch (program) {
    case "zero":
      return 0;
    case "one":
      return 1;
    case "first":
      return x.length > 0 && x[0] === 1 ? 1 : 0;
    default:
      return x.reduce((a, b) => a ^ b, 0);
  }
}
