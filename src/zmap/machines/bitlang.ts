/**
 * `bitlang`: a prefix machine that interprets a small self-delimiting
 * programming language over binary inputs. Programs are sequences of 2-bit
 * instructions ending at the first `11`:
 *
 *   00 FLIP  flip the accumulator if the input symbol under the head is 1
 *   01 NEXT  move the input head right; at END, stop and output the accumulator
 *   10 LOOP  jump back to the first instruction
 *   11 OUT   stop and output the accumulator (also ends the program text)
 *
 * The accumulator starts at 0 and the input head on START. Output: class =
 * accumulator, as logit +1 on that class's tape and 0 on the other (|Y| = 2).
 * Examples: parity = NEXT FLIP LOOP OUT (01 00 10 11); first bit = 01 00 11;
 * second bit = 01 01 00 11; LOOP OUT (10 11) never halts.
 *
 * Because the program tape is read once, left to right (B.3), the machine
 * first copies z onto the work tape behind a marker, then interprets the copy,
 * rewinding to the marker on LOOP: the same design as a universal prefix
 * machine, though this language is not universal (one bit of memory, one-way
 * input). It needs R_s ≥ |z| + 2 work cells.
 */
import type { PrefixIn, PrefixMachine, PrefixOut } from "../prefix-machine";
import { StateTable, oneHotLogitWrites } from "./states";

const BLANK = 0;
const MARK = 3;
/** Work symbol for a copied program bit b. */
const bitSym = (b: number) => 1 + b;

const WRITES = [oneHotLogitWrites(0, 2), oneHotLogitWrites(1, 2)];

const S = new StateTable([
  "init",
  "copy1",
  "copy2_0",
  "copy2_1",
  ...[0, 1].flatMap((a) => [`rewind${a}`, `fetch1_${a}`, `fetch2_${a}_0`, `fetch2_${a}_1`, `check${a}`]),
  ...[0, 1].flatMap((c) => WRITES[c].map((_, k) => `out${c}_${k}`)),
]);

const out = (acc: number): PrefixOut => ({ state: S.id(`out${acc}_0`) });

function transition(i: PrefixIn): PrefixOut | undefined {
  const name = S.name(i.state);
  let m: RegExpExecArray | null;
  if (name === "init") return { state: S.id("copy1"), work: MARK, workMove: 1 };
  if (name === "copy1") return { state: S.id(`copy2_${i.program}`), work: bitSym(i.program), workMove: 1, advance: true };
  if ((m = /^copy2_(\d)$/.exec(name))) {
    const last = m[1] === "1" && i.program === 1; // the first `11` ends the program: do not advance past it
    return last
      ? { state: S.id("rewind0"), work: bitSym(i.program), workMove: -1 }
      : { state: S.id("copy1"), work: bitSym(i.program), workMove: 1, advance: true };
  }
  if ((m = /^rewind(\d)$/.exec(name))) {
    if (i.work === MARK) return { state: S.id(`fetch1_${m[1]}`), workMove: 1 };
    if (i.work === BLANK) return undefined; // unreachable: the copy is contiguous
    return { state: i.state, workMove: -1 };
  }
  if ((m = /^fetch1_(\d)$/.exec(name))) {
    if (i.work !== bitSym(0) && i.work !== bitSym(1)) return undefined; // unreachable: execution stops at OUT
    return { state: S.id(`fetch2_${m[1]}_${i.work - 1}`), workMove: 1 };
  }
  if ((m = /^fetch2_(\d)_(\d)$/.exec(name))) {
    if (i.work !== bitSym(0) && i.work !== bitSym(1)) return undefined;
    const acc = Number(m[1]);
    const op = 2 * Number(m[2]) + (i.work - 1);
    if (op === 0) return { state: S.id(`fetch1_${acc ^ (i.input === 1 ? 1 : 0)}`), workMove: 1 }; // FLIP
    if (op === 1) return { state: S.id(`check${acc}`), inputMove: 1, workMove: 1 }; // NEXT
    if (op === 2) return { state: S.id(`rewind${acc}`), workMove: -1 }; // LOOP
    return out(acc); // OUT
  }
  if ((m = /^check(\d)$/.exec(name))) return i.input === "END" ? out(Number(m[1])) : { state: S.id(`fetch1_${m[1]}`) };
  if ((m = /^out(\d)_(\d)$/.exec(name))) {
    const c = Number(m[1]);
    const k = Number(m[2]);
    const last = k === WRITES[c].length - 1;
    return { state: last ? i.state : S.id(`out${c}_${k + 1}`), output: WRITES[c][k], halt: last };
  }
  return undefined;
}

export const bitlang: PrefixMachine = {
  name: "bitlang",
  description: "interpreter for 2-bit instructions FLIP/NEXT/LOOP/OUT, program ends at the first 11",
  states: S.size,
  inputSymbols: 2,
  workSymbols: 4,
  outputs: 2,
  transition,
};

/** Assembles mnemonics into a bitlang program, e.g. `assemble("NEXT FLIP LOOP OUT")`. */
export function assemble(source: string): (0 | 1)[] {
  const ops: Record<string, (0 | 1)[]> = { FLIP: [0, 0], NEXT: [0, 1], LOOP: [1, 0], OUT: [1, 1] };
  const words = source.trim().split(/\s+/);
  const bits: (0 | 1)[] = [];
  for (const [k, w] of words.entries()) {
    const code = ops[w.toUpperCase()];
    if (!code) throw new Error(`unknown bitlang instruction '${w}' (FLIP, NEXT, LOOP, OUT)`);
    bits.push(...code);
    if (w.toUpperCase() === "OUT" && k !== words.length - 1) throw new Error("OUT ends a bitlang program; nothing may follow it");
  }
  if (words[words.length - 1].toUpperCase() !== "OUT") bits.push(1, 1);
  return bits;
}

/**
 * The language's meaning, written directly (the test oracle): runs the
 * instructions on x for at most `maxOps` instructions; undefined if it has not
 * stopped by then.
 */
export function bitlangOracle(program: readonly number[], x: readonly number[], maxOps = 10_000): number | undefined {
  const ops: number[] = [];
  for (let k = 0; k + 1 < program.length; k += 2) {
    const op = 2 * program[k] + program[k + 1];
    ops.push(op);
    if (op === 3) break;
  }
  let acc = 0;
  let head = 0; // 0 = START, 1…n = x, n + 1 = END
  let pc = 0;
  for (let n = 0; n < maxOps; n++) {
    const op = ops[pc];
    if (op === 0) acc ^= head >= 1 && head <= x.length && x[head - 1] === 1 ? 1 : 0;
    else if (op === 1) {
      head = Math.min(head + 1, x.length + 1);
      if (head === x.length + 1) return acc;
    } else if (op === 2) {
      pc = 0;
      continue;
    } else return acc;
    pc++;
  }
  return undefined;
}
