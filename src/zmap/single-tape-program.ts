/**
 * Fig. 5 (B.5.2): the ALTA program that emulates a single-tape Turing machine,
 * one machine step per Transformer layer, written with our program builder
 * (`src/alta/program.ts`) so it compiles to the looped Transformer.
 *
 * The tape is the model input between SEP and END (B.5.1): SEP plays the tape's
 * START marker, x₁ … x_n are the cells, END the right marker; the START token
 * and prompt positions (if any) are off the tape. Variables per position:
 *   symbol (categorical, |Σ| + 2 values: START = |Σ|, END = |Σ| + 1), head
 *   (binary, 1 at SEP initially), state (categorical), halted (binary),
 *   onTape (binary), one (binary constant, the query of `headSymbol`).
 * Heads: `headSymbol` = the symbol where head = 1 (query one, key head);
 *   `headLeft`/`headRight` = head at i − 1 / i + 1 (relative ±1).
 * MLP functions (every position computes the same transition from headSymbol):
 *   transition (state, halted), write (symbol under the head), leave (the head
 *   cell clears when it moves and is not blocked), arriveRight / arriveLeft (the
 *   neighbour receives the head). RIGHT is blocked on END, LEFT on START, as in
 *   `runSingleTape`. Fig. 5 reads left and right neighbours in one function; we
 *   split them so each rule reads one neighbour.
 *
 * Boundaries: a relative head whose neighbour lies past the sequence ends reads
 * its own position (`headLeft` at START, `headRight` at END), in the interpreter
 * and in the compiled weights alike (compiler.ts); the functions above do
 * nothing there, since the head flag of a position never arrives from itself.
 */
import { Program, ProgramBuilder, Updates } from "../alta/program";
import { MachineSpec, TransitionOut, checkSingleTapeMachine, markers } from "./single-tape";

/** The emulator program of `spec`; run it for `spec.numSteps` layers. */
export function singleTapeProgram(spec: MachineSpec): Program {
  checkSingleTapeMachine(spec);
  const { START, END } = markers(spec);
  const memo = new Map<string, TransitionOut | undefined>();
  const delta = (state: number, headSymbol: number) => {
    const key = `${state},${headSymbol}`;
    if (!memo.has(key)) memo.set(key, spec.transition({ state, headSymbol }));
    return memo.get(key);
  };
  /** The transition taken this layer, or null when halted (undefined: the machine has none → MLP undefined). */
  const step = (x: Readonly<Record<string, number>>) => (x.halted ? null : delta(x.state, x.headSymbol));
  const blocked = (o: TransitionOut, symbol: number) => (o.move === "RIGHT" && symbol === END) || (o.move === "LEFT" && symbol === START);

  return new ProgramBuilder(`tm-${spec.name}`, spec.numSymbols)
    .categorical("symbol", spec.numSymbols + 2, { init: (t) => (t.kind === "input" ? t.index : t.kind === "end" ? END : START) })
    .binary("head", { init: (t) => t.kind === "sep" })
    .categorical("state", Math.max(2, spec.numStates), { default: 0 })
    .binary("halted", { default: 0 })
    .binary("onTape", { init: (t) => t.kind === "sep" || t.kind === "input" || t.kind === "end" })
    .binary("one", { default: 1 })
    .head("headSymbol", { query: "one", key: "head", value: "symbol" })
    .relative("headLeft", "head", -1)
    .relative("headRight", "head", +1)
    .mlp("transition", ["halted", "state", "headSymbol"], (x): Updates | undefined => {
      const o = step(x);
      if (o === null) return {};
      if (o === undefined) return undefined;
      return { state: o.state, ...(o.halt ? { halted: 1 } : {}) };
    })
    .mlp("write", ["halted", "state", "headSymbol", "head", "symbol"], (x): Updates | undefined => {
      const o = step(x);
      if (o === null || !x.head) return {};
      if (o === undefined) return undefined;
      return o.symbol !== undefined && x.symbol !== START && x.symbol !== END ? { symbol: o.symbol } : {};
    })
    .mlp("leave", ["halted", "state", "headSymbol", "head", "symbol"], (x): Updates | undefined => {
      const o = step(x);
      if (o === null || !x.head) return {};
      if (o === undefined) return undefined;
      return o.move !== undefined && !blocked(o, x.symbol) ? { head: 0 } : {};
    })
    .mlp("arriveRight", ["halted", "state", "headSymbol", "head", "headLeft", "onTape"], (x): Updates | undefined => {
      const o = step(x);
      if (o === null || x.head || !x.headLeft || !x.onTape) return {};
      if (o === undefined) return undefined;
      // The left neighbour held the head; it was not END (END is the last position), so the move goes through.
      return o.move === "RIGHT" ? { head: 1 } : {};
    })
    .mlp("arriveLeft", ["halted", "state", "headSymbol", "head", "headRight", "onTape"], (x): Updates | undefined => {
      const o = step(x);
      if (o === null || x.head || !x.headRight || !x.onTape) return {};
      if (o === undefined) return undefined;
      // The right neighbour held the head; LEFT from START (SEP) would land off the tape, where onTape = 0.
      return o.move === "LEFT" ? { head: 1 } : {};
    })
    .output("state")
    .build();
}
