/**
 * The sequential parity program of C.1: ALTA's parity algorithm with relative
 * positions (Shaw et al. 2024), iterating right to left so the answer ends at
 * SEP, where the model's logits are read. One layer per position:
 * - `done` = 1 only at END; `parity` = the input bit (0 at START, prompts, SEP, END);
 * - heads `parityRight` = parity at i + 1 and `doneRight` = done at i + 1;
 * - rule: if done = 0 and doneRight = 1 then done ← 1 and parity ← parity ⊕ parityRight.
 * After ℓ layers the last ℓ positions before END are done and hold the parity of
 * their suffix; SEP is done after n + 1 layers (C.1 runs 42 ≥ 41 for n ≤ 40).
 * Compiled: 8 residual dims, 2 heads, 7 MLP hidden units (3 rules + 4 resets).
 *
 * `modularSumProgram(k)` generalises it to the sum of digits 0…k−1 mod k
 * (k = 2 is parity), to exercise categorical ranges above 2.
 */
import { Program, ProgramBuilder, Updates } from "../program";

/** Sum of the input digits mod `modulus`, accumulated right to left into SEP (k = 2: parity, C.1). */
export function modularSumProgram(modulus: number, name = `sum-mod-${modulus}`): Program {
  return new ProgramBuilder(name, modulus)
    .categorical(modulus === 2 ? "parity" : "sum", modulus, { init: (t) => (t.kind === "input" ? t.index : 0) })
    .categorical("done", 2, { init: (t) => t.kind === "end" })
    .relative(modulus === 2 ? "parityRight" : "sumRight", modulus === 2 ? "parity" : "sum", +1)
    .relative("doneRight", "done", +1)
    .mlp("step", ["done", "doneRight", modulus === 2 ? "parity" : "sum", modulus === 2 ? "parityRight" : "sumRight"], (x): Updates => {
      const acc = modulus === 2 ? "parity" : "sum";
      if (x.done === 0 && x.doneRight === 1) return { done: 1, [acc]: (x[acc] + x[`${acc}Right`]) % modulus };
      return {};
    })
    .output(modulus === 2 ? "parity" : "sum")
    .build();
}

/** The C.1 parity program (right-to-left sequential parity with relative heads). */
export function parityProgram(): Program {
  return modularSumProgram(2, "parity");
}

/** Layers the parity program needs for an input of length n: n + 1 (SEP is done then). */
export const parityLayersNeeded = (n: number): number => n + 1;
