/**
 * Adam (Kingma & Ba, 2014) with a learning-rate schedule, and the schedule of
 * C.1: linear warmup, then exponential decay to a final rate at the last step.
 */
import * as tf from "@tensorflow/tfjs";

/** tfjs's Adam whose learning rate can be changed between steps. */
export class ScheduledAdam extends tf.AdamOptimizer {
  setLearningRate(lr: number): void {
    this.learningRate = lr;
  }
}

/** Learning-rate schedule options (C.1: lr 1e−3, 1,000 warmup steps, exponential decay). */
export interface ScheduleOptions {
  /** Peak learning rate, reached at the end of warmup. */
  learningRate: number;
  /** Linear warmup steps from 0 (0 = none). */
  warmupSteps: number;
  /** Total steps; the rate decays exponentially from the peak to `finalLearningRate` at the last step. */
  totalSteps: number;
  /** Learning rate at the last step. */
  finalLearningRate: number;
}

/** The learning rate at `step` (0-based): linear warmup, then exponential decay. */
export function learningRateAt(step: number, s: ScheduleOptions): number {
  if (step < s.warmupSteps) return (s.learningRate * (step + 1)) / s.warmupSteps;
  const span = Math.max(1, s.totalSteps - 1 - s.warmupSteps);
  const frac = Math.min(1, (step - s.warmupSteps) / span);
  return s.learningRate * Math.pow(s.finalLearningRate / s.learningRate, frac);
}
