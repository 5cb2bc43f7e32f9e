/**
 * Two more sequential programs in the style of C.1's parity (right to left, one layer per
 * position, the answer at SEP after n + 1 layers), for the codes experiment's tasks beyond parity:
 *
 * - `thresholdProgram(k)`: whether at least k of the input bits are 1. `count` (categorical, k + 1
 *   values) holds the number of ones of the suffix, saturated at k; `atLeast` (binary class 0/1)
 *   is updated in the same rule, so both arrive at SEP together;
 * - `onesModProgram(m)`: the number of ones mod m (m classes). Unlike `modularSumProgram(m)`, whose
 *   inputs are digits 0 … m − 1, the inputs are bits.
 *
 * Heads: `xRight` and `doneRight` read position i + 1 (T5 relative bias, C.1). Rule: if done = 0
 * and doneRight = 1 then done ← 1 and the accumulator combines with its right neighbour's.
 */
import { UsageError } from "../../core/errors";
import { Program, ProgramBuilder, Updates } from "../program";

/** Whether at least `k` input bits are 1 (module doc). */
export function thresholdProgram(k: number, name = `at-least-${k}`): Program {
  if (!Number.isInteger(k) || k < 1) throw new UsageError(`thresholdProgram: k must be an integer ≥ 1, got ${k}`);
  return new ProgramBuilder(name, 2)
    .categorical("count", k + 1, { init: (t) => (t.kind === "input" ? Math.min(k, t.index) : 0) })
    .categorical("atLeast", 2, { init: (t) => t.kind === "input" && t.index >= k })
    .categorical("done", 2, { init: (t) => t.kind === "end" })
    .relative("countRight", "count", +1)
    .relative("doneRight", "done", +1)
    .mlp("step", ["done", "doneRight", "count", "countRight", "atLeast"], (x): Updates => {
      if (x.done !== 0 || x.doneRight !== 1) return {};
      const c = Math.min(k, x.count + x.countRight);
      return { done: 1, count: c, atLeast: c >= k ? 1 : 0 };
    })
    .output("atLeast")
    .build();
}

/** The number of input bits equal to 1, mod `m` (module doc). */
export function onesModProgram(m: number, name = `ones-mod-${m}`): Program {
  if (!Number.isInteger(m) || m < 2) throw new UsageError(`onesModProgram: m must be an integer ≥ 2, got ${m}`);
  return new ProgramBuilder(name, 2)
    .categorical("count", m, { init: (t) => (t.kind === "input" ? t.index % m : 0) })
    .categorical("done", 2, { init: (t) => t.kind === "end" })
    .relative("countRight", "count", +1)
    .relative("doneRight", "done", +1)
    .mlp("step", ["done", "doneRight", "count", "countRight"], (x): Updates => (x.done === 0 && x.doneRight === 1 ? { done: 1, count: (x.count + x.countRight) % m } : {}))
    .output("count")
    .build();
}
