/**
 * Adam (Kingma & Ba, 2014) with a learning-rate schedule, and the schedule of
 * C.1: linear warmup, then exponential decay to a final rate (at the last step, or
 * after `decaySteps` steps, constant from then on).
 */
import * as tf from "@tensorflow/tfjs";

/** tfjs's Adam whose learning rate can be changed between steps. */
export class ScheduledAdam extends tf.AdamOptimizer {
  setLearningRate(lr: number): void {
    this.learningRate = lr;
  }

  /**
   * The optimiser's full state as plain numbers, for checkpoints: the step count,
   * the running β₁ᵗ, β₂ᵗ (saved as the float32 values the optimiser holds, so a
   * resumed run continues bit for bit), and both moment estimates per variable
   * in the order the variables were first optimised.
   */
  async exportState(): Promise<AdamState> {
    const self = this as unknown as AdamInternals;
    // asynchronous reads: the only kind a WebGPU device has
    const moments = (m: AdamInternals["accumulatedFirstMoment"]) =>
      Promise.all((m ?? []).map(async (v) => ({ shape: v.variable.shape, values: Array.from(await v.variable.data()) })));
    return {
      iterations: this.iterations,
      accBeta1: (await self.accBeta1.data())[0],
      accBeta2: (await self.accBeta2.data())[0],
      first: await moments(self.accumulatedFirstMoment),
      second: await moments(self.accumulatedSecondMoment),
    };
  }

  /** Restores a state written by `exportState` (the same variables must be optimised in the same order). */
  async importState(s: AdamState): Promise<void> {
    const self = this as unknown as AdamInternals;
    const named = (m: AdamState["first"], tag: string) => m.map((x, i) => ({ name: `${tag}${i}`, tensor: tf.tensor(x.values, x.shape, "float32") }));
    const weights = [{ name: "iter", tensor: tf.scalar(s.iterations, "int32") }, ...named(s.first, "m"), ...named(s.second, "v")];
    (self.accumulatedFirstMoment ?? []).forEach((v) => v.variable.dispose());
    (self.accumulatedSecondMoment ?? []).forEach((v) => v.variable.dispose());
    await this.setWeights(weights);
    tf.dispose(weights.map((w) => w.tensor));
    tf.tidy(() => {
      self.accBeta1.assign(tf.scalar(s.accBeta1));
      self.accBeta2.assign(tf.scalar(s.accBeta2));
    });
  }
}

/** A serialisable Adam state (see `ScheduledAdam.exportState`). */
export interface AdamState {
  iterations: number;
  accBeta1: number;
  accBeta2: number;
  first: { shape: number[]; values: number[] }[];
  second: { shape: number[]; values: number[] }[];
}

/** tfjs AdamOptimizer's private fields that a checkpoint must carry. */
interface AdamInternals {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment?: { originalName: string; variable: tf.Variable }[];
  accumulatedSecondMoment?: { originalName: string; variable: tf.Variable }[];
}

/** Learning-rate schedule options (C.1: lr 1e−3, 1,000 warmup steps, exponential decay). */
export interface ScheduleOptions {
  /** Peak learning rate, reached at the end of warmup. */
  learningRate: number;
  /** Linear warmup steps from 0 (0 = none). */
  warmupSteps: number;
  /** Total steps; with `decaySteps` 0 the rate decays exponentially from the peak to `finalLearningRate` at the last step. */
  totalSteps: number;
  /** Learning rate at the end of the decay. */
  finalLearningRate: number;
  /**
   * Steps of exponential decay after warmup, constant at `finalLearningRate` after them;
   * 0 or absent = decay until the last step (totalSteps − 1 − warmupSteps steps).
   */
  decaySteps?: number;
}

/** The learning rate at `step` (0-based): linear warmup, then exponential decay over `decaySteps` (0: to the last step). */
export function learningRateAt(step: number, s: ScheduleOptions): number {
  if (step < s.warmupSteps) return (s.learningRate * (step + 1)) / s.warmupSteps;
  const decay = s.decaySteps ?? 0;
  const span = decay > 0 ? decay : Math.max(1, s.totalSteps - 1 - s.warmupSteps);
  const frac = Math.min(1, (step - s.warmupSteps) / span);
  return s.learningRate * Math.pow(s.finalLearningRate / s.learningRate, frac);
}
