/** Small single-tape machines (Fig. 4 spec) for checking the Fig. 5 emulator. */
import type { MachineSpec } from "../single-tape";

/**
 * Binary increment of a little-endian number: carry 1 rightwards from x₁,
 * turning 1s into 0s until a 0 becomes 1 (at END the carry overflows). Symbols
 * 0/1; START = 2, END = 3.
 */
export const increment: MachineSpec = {
  name: "increment",
  numStates: 2,
  numSymbols: 2,
  numSteps: 24,
  transition: ({ state, headSymbol }) => {
    if (state === 1) return { state: 1, halt: true };
    if (headSymbol === 2) return { state: 0, move: "RIGHT" }; // START
    if (headSymbol === 1) return { state: 0, symbol: 0, move: "RIGHT" };
    return { state: 1, symbol: headSymbol === 0 ? 1 : undefined, halt: true }; // 0 → 1; END: overflow
  },
};

/**
 * Walks right to END, then back left to START, complementing every cell on the
 * way back: exercises both moves, blocking at both markers, and halting.
 */
export const bounceComplement: MachineSpec = {
  name: "bounce-complement",
  numStates: 3,
  numSymbols: 2,
  numSteps: 40,
  transition: ({ state, headSymbol }) => {
    const START = 2;
    const END = 3;
    if (state === 0) return headSymbol === END ? { state: 1, move: "LEFT" } : { state: 0, move: "RIGHT" };
    if (state === 1) {
      if (headSymbol === START) return { state: 2, move: "LEFT", halt: true }; // LEFT is blocked on START
      return { state: 1, symbol: headSymbol === END ? undefined : 1 - headSymbol, move: "LEFT" };
    }
    return { state: 2, halt: true };
  },
};
