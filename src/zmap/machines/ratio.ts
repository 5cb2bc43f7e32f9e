/**
 * `ratio`: a prefix machine whose logits are proper rationals with signs, to
 * exercise the whole of eq. 28 and its decoding (B.5.3). Its program is one
 * bit p (a fixed-length, hence prefix-free, code); on input x with n₁ ones and
 * n₀ zeros it outputs
 *
 *   logit 0 = (−1)^p · n₁ / (n₀ + 1),   logit 1 = −n₀.
 *
 * It writes the sign bits, scans right writing a numerator 1 on tape 0 per
 * input 1, writes tape 0's separating 0 at END, then scans back left writing a
 * denominator 1 on tape 0 and a numerator 1 on tape 1 per input 0, and closes
 * tape 1 at the input tape's START. About 3n + 5 steps; tape 0 needs n + 2 cells.
 */
import type { PrefixIn, PrefixMachine, PrefixOut } from "../prefix-machine";
import { StateTable } from "./states";

const S = new StateTable(["start", "sign0", "sign1", "signTape1", "scan", "back", "backTape1", "done"]);

function transition(i: PrefixIn): PrefixOut | undefined {
  switch (S.name(i.state)) {
    case "start":
      return { state: S.id(`sign${i.program}`) }; // the last (only) bit: read, not advanced past
    case "sign0":
    case "sign1":
      return { state: S.id("signTape1"), output: { tape: 0, bit: S.name(i.state) === "sign1" ? 1 : 0 } };
    case "signTape1":
      return { state: S.id("scan"), output: { tape: 1, bit: 1 }, inputMove: 1 };
    case "scan":
      if (i.input === "END") return { state: S.id("back"), output: { tape: 0, bit: 0 }, inputMove: -1 };
      return { state: S.id("scan"), inputMove: 1, ...(i.input === 1 ? { output: { tape: 0, bit: 1 } as const } : {}) };
    case "back":
      if (i.input === "START") return { state: S.id("done"), output: { tape: 1, bit: 0 }, halt: true };
      if (i.input === 0) return { state: S.id("backTape1"), output: { tape: 0, bit: 1 } };
      return { state: S.id("back"), inputMove: -1 };
    case "backTape1":
      return { state: S.id("back"), output: { tape: 1, bit: 1 }, inputMove: -1 };
    case "done":
      return { state: i.state, halt: true };
  }
  return undefined;
}

export const ratio: PrefixMachine = {
  name: "ratio",
  description: "1-bit program p: logit 0 = (−1)^p · #ones / (#zeros + 1), logit 1 = −#zeros",
  states: S.size,
  inputSymbols: 2,
  workSymbols: 1,
  outputs: 2,
  transition,
};

/** The logits `ratio` should output (the test oracle, written without the machine). */
export function ratioOracle(p: 0 | 1, x: readonly number[]): number[] {
  const ones = x.filter((b) => b === 1).length;
  const zeros = x.length - ones;
  return [(p ? -1 : 1) * (ones / (zeros + 1)), -zeros];
}
