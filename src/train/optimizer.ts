/**
 * The optimisers a training run can use, behind one interface with a settable
 * learning rate (C.1's schedule sets it every step) and a checkpointable state:
 * - `adam`: Adam (Kingma & Ba 2014), C.1's optimiser (train/adam.ts);
 * - `sgd`: stochastic gradient descent with (heavy-ball) momentum, v ← m·v + g,
 *   θ ← θ − lr·v (tfjs's MomentumOptimizer), the alternative the paper's reviewers asked about.
 * A run may give one group of variables (the adaptive prior's ψ, eq. 86) its own
 * optimiser instance, so that its learning rate can be a multiple of the others'
 * (Adam is invariant to a rescaled gradient, so a separate instance is the only way).
 */
import * as tf from "@tensorflow/tfjs";
import { UsageError, assertChoice } from "../core/errors";
import { ScheduledAdam } from "./adam";

export const OPTIMIZER_NAMES = ["adam", "sgd"] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/**
 * A serialisable optimiser state: the step count and one list of per-variable slots
 * (Adam: first and second moment with the running β₁ᵗ, β₂ᵗ; SGD: the momentum
 * accumulator in `first`, `second` empty), in the order the variables were first updated.
 */
export interface OptimizerState {
  iterations: number;
  accBeta1?: number;
  accBeta2?: number;
  first: { shape: number[]; values: number[] }[];
  second: { shape: number[]; values: number[] }[];
}

/** What the trainer needs of an optimiser. */
export interface ScheduledOptimizer {
  setLearningRate(lr: number): void;
  applyGradients(grads: Record<string, tf.Tensor>): void;
  exportState(): Promise<OptimizerState>;
  importState(s: OptimizerState): Promise<void>;
  dispose(): void;
}

/** The optimiser settings of a run. */
export interface OptimizerSettings {
  name: OptimizerName;
  /** Adam β₁, β₂, ε. */
  beta1: number;
  beta2: number;
  epsilon: number;
  /** SGD momentum m ∈ [0, 1). */
  momentum: number;
}

/** tfjs's MomentumOptimizer (SGD with momentum) with a checkpointable state. */
class ScheduledMomentum extends tf.MomentumOptimizer {
  async exportState(): Promise<OptimizerState> {
    const acc = (this as unknown as { accumulations?: { variable: tf.Variable }[] }).accumulations ?? [];
    const first = await Promise.all(acc.map(async (a) => ({ shape: a.variable.shape, values: Array.from(await a.variable.data()) })));
    return { iterations: this.iterations, first, second: [] };
  }

  async importState(s: OptimizerState): Promise<void> {
    const self = this as unknown as { accumulations?: { variable: tf.Variable }[] };
    (self.accumulations ?? []).forEach((a) => a.variable.dispose());
    const weights = [{ name: "iter", tensor: tf.scalar(s.iterations, "int32") }, ...s.first.map((x, i) => ({ name: `m${i}`, tensor: tf.tensor(x.values, x.shape, "float32") }))];
    await this.setWeights(weights);
    tf.dispose(weights.map((w) => w.tensor));
  }
}

/** SGD with momentum behind the common interface (the gradient map's tensors are the variables' gradients). */
class MomentumAdapter implements ScheduledOptimizer {
  constructor(readonly sgd: ScheduledMomentum) {}
  setLearningRate(lr: number): void {
    this.sgd.setLearningRate(lr);
  }
  applyGradients(grads: Record<string, tf.Tensor>): void {
    this.sgd.applyGradients(grads as unknown as Parameters<tf.MomentumOptimizer["applyGradients"]>[0]);
  }
  exportState(): Promise<OptimizerState> {
    return this.sgd.exportState();
  }
  importState(s: OptimizerState): Promise<void> {
    return this.sgd.importState(s);
  }
  dispose(): void {
    this.sgd.dispose();
  }
}

/** Adam behind the common interface. */
class AdamAdapter implements ScheduledOptimizer {
  constructor(readonly adam: ScheduledAdam) {}
  setLearningRate(lr: number): void {
    this.adam.setLearningRate(lr);
  }
  applyGradients(grads: Record<string, tf.Tensor>): void {
    this.adam.applyGradients(grads as unknown as Parameters<ScheduledAdam["applyGradients"]>[0]);
  }
  exportState(): Promise<OptimizerState> {
    return this.adam.exportState();
  }
  importState(s: OptimizerState): Promise<void> {
    return this.adam.importState({ iterations: s.iterations, accBeta1: s.accBeta1 ?? 1, accBeta2: s.accBeta2 ?? 1, first: s.first, second: s.second });
  }
  dispose(): void {
    this.adam.dispose();
  }
}

/** Checks optimiser settings, throwing a UsageError naming the bad field. */
export function checkOptimizerSettings(o: OptimizerSettings): void {
  assertChoice("optimizer", o.name, OPTIMIZER_NAMES);
  if (!(o.momentum >= 0 && o.momentum < 1)) throw new UsageError(`SGD momentum must be in [0, 1), got ${o.momentum}`);
}

/** A new optimiser with learning rate `lr` (the schedule changes it per step). */
export function makeOptimizer(o: OptimizerSettings, lr: number): ScheduledOptimizer {
  checkOptimizerSettings(o);
  if (o.name === "sgd") return new MomentumAdapter(new ScheduledMomentum(lr, o.momentum));
  return new AdamAdapter(new ScheduledAdam(lr, o.beta1, o.beta2, o.epsilon));
}
