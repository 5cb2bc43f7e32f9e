/**
 * Prefix Turing machines (B.3) and a resource-bounded reference simulator T_R.
 *
 * Tapes:
 *  - input: read-only, `START x₁ … x_n END` (x_i ∈ 0 … |V| − 1); the head starts
 *    on START and never leaves the markers;
 *  - program: read-only, unidirectional, binary, no blanks: the head starts on
 *    z₁ and may only advance. Advancing past the last bit of z means z is not a
 *    complete self-delimiting program (it would read a bit it was not given),
 *    which the simulator reports as `overrun` — B.5.6's "the program halts after
 *    reading the final bit of z and does not move the head … any further";
 *  - work: R_s cells, symbols 0 … W − 1 with 0 the blank; the head starts on
 *    cell 1, stays put when moving left from cell 1, and moving right from
 *    cell R_s exceeds the space bound;
 *  - |Y| output tapes: write-once and unidirectional (each write advances the
 *    head), R_s cells each, holding logits in the encoding of eq. 28.
 *
 * One transition reads (state, input symbol, program bit, work symbol) and may
 * write the work cell, write one bit to one output tape, move the input and
 * work heads, advance the program head, and halt. State 0 is the start state.
 * On halt every output tape must hold a valid eq. 28 code: T_R(e_X(x), z) ∈ dom(e_L).
 */
import { KcdlError } from "../core/errors";
import { decodeLogit, logitValue } from "./logit-code";

/** Input-tape symbols: a token of V, or a boundary marker. */
export type InputSymbol = number | "START" | "END";
/** Head moves: −1 left, 0 stay, +1 right. */
export type Move = -1 | 0 | 1;

/** What a prefix machine's transition reads. */
export interface PrefixIn {
  state: number;
  input: InputSymbol;
  program: 0 | 1;
  work: number;
}

/** What it does. Absent fields: no write, no move, no advance, no halt. */
export interface PrefixOut {
  state: number;
  inputMove?: Move;
  /** Advance the program head to the next bit. */
  advance?: boolean;
  /** Symbol written on the work cell under the head (before it moves). */
  work?: number;
  workMove?: Move;
  /** One bit appended to one output tape. */
  output?: { tape: number; bit: 0 | 1 };
  halt?: boolean;
}

/** A prefix machine T ∈ 𝒯 (B.3). */
export interface PrefixMachine {
  name: string;
  /** One line on what it computes and how its programs are written. */
  description: string;
  states: number;
  /** |V|: input tokens are 0 … inputSymbols − 1. */
  inputSymbols: number;
  /** Work-tape alphabet size, blank (0) included. */
  workSymbols: number;
  /** |Y|: one output tape (one logit) per output symbol. */
  outputs: number;
  /** The transition function; undefined where it is undefined (an error if reached). */
  transition(i: PrefixIn): PrefixOut | undefined;
}

/** Resource bounds R = (R_t, R_s) (B.3): steps, and cells of program/work/output tapes. */
export interface Bounds {
  rt: number;
  rs: number;
}

/** All input-tape symbols of a machine, markers included. */
export function inputAlphabet(m: PrefixMachine): InputSymbol[] {
  return ["START", ...Array.from({ length: m.inputSymbols }, (_, i) => i), "END"];
}

function showIn(i: PrefixIn): string {
  return `state ${i.state}, input ${i.input}, program bit ${i.program}, work symbol ${i.work}`;
}

/**
 * Every (read → transition) pair where the transition is defined, in a fixed
 * order. Throws a KcdlError naming the machine and transition on an unknown
 * state, symbol, output tape or move, and on bad counts.
 */
export function checkPrefixMachine(m: PrefixMachine): { in: PrefixIn; out: PrefixOut }[] {
  for (const [k, v] of [["states", m.states], ["inputSymbols", m.inputSymbols], ["workSymbols", m.workSymbols], ["outputs", m.outputs]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new KcdlError(`machine '${m.name}': ${k} must be an integer ≥ 1, got ${v}`, 2);
  }
  const moves = [-1, 0, 1, undefined];
  const rules: { in: PrefixIn; out: PrefixOut }[] = [];
  for (let state = 0; state < m.states; state++) {
    for (const input of inputAlphabet(m)) {
      for (const program of [0, 1] as const) {
        for (let work = 0; work < m.workSymbols; work++) {
          const i: PrefixIn = { state, input, program, work };
          const o = m.transition(i);
          if (o === undefined) continue;
          const where = `machine '${m.name}', transition for ${showIn(i)}`;
          if (!Number.isInteger(o.state) || o.state < 0 || o.state >= m.states) throw new KcdlError(`${where}: unknown state ${o.state} (states are 0…${m.states - 1})`, 2);
          if (o.work !== undefined && (!Number.isInteger(o.work) || o.work < 0 || o.work >= m.workSymbols)) {
            throw new KcdlError(`${where}: unknown work symbol ${o.work} (0…${m.workSymbols - 1})`, 2);
          }
          if (!moves.includes(o.inputMove) || !moves.includes(o.workMove)) throw new KcdlError(`${where}: moves must be −1, 0 or +1`, 2);
          if (o.output !== undefined) {
            const { tape, bit } = o.output;
            if (!Number.isInteger(tape) || tape < 0 || tape >= m.outputs) throw new KcdlError(`${where}: unknown output tape ${tape} (0…${m.outputs - 1})`, 2);
            if (bit !== 0 && bit !== 1) throw new KcdlError(`${where}: output tapes are binary, got ${String(bit)}`, 2);
          }
          rules.push({ in: i, out: o });
        }
      }
    }
  }
  if (rules.length === 0) throw new KcdlError(`machine '${m.name}' defines no transition`, 2);
  return rules;
}

/** Checks R = (R_t, R_s) (B.3): both positive integers, each error naming its bound. */
export function checkBounds(bounds: Bounds): void {
  const { rt, rs } = bounds as { rt: unknown; rs: unknown };
  const bad = (v: unknown) => typeof v !== "number" || !Number.isInteger(v) || v < 1;
  if (bad(rt)) throw new KcdlError(`the time bound R_t must be an integer ≥ 1 (steps of the machine, B.3), got ${String(rt)}`, 2);
  if (bad(rs)) throw new KcdlError(`the space bound R_s must be an integer ≥ 1 (cells of the program, work and output tapes, B.3), got ${String(rs)}`, 2);
}

/**
 * Checks that T's transition is defined wherever T_R can need it on some input, for this program
 * z: from the start configuration every configuration reachable within R_t steps is explored
 * (state, program head, work tape and head, output lengths exactly; the input tape abstracted to
 * the symbol under its head, so after a move any symbol the move allows may be read). The
 * compiled Transformer (B.5, Theorem 2) has no way to signal an undefined transition: where the
 * simulator would throw, it would silently compute something else, so zmap refuses such a
 * machine up front. Transitions no input can reach (bitlang's, say) may stay undefined.
 * Explores at most `maxConfigurations` configurations (then checks what it has seen).
 */
export function checkReachableTransitions(m: PrefixMachine, z: readonly number[], bounds: Bounds, maxConfigurations = 200_000): void {
  type Cfg = { state: number; input: InputSymbol; ph: number; work: number[]; wh: number; outs: number[] };
  const tokens: InputSymbol[] = Array.from({ length: m.inputSymbols }, (_, i) => i);
  const key = (c: Cfg) => `${c.state}|${c.input}|${c.ph}|${c.wh}|${c.work.join(",")}|${c.outs.join(",")}`;
  const seen = new Set<string>();
  let frontier: Cfg[] = [{ state: 0, input: "START", ph: 0, work: new Array(bounds.rs).fill(0), wh: 0, outs: new Array(m.outputs).fill(0) }];
  seen.add(key(frontier[0]));
  for (let step = 1; step <= bounds.rt && frontier.length > 0; step++) {
    const next: Cfg[] = [];
    for (const c of frontier) {
      const i: PrefixIn = { state: c.state, input: c.input, program: z[c.ph] as 0 | 1, work: c.work[c.wh] };
      const o = m.transition(i);
      if (o === undefined) {
        throw new KcdlError(
          `machine '${m.name}' has no transition for ${showIn(i)}, which T_R reaches at step ${step} on some input ` +
            `(program ${z.join("")}, R_t = ${bounds.rt}, R_s = ${bounds.rs}); define it: the compiled Transformer cannot signal an undefined transition`,
          2,
        );
      }
      if (o.halt) continue;
      const outs = [...c.outs];
      if (o.output) {
        if (outs[o.output.tape] >= bounds.rs) continue; // "space"
        outs[o.output.tape]++;
      }
      const work = [...c.work];
      if (o.work !== undefined) work[c.wh] = o.work;
      let wh = c.wh;
      if (o.workMove === -1 && wh > 0) wh--;
      if (o.workMove === 1) {
        if (wh + 1 >= bounds.rs) continue; // "space"
        wh++;
      }
      let ph = c.ph;
      if (o.advance) {
        if (ph + 1 >= z.length) continue; // "overrun"
        ph++;
      }
      const inputs: InputSymbol[] =
        o.inputMove === 1 ? (c.input === "END" ? ["END"] : [...tokens, "END"]) : o.inputMove === -1 ? (c.input === "START" ? ["START"] : [...tokens, "START"]) : [c.input];
      for (const input of inputs) {
        const n: Cfg = { state: o.state, input, ph, work, wh, outs };
        const k = key(n);
        if (seen.has(k)) continue;
        if (seen.size >= maxConfigurations) return;
        seen.add(k);
        next.push(n);
      }
    }
    frontier = next;
  }
}

/** Checks a program z against a machine's space bound: bits, 1 ≤ |z| ≤ R_s (and R itself, `checkBounds`). */
export function checkProgram(m: PrefixMachine, z: readonly number[], bounds: Bounds): void {
  checkBounds(bounds);
  if (z.some((b) => b !== 0 && b !== 1)) throw new KcdlError(`program for '${m.name}' must be bits (0/1), got [${z.join(",")}]`, 2);
  if (z.length === 0) throw new KcdlError(`program for '${m.name}' is empty; a prefix machine reads at least one bit`, 2);
  if (z.length > bounds.rs) {
    throw new KcdlError(`program for '${m.name}' has ${z.length} bits but the space bound R_s is ${bounds.rs}; raise R_s to at least ${z.length}`, 2);
  }
}

/** The machine's configuration at one moment (for traces and for checking the Transformer layer by layer). */
export interface Configuration {
  state: number;
  /** Input head position on START x₁ … x_n END (0 = START). */
  inputHead: number;
  /** Program head position, 0-based (≤ |z| − 1). */
  programHead: number;
  work: number[];
  workHead: number;
  outputs: (0 | 1)[][];
  halted: boolean;
}

export type RunStatus = "halted" | "timeout" | "space" | "overrun" | "invalid-output";

export interface PrefixResult {
  /** halted with valid outputs; or why z ∉ 𝒵_{T,R} for this input. */
  status: RunStatus;
  /** The logits f_T^z(x) (eq. 29) when status is "halted". */
  logits?: number[];
  /** Steps taken, the halting one included. */
  steps: number;
  /** Program bits read (the program head's furthest position + 1). */
  programBitsRead: number;
  /** Every configuration from the start to the end (when `trace` was asked). */
  trace?: Configuration[];
  final: Configuration;
  reason?: string;
}

function snapshot(c: Configuration): Configuration {
  return { ...c, work: [...c.work], outputs: c.outputs.map((o) => [...o]) };
}

/**
 * T_R(e_X(x), z): runs the machine for at most R_t steps with R_s cells per
 * tape. Never throws for resource exhaustion (that is a status); throws a
 * KcdlError for bad input and for an undefined transition that is reached.
 */
export function runPrefix(m: PrefixMachine, input: readonly number[], z: readonly number[], bounds: Bounds, opts: { trace?: boolean } = {}): PrefixResult {
  checkProgram(m, z, bounds);
  for (const s of input) {
    if (!Number.isInteger(s) || s < 0 || s >= m.inputSymbols) throw new KcdlError(`input token ${s} out of range 0…${m.inputSymbols - 1} for '${m.name}'`, 2);
  }
  const tape: InputSymbol[] = ["START", ...input, "END"];
  const c: Configuration = {
    state: 0,
    inputHead: 0,
    programHead: 0,
    work: new Array(bounds.rs).fill(0),
    workHead: 0,
    outputs: Array.from({ length: m.outputs }, () => []),
    halted: false,
  };
  const trace = opts.trace ? [snapshot(c)] : undefined;
  const end = (status: RunStatus, steps: number, reason?: string): PrefixResult => ({
    status,
    steps,
    programBitsRead: c.programHead + 1,
    trace,
    final: snapshot(c),
    reason,
  });
  for (let step = 1; step <= bounds.rt; step++) {
    const i: PrefixIn = { state: c.state, input: tape[c.inputHead], program: z[c.programHead] as 0 | 1, work: c.work[c.workHead] };
    const o = m.transition(i);
    if (o === undefined) throw new KcdlError(`machine '${m.name}' has no transition for ${showIn(i)} (reached at step ${step}); define it`, 2);
    if (o.work !== undefined) c.work[c.workHead] = o.work;
    if (o.output) {
      const t = c.outputs[o.output.tape];
      if (t.length >= bounds.rs) return end("space", step, `output tape ${o.output.tape} is full (R_s = ${bounds.rs} cells)`);
      t.push(o.output.bit);
    }
    if (o.inputMove === 1 && tape[c.inputHead] !== "END") c.inputHead++;
    if (o.inputMove === -1 && tape[c.inputHead] !== "START") c.inputHead--;
    if (o.workMove === -1 && c.workHead > 0) c.workHead--;
    if (o.workMove === 1) {
      if (c.workHead + 1 >= bounds.rs) return end("space", step, `work head moved past cell R_s = ${bounds.rs}`);
      c.workHead++;
    }
    if (o.advance) {
      if (c.programHead + 1 >= z.length) return end("overrun", step, `the program head advanced past the last bit of z (|z| = ${z.length}): z is not a complete program`);
      c.programHead++;
    }
    c.state = o.state;
    c.halted = o.halt === true;
    trace?.push(snapshot(c));
    if (c.halted) {
      const logits: number[] = [];
      for (const [k, bits] of c.outputs.entries()) {
        const l = decodeLogit(bits);
        if (!l) return end("invalid-output", step, `output tape ${k} holds [${bits.join("")}], not an eq. 28 code`);
        logits.push(logitValue(l));
      }
      return { ...end("halted", step), logits };
    }
  }
  return end("timeout", bounds.rt, `no halt within R_t = ${bounds.rt} steps`);
}

/** f_T^z(x) (eq. 29) or a KcdlError saying why z ∉ 𝒵_{T,R} for this x. */
export function modelFunction(m: PrefixMachine, z: readonly number[], bounds: Bounds): (input: readonly number[]) => number[] {
  return (input) => {
    const r = runPrefix(m, input, z, bounds);
    if (r.status !== "halted") throw new KcdlError(`'${m.name}' with program ${z.join("")} on input [${input.join(",")}]: ${r.status} (${r.reason})`);
    return r.logits!;
  };
}
