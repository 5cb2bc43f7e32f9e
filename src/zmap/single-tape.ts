/**
 * Single-tape Turing machines as specified in Fig. 4 (B.5.2), and a reference
 * simulator for them. The tape is the input sequence between START and END
 * markers (the form the Transformer of Fig. 5 receives); the head starts on
 * START, never moves left of START nor right of END, never overwrites them,
 * and the machine runs at most `numSteps` steps (the time bound; the space
 * bound is the tape length).
 */
import { KcdlError } from "../core/errors";

/** A head move; `undefined` in a transition means "stay". */
export type Move = "LEFT" | "RIGHT";

/** What the transition function sees (Fig. 4, TransitionIn). */
export interface TransitionIn {
  state: number;
  headSymbol: number;
}

/** What it does (Fig. 4, TransitionOut). */
export interface TransitionOut {
  state: number;
  symbol?: number;
  move?: Move;
  halt?: boolean;
}

/**
 * Fig. 4's MachineSpec. Tape symbols are 0 … numSymbols − 1; START and END are
 * the two extra symbols numSymbols and numSymbols + 1 (never written). State 0
 * is the start state. `transition` returns undefined where it is undefined.
 */
export interface MachineSpec {
  name: string;
  transition: (i: TransitionIn) => TransitionOut | undefined;
  numStates: number;
  numSymbols: number;
  /** Time resource bound R_t. */
  numSteps: number;
}

/** START and END marker symbols of a machine's tape. */
export function markers(spec: MachineSpec): { START: number; END: number } {
  return { START: spec.numSymbols, END: spec.numSymbols + 1 };
}

function describeIn(spec: MachineSpec, i: TransitionIn): string {
  const { START, END } = markers(spec);
  const sym = i.headSymbol === START ? "START" : i.headSymbol === END ? "END" : String(i.headSymbol);
  return `state ${i.state}, head symbol ${sym}`;
}

/**
 * Checks a machine's counts and every defined transition: states and written
 * symbols in range, START/END never written, moves valid. Throws a KcdlError
 * naming the machine and the offending transition.
 */
export function checkSingleTapeMachine(spec: MachineSpec): void {
  for (const [k, v] of [["numStates", spec.numStates], ["numSymbols", spec.numSymbols], ["numSteps", spec.numSteps]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new KcdlError(`machine '${spec.name}': ${k} must be an integer ≥ 1, got ${v}`, 2);
  }
  for (let state = 0; state < spec.numStates; state++) {
    for (let headSymbol = 0; headSymbol < spec.numSymbols + 2; headSymbol++) {
      const i = { state, headSymbol };
      const o = spec.transition(i);
      if (o === undefined) continue;
      const where = `machine '${spec.name}', transition for ${describeIn(spec, i)}`;
      if (!Number.isInteger(o.state) || o.state < 0 || o.state >= spec.numStates) {
        throw new KcdlError(`${where}: unknown state ${o.state} (states are 0…${spec.numStates - 1})`, 2);
      }
      if (o.symbol !== undefined && (!Number.isInteger(o.symbol) || o.symbol < 0 || o.symbol >= spec.numSymbols)) {
        throw new KcdlError(`${where}: unknown symbol ${o.symbol} (writable symbols are 0…${spec.numSymbols - 1})`, 2);
      }
      if (o.move !== undefined && o.move !== "LEFT" && o.move !== "RIGHT") throw new KcdlError(`${where}: unknown move '${String(o.move)}'`, 2);
    }
  }
}

/** The outcome of a bounded run. */
export interface SingleTapeResult {
  halted: boolean;
  /** Steps taken (transitions applied, the halting one included). */
  steps: number;
  /** The tape after the run, START and END included. */
  tape: number[];
  head: number;
  state: number;
}

/**
 * Runs the machine on `input` (symbols 0 … numSymbols − 1) for at most
 * numSteps transitions. Reaching an undefined transition is an error naming it.
 * Moves follow Fig. 5: RIGHT is blocked on END, LEFT on START.
 */
export function runSingleTape(spec: MachineSpec, input: readonly number[]): SingleTapeResult {
  const { START, END } = markers(spec);
  for (const s of input) {
    if (!Number.isInteger(s) || s < 0 || s >= spec.numSymbols) throw new KcdlError(`machine '${spec.name}': input symbol ${s} out of range 0…${spec.numSymbols - 1}`, 2);
  }
  const tape = [START, ...input, END];
  let head = 0;
  let state = 0;
  for (let step = 0; step < spec.numSteps; step++) {
    const i = { state, headSymbol: tape[head] };
    const o = spec.transition(i);
    if (o === undefined) throw new KcdlError(`machine '${spec.name}' has no transition for ${describeIn(spec, i)} (reached at step ${step + 1}); define it or make it unreachable`, 2);
    state = o.state;
    if (o.symbol !== undefined && tape[head] !== START && tape[head] !== END) tape[head] = o.symbol;
    if (o.move === "RIGHT" && tape[head] !== END) head++;
    else if (o.move === "LEFT" && tape[head] !== START) head--;
    if (o.halt) return { halted: true, steps: step + 1, tape, head, state };
  }
  return { halted: false, steps: spec.numSteps, tape, head, state };
}
