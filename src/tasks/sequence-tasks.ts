/**
 * Classification tasks on bit strings for the Transformer (C.1's setting beyond parity): each
 * with its number of classes and its label, written directly (the oracle the compiled ALTA
 * programs and trained models are scored against). Inputs come from the parity split generator
 * (tasks/parity-data.ts: a uniform number of ones, then a uniform length), so every task sees the
 * same strings as C.1's parity split.
 */
import { assertChoice } from "../core/errors";

export interface SequenceTask {
  name: string;
  classes: number;
  label(x: ArrayLike<number>): number;
}

const ones = (x: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s;
};

export const SEQUENCE_TASKS: Record<string, SequenceTask> = {
  parity: { name: "parity", classes: 2, label: (x) => ones(x) % 2 },
  "at-least-two": { name: "at-least-two", classes: 2, label: (x) => (ones(x) >= 2 ? 1 : 0) },
  "ones-mod-3": { name: "ones-mod-3", classes: 3, label: (x) => ones(x) % 3 },
};

export const SEQUENCE_TASK_NAMES = Object.keys(SEQUENCE_TASKS);

/** The task `name`, or a UsageError naming the valid ones. */
export function sequenceTask(name: string): SequenceTask {
  return SEQUENCE_TASKS[assertChoice("sequence task", name, SEQUENCE_TASK_NAMES)];
}
