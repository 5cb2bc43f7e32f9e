/**
 * Every program of a prefix machine up to a length L, run on a fixed input set: the finite
 * universe on which the resource-bounded quantities of Section 4 are exact.
 *
 *  - 𝒵_{T,R} (Theorem 1, Section 4.1): the programs z on which T halts within R_t steps and R_s
 *    cells of every tape, for every input of the set. A run within R is the run within a larger
 *    R_max cut short, so one run per (z, x) at R_max gives, for every R ≤ R_max, whether z ∈ 𝒵_{T,R}:
 *    z ∈ 𝒵_{T,R} ⇔ it halts at R_max on every input with max steps ≤ R_t and max space ≤ R_s
 *    (`withinBounds`; the test checks this against the simulator run at R itself).
 *  - K_{T,R}(f) (Definition 3): the shortest z ∈ 𝒵_{T,R} whose model function f_T^z (eq. 29) decides
 *    the labels f; `kBits`.
 *
 * The enumeration walks the binary tree of strings: z is extended by one bit when the program head
 * advances past its last bit on some input (B.3: z is not yet a complete program, status `overrun`);
 * when some input fails for another reason (timeout, space, an invalid output), z is pruned with its
 * whole subtree — an extension runs identically on that input up to the same failure, so no
 * extension is in any 𝒵_{T,R} with R ≤ R_max. The programs kept are prefix-free, so Σ 2^{−|z|} ≤ 1
 * (Kraft), and the prior 2^{−|z|} of Proposition 1's universal code is a semimeasure on them.
 */
import { UsageError } from "../core/errors";
import type { Progress } from "../core/progress";
import { Bounds, PrefixMachine, RunStatus, checkBounds, runPrefix } from "./prefix-machine";

/** What one run at R_max used: its status, steps, cells (the largest of |z|, work cells reached, output cells written), logits. */
export interface ResourceUse {
  status: RunStatus;
  steps: number;
  space: number;
  logits?: number[];
}

/** T(x, z) at `bounds`, with the space it used (module doc). */
export function resourceUse(m: PrefixMachine, input: readonly number[], z: readonly number[], bounds: Bounds): ResourceUse {
  const r = runPrefix(m, input, z, bounds, { trace: true });
  let space = z.length;
  for (const c of r.trace!) {
    space = Math.max(space, c.workHead + 1);
    for (const o of c.outputs) space = Math.max(space, o.length);
  }
  return { status: r.status, steps: r.steps, space, logits: r.logits };
}

/** A program that halts on every input at R_max: its bits, the most steps and cells any input needs, and its model function. */
export interface EnumeratedProgram {
  /** z as a bit string, e.g. "01001011". */
  z: string;
  bits: number;
  steps: number;
  space: number;
  /** Index into `ProgramTable.functions`. */
  fn: number;
}

/** The enumeration's result (module doc). */
export interface ProgramTable {
  machine: string;
  maxLength: number;
  bounds: Bounds;
  inputs: number[][];
  /** Distinct model functions: the logits on every input, in `inputs` order. */
  functions: { logits: number[][] }[];
  /** The programs that halt on every input within R_max, by length then lexicographically. */
  programs: EnumeratedProgram[];
  /** Strings run; of them pruned (some input fails without overrunning) and left incomplete at length L. */
  counts: { strings: number; halting: number; pruned: number; incomplete: number };
  /** Kraft sum Σ 2^{−|z|} over the halting programs (≤ 1). */
  kraft: number;
}

/** Enumerates every program of `m` up to `maxLength` bits on `inputs` at bounds R_max (module doc). */
export function enumeratePrograms(m: PrefixMachine, inputs: readonly (readonly number[])[], maxLength: number, bounds: Bounds, progress?: Progress): ProgramTable {
  checkBounds(bounds);
  if (!Number.isInteger(maxLength) || maxLength < 1) throw new UsageError(`the largest program length L must be an integer ≥ 1, got ${maxLength}`);
  if (maxLength > bounds.rs) throw new UsageError(`programs of up to L = ${maxLength} bits need R_s ≥ L cells (B.3: the program tape has R_s cells), got R_s = ${bounds.rs}`);
  if (inputs.length === 0) throw new UsageError("the enumeration needs at least one input");
  // longest inputs first: they fail soonest, and a failure prunes the rest
  const order = inputs.map((_, i) => i).sort((a, b) => inputs[b].length - inputs[a].length || a - b);
  const fnIndex = new Map<string, number>();
  const functions: { logits: number[][] }[] = [];
  const programs: EnumeratedProgram[] = [];
  const counts = { strings: 0, halting: 0, pruned: 0, incomplete: 0 };
  let frontier: number[][] = [[0], [1]];
  for (let len = 1; len <= maxLength && frontier.length > 0; len++) {
    progress?.start(`enumerate ${m.name} programs of ${len} bits`, frontier.length);
    const next: number[][] = [];
    frontier.forEach((z, done) => {
      counts.strings++;
      const logits: number[][] = new Array(inputs.length);
      let steps = 0;
      let space = 0;
      let verdict: "halted" | "extend" | "pruned" = "halted";
      for (const i of order) {
        const r = resourceUse(m, inputs[i], z, bounds);
        if (r.status === "overrun") {
          verdict = "extend";
          break;
        }
        if (r.status !== "halted") {
          verdict = "pruned";
          break;
        }
        logits[i] = r.logits!;
        steps = Math.max(steps, r.steps);
        space = Math.max(space, r.space);
      }
      if (verdict === "extend") {
        if (len < maxLength) next.push([...z, 0], [...z, 1]);
        else counts.incomplete++;
      } else if (verdict === "pruned") counts.pruned++;
      else {
        const key = JSON.stringify(logits);
        let fn = fnIndex.get(key);
        if (fn === undefined) {
          fn = functions.length;
          fnIndex.set(key, fn);
          functions.push({ logits });
        }
        programs.push({ z: z.join(""), bits: len, steps, space, fn });
        counts.halting++;
      }
      progress?.update(done + 1, { halting: counts.halting });
    });
    progress?.stop();
    frontier = next;
  }
  programs.sort((a, b) => a.bits - b.bits || (a.z < b.z ? -1 : 1));
  const kraft = programs.reduce((a, p) => a + Math.pow(2, -p.bits), 0);
  return { machine: m.name, maxLength, bounds: { ...bounds }, inputs: inputs.map((x) => [...x]), functions, programs, counts, kraft };
}

/** Whether a program of the table is in 𝒵_{T,R} (R ≤ R_max; module doc). */
export function withinBounds(p: Pick<EnumeratedProgram, "steps" | "space">, bounds: Bounds): boolean {
  return p.steps <= bounds.rt && p.space <= bounds.rs;
}

/** The class a model function gives input i: the strict argmax of its logits, or −1 on a tie. */
export function decidedClass(logits: readonly number[]): number {
  let best = 0;
  for (let k = 1; k < logits.length; k++) if (logits[k] > logits[best]) best = k;
  return logits.some((l, k) => k !== best && l === logits[best]) ? -1 : best;
}

/** Indices of the table's functions that decide `labels` (one label per input, in the table's order). */
export function functionsDeciding(table: ProgramTable, labels: readonly number[]): number[] {
  if (labels.length !== table.inputs.length) throw new UsageError(`${labels.length} labels for ${table.inputs.length} inputs`);
  return table.functions.flatMap((f, i) => (f.logits.every((l, j) => decidedClass(l) === labels[j]) ? [i] : []));
}

/**
 * K_{T,R}(f) (Definition 3) on the finite universe: the bits of the shortest program within R whose
 * model function decides `labels` on every input, and that program; null when no program up to L does.
 */
export function kBits(table: ProgramTable, labels: readonly number[], bounds: Bounds): { bits: number; z: string } | null {
  const fns = new Set(functionsDeciding(table, labels));
  const p = table.programs.find((q) => fns.has(q.fn) && withinBounds(q, bounds)); // programs are sorted by length
  return p ? { bits: p.bits, z: p.z } : null;
}
