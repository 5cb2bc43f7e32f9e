/**
 * One training loop for both objectives of the paper:
 * - `mle`: minimise −log₂ p(Y | X; θ) over point weights θ (the MLE baseline of Tables 1–2);
 * - `variational`: minimise the adaptive variational codelength (eqs. 10, 86) by
 *   minibatches, klCoef · KL[β ‖ α] + E_{θ∼β}[−log₂ p(y | x; θ)], the expectation
 *   taken with S Monte-Carlo weight samples shared across the minibatch (C.1: S = 2,
 *   KL by 100 Monte-Carlo samples; klCoef ≈ batch / dataset size, C.1).
 * Adam (or SGD with momentum, train/optimizer.ts) with linear warmup then
 * exponential decay (C.1, train/adam.ts); optionally the prior's parameters ψ
 * with their own learning-rate multiple and a number of frozen first steps, the
 * KL coefficient ramped up over the first steps (KL warm-up), and a hyper-prior
 * on ψ (`AdaptivePrior.hyperPriorBits`, Ullrich et al. 2017) added to the KL term:
 * the remedies for the prior collapse of C.2 that `prior-collapse` measures. All
 * randomness derives from the run seed: minibatches from a named RNG stream whose
 * state is checkpointed, weight and KL noise from op seeds keyed by the step, so a
 * run stopped and resumed from its checkpoint ends with exactly the numbers of an
 * uninterrupted run. Every quantity reported is in bits.
 *
 * Micro-batching (gradient accumulation): with `microBatchSize` below `batchSize`
 * the minibatch is cut into consecutive slices (`TrainProblem.slice`); the NLL
 * gradient of each slice is taken with the step's same S weight samples (same
 * seeds), the KL gradient once (one parameter tensor at a time: the KL is a sum over
 * weights with a seed per tensor, so this is the same estimate), and their sum — the
 * full-batch gradient, since the NLL is a sum over examples — is applied. Only one
 * slice's activations are held at a time, so memory scales with the micro-batch, not the batch.
 *
 * Interrupts (core/interrupt.ts): `run` yields to the event loop after every step, so SIGINT
 * (Ctrl-C, Jupyter's kernel interrupt), SIGTERM or `TrainerArgs.signal` stop it after the step
 * in progress; it writes the checkpoint (when one is configured) and throws an InterruptedError
 * saying how to resume. The yield costs about a microsecond against steps of milliseconds to minutes.
 *
 * Worker threads (`TrainerArgs.workers`): the NLL gradients ∂NLL/∂θ_s of the S weight
 * samples (and of the micro-batches, or of `workers` slices of the batch) are computed
 * on worker threads, each with its own backend, while this thread computes the KL's;
 * the posterior's gradient follows by the chain rule as the gradient of
 * Σ_s ⟨θ_s(φ), ∂NLL/∂θ_s⟩ / S with the worker gradients held constant — the same
 * gradient up to float rounding. Minibatches must then be plain data (they are copied
 * to the workers), and the workers rebuild the problem from a module export.
 */
import * as fs from "node:fs";
import * as tf from "@tensorflow/tfjs";
import { UsageError, KcdlError, assertChoice } from "../core/errors";
import { Progress, silentProgress } from "../core/progress";
import { Rng, opSeed, rngStream } from "../core/rng";
import { learningRateAt } from "./adam";
import { OptimizerName, ScheduledOptimizer, checkOptimizerSettings, makeOptimizer } from "./optimizer";
import { Checkpoint, CHECKPOINT_FORMAT, START_OVER, configHash, loadCheckpoint, saveCheckpoint } from "./checkpoint";
import type { Weights } from "../nn/param-tree";
import type { PointWeights } from "../nn/param-tree";
import type { Posterior } from "../variational/posterior";
import type { AdaptivePrior } from "../variational/prior";
import { treeKlBitsT } from "../variational/kl";
import { GradientWorkers, GradientTask, ProblemSource, SampleGradient } from "./gradient-workers";
import { activeBackend, onDevice, onHost, switchTo } from "../core/backend";
import { MemoryBudget, MicroBatchFit, chooseMicroBatch, memoryBudget, tapeBytes } from "./micro-batch";
import { InterruptedError, interruptScope, yieldToEventLoop } from "../core/interrupt";

export const OBJECTIVES = ["mle", "variational"] as const;
export type Objective = (typeof OBJECTIVES)[number];

/** Hyperparameters of a training run (the C.1 values in brackets). */
export interface TrainOptions {
  objective: Objective;
  /** Optimisation steps [C.2: 1,000]. */
  steps: number;
  /** Examples per minibatch [128]. */
  batchSize: number;
  /** Weight of the KL term, > 0 (variational only) [10⁻³ for parity; swept in Table 2]. */
  klCoef: number;
  /** Monte-Carlo weight samples per minibatch for the expected NLL [2]. */
  weightSamples: number;
  /** Monte-Carlo samples per weight for the KL where no closed form applies [100]. */
  klSamples: number;
  /** Peak Adam learning rate [10⁻³]. */
  learningRate: number;
  /** Linear warmup steps [1,000 of 50,000]. */
  warmupSteps: number;
  /** Learning rate at the last step (exponential decay from the peak). */
  finalLearningRate: number;
  /** Steps of the exponential decay after warmup, constant after (0 or absent: until the last step). */
  decaySteps?: number;
  /** Adam β₁, β₂, ε. */
  beta1: number;
  beta2: number;
  epsilon: number;
  /** The optimiser [C.1: "adam"]; "sgd" is SGD with `momentum`. */
  optimizer?: OptimizerName;
  /** SGD momentum (optimizer "sgd") [0.9]. */
  momentum?: number;
  /** Learning rate of the prior's parameters ψ as a multiple of the schedule's (variational only) [1]. */
  priorLrScale?: number;
  /** Steps during which ψ is not updated (variational only) [0]. */
  priorFreezeSteps?: number;
  /**
   * KL warm-up: the KL coefficient at step t (0-based) moves linearly from klStart·klCoef to klCoef
   * over the first klWarmupSteps steps, klCoef·(s + (1 − s)·min(1, (t + 1)/klWarmupSteps)) with
   * s = klStart (Bowman et al. 2016; Sønderby et al. 2016: s = 0) [0: klCoef from the start].
   */
  klWarmupSteps?: number;
  /** The KL coefficient at the start of the warm-up as a multiple of klCoef [0; > 1 anneals the coefficient down]. */
  klStart?: number;
  /** Call the evaluation hook every this many steps (and at the start and the end); 0: start and end only. */
  evalEvery: number;
  /**
   * Examples per forward/backward pass; gradients of the slices of a minibatch are
   * summed (gradient accumulation; same gradient up to float rounding, less memory).
   * Default: `batchSize` (one pass). Needs `TrainProblem.slice` when smaller.
   */
  microBatchSize?: number;
}

/** A learning problem: minibatches and the NLL in bits of one weight sample on one minibatch. */
export interface TrainProblem<B extends object> {
  /** Draws a minibatch of `size` examples from `rng` (the only randomness allowed here). */
  batch(rng: Rng, size: number): B;
  /** −log₂ p(y | x; θ) summed over the minibatch, in bits, for weights θ (differentiable). */
  nllBits(weights: Weights, batch: B): tf.Scalar;
  /**
   * Examples `start` ≤ i < `end` of a minibatch, as a new minibatch whose tensors (if
   * any) the trainer disposes after use (needed for micro-batching only).
   */
  slice?(batch: B, start: number, end: number): B;
}

/** What is trained: point weights (MLE) or a posterior with its adaptive prior. */
export type TrainModel = { kind: "mle"; point: PointWeights } | { kind: "variational"; posterior: Posterior; prior: AdaptivePrior };

/** One point of the training curve (bits, on the step's minibatch). */
export interface CurvePoint {
  step: number;
  /** The minimised loss: klCoef·KL + mean NLL (variational) or NLL (MLE). */
  lossBits: number;
  /** KL[β ‖ α] of the whole tree (null for MLE). */
  klBits: number | null;
  /** NLL of the minibatch averaged over the S weight samples. */
  nllBits: number;
}

export interface TrainerArgs<B extends object> {
  problem: TrainProblem<B>;
  model: TrainModel;
  options: TrainOptions;
  /** Run seed. */
  seed: number;
  /** Progress sink (default silent) and the label of the bar. */
  progress?: Progress;
  label?: string;
  /** Evaluation hook: returns a JSON-able record stored (with its step) in the history and checkpoints. */
  evaluate?: (trainer: Trainer<B>, step: number) => Record<string, unknown> | Promise<Record<string, unknown>>;
  /** Checkpoint file, written every `every` steps (0: only when stopping or finishing); resumed from when present. */
  checkpoint?: { path: string; every: number; resume?: boolean };
  /** Anything else that defines the run (model shape, initialisation, task); hashed into the checkpoint. */
  identity?: unknown;
  /**
   * Compute NLL gradients on `count` worker threads (module comment); `source` rebuilds
   * `problem` there. The backend defaults to the active one. Call `dispose()` to end them.
   */
  workers?: { count: number; source: ProblemSource; backend?: string };
  /** Stops the run after the step in progress, as SIGINT does (checkpoint, then InterruptedError). */
  signal?: AbortSignal;
  /**
   * How to resume, for the interrupt message (default: the same preset, seed and settings with
   * `kcdl run <experiment> --resume`, or the option `resume: true` in a notebook).
   */
  resumeHint?: string;
}

/** What a run returns. */
export interface TrainResult {
  /** Steps completed. */
  steps: number;
  /** False when stopped early by `stopAfter`. */
  completed: boolean;
  /** Evaluation records, each with its `step`. */
  history: Record<string, unknown>[];
  curve: CurvePoint[];
  /** Step the run resumed from (0 when it started fresh). */
  resumedFrom: number;
}

/** Checks TrainOptions, throwing a UsageError naming the bad field. */
export function checkTrainOptions(o: TrainOptions): void {
  assertChoice("objective", o.objective, OBJECTIVES);
  const intAtLeast = (k: keyof TrainOptions, min: number) => {
    const v = o[k] as number;
    if (!Number.isInteger(v) || v < min) throw new UsageError(`training option '${k}' must be an integer ≥ ${min}, got ${v}`);
  };
  intAtLeast("steps", 1);
  intAtLeast("batchSize", 1);
  intAtLeast("weightSamples", 1);
  intAtLeast("klSamples", 1);
  intAtLeast("warmupSteps", 0);
  intAtLeast("evalEvery", 0);
  for (const k of ["priorFreezeSteps", "klWarmupSteps"] as const) if (o[k] !== undefined) intAtLeast(k, 0);
  checkOptimizerSettings({ name: o.optimizer ?? "adam", beta1: o.beta1, beta2: o.beta2, epsilon: o.epsilon, momentum: o.momentum ?? 0.9 });
  if (o.klStart !== undefined && !(o.klStart >= 0 && Number.isFinite(o.klStart))) throw new UsageError(`training option 'klStart' must be a finite number ≥ 0, got ${o.klStart}`);
  if (o.priorLrScale !== undefined && !(o.priorLrScale >= 0 && Number.isFinite(o.priorLrScale))) {
    throw new UsageError(`training option 'priorLrScale' must be a finite number ≥ 0, got ${o.priorLrScale}`);
  }
  if (o.microBatchSize !== undefined) {
    intAtLeast("microBatchSize", 1);
    if (o.microBatchSize > o.batchSize) {
      throw new UsageError(`training option 'microBatchSize' (${o.microBatchSize}) must not exceed 'batchSize' (${o.batchSize})`);
    }
  }
  if (o.objective === "variational" && !(o.klCoef > 0 && Number.isFinite(o.klCoef))) {
    throw new UsageError(`the KL coefficient must be a finite number > 0 for the variational objective, got ${o.klCoef} (use objective 'mle' for no KL term)`);
  }
  for (const k of ["learningRate", "finalLearningRate", "epsilon"] as const) {
    if (!(o[k] > 0 && Number.isFinite(o[k]))) throw new UsageError(`training option '${k}' must be a finite number > 0, got ${o[k]}`);
  }
  for (const k of ["beta1", "beta2"] as const) if (!(o[k] >= 0 && o[k] < 1)) throw new UsageError(`training option '${k}' must be in [0, 1), got ${o[k]}`);
}

/** The training loop (see the module comment). */
export class Trainer<B extends object> {
  readonly args: TrainerArgs<B>;
  readonly options: TrainOptions;
  /** The optimiser of every variable, or of all but ψ when ψ has its own (`priorOptimizer`). */
  readonly optimizer: ScheduledOptimizer;
  /** ψ's own optimiser, when priorLrScale ≠ 1 or priorFreezeSteps > 0 (else ψ is in `optimizer`'s group). */
  readonly priorOptimizer?: ScheduledOptimizer;
  private readonly priorNames = new Set<string>();
  readonly configHash: string;
  /** Steps completed so far. */
  step = 0;
  history: Record<string, unknown>[] = [];
  curve: CurvePoint[] = [];
  private rng: Rng;
  private readonly named: [string, tf.Variable][];
  private readonly trainable: tf.Variable[];
  private readonly pool?: GradientWorkers;
  /** The micro-batch size `fitMicroBatch` chose (over `options.microBatchSize`). */
  private microBatch?: number;

  constructor(args: TrainerArgs<B>) {
    checkTrainOptions(args.options);
    if (args.model.kind !== args.options.objective) {
      throw new UsageError(`objective '${args.options.objective}' needs a model of kind '${args.options.objective}', got '${args.model.kind}'`);
    }
    if ((args.options.microBatchSize ?? args.options.batchSize) < args.options.batchSize && !args.problem.slice) {
      throw new UsageError(`microBatchSize ${args.options.microBatchSize} < batchSize ${args.options.batchSize} needs a problem that can slice a minibatch (TrainProblem.slice); define it or drop microBatchSize`);
    }
    if (args.checkpoint && !(Number.isInteger(args.checkpoint.every) && args.checkpoint.every >= 0)) {
      throw new UsageError(`checkpoint.every must be an integer ≥ 0, got ${args.checkpoint.every}`);
    }
    this.args = args;
    this.options = args.options;
    const o = args.options;
    const settings = { name: o.optimizer ?? "adam", beta1: o.beta1, beta2: o.beta2, epsilon: o.epsilon, momentum: o.momentum ?? 0.9 };
    this.optimizer = makeOptimizer(settings, o.learningRate);
    this.rng = rngStream(args.seed, "train/data");
    const m = args.model;
    if (m.kind === "variational" && ((o.priorLrScale ?? 1) !== 1 || (o.priorFreezeSteps ?? 0) > 0)) {
      this.priorOptimizer = makeOptimizer(settings, o.learningRate * (o.priorLrScale ?? 1));
      for (const v of m.prior.trainableVariables()) this.priorNames.add(v.name);
    }
    this.named = m.kind === "mle" ? m.point.namedVariables() : [...m.posterior.namedVariables(), ...m.prior.namedVariables()];
    this.trainable = m.kind === "mle" ? this.named.map(([, v]) => v) : [...m.posterior.trainableVariables(), ...m.prior.trainableVariables()];
    const shapes = Object.fromEntries(this.named.map(([n, v]) => [n, v.shape]));
    if (args.workers && tf.getBackend() === "webgpu") {
      throw new UsageError("gradient worker threads (train.workers) are for CPU backends: on webgpu the device computes the whole step; set train.workers=0");
    }
    if (args.workers) this.pool = new GradientWorkers(args.workers.source, args.workers.count, args.workers.backend ?? activeBackend()?.name ?? "auto");
    // the micro-batch size changes memory, not the run: a run may resume with another one
    const { microBatchSize: _micro, ...hashed } = o;
    this.configHash = configHash({ format: CHECKPOINT_FORMAT, options: hashed, seed: args.seed, shapes, identity: args.identity ?? null });
  }

  /** The learning rate used at step `step` (0-based). */
  learningRateAt(step: number): number {
    const o = this.options;
    return learningRateAt(step, { learningRate: o.learningRate, warmupSteps: o.warmupSteps, totalSteps: o.steps, finalLearningRate: o.finalLearningRate, decaySteps: o.decaySteps });
  }

  /** The KL coefficient at step `step` (0-based): klCoef, after a linear warm-up from klStart·klCoef over the first klWarmupSteps steps. */
  klCoefAt(step: number): number {
    const o = this.options;
    const w = o.klWarmupSteps ?? 0;
    if (w <= 0) return o.klCoef;
    const s = o.klStart ?? 0;
    return o.klCoef * (s + (1 - s) * Math.min(1, (step + 1) / w));
  }

  /** The hyper-prior term on ψ in bits (`AdaptivePrior.hyperPriorBits`), or null without one. */
  private hyperPrior(): tf.Scalar | null {
    const m = this.args.model;
    return m.kind === "variational" ? m.prior.hyperPriorBits() : null;
  }

  /**
   * Sets the micro-batch size to the largest that fits `budget` (default: the active
   * backend's, `micro-batch.ts`), measured from the NLL gradient on slices of 2 and 4
   * examples of a probe minibatch (its own random stream: the run's batches are
   * unchanged). The gradient is the same whatever the size, up to float rounding.
   */
  async fitMicroBatch(budget: MemoryBudget = memoryBudget()): Promise<MicroBatchFit> {
    const slice = this.args.problem.slice;
    const size = this.options.batchSize;
    // a problem that cannot slice, or a minibatch of ≤ 4: one pass, nothing to choose
    if (!slice || size <= 4) return { microBatchSize: size, fixedBytes: 0, perExampleBytes: 0, largestTensorPerExample: 0, budget };
    const probe = this.args.problem.batch(rngStream(this.args.seed, "train/micro-batch-probe"), 4);
    const measure = (n: number) => {
      const part = slice(probe, 0, n);
      let kept = { bytes: 0, largestTensorBytes: 0 };
      const { value, grads } = tf.variableGrads(() => {
        const nll = this.sampledNll(part, 0);
        kept = tapeBytes();
        return nll;
      }, this.trainable);
      tf.dispose([value, ...Object.values(grads), part as unknown as tf.TensorContainer]);
      return { examples: n, ...kept };
    };
    const [small, large] = await onDevice(() => [measure(2), measure(4)]);
    tf.dispose(probe as unknown as tf.TensorContainer);
    const fit = chooseMicroBatch(size, small, large, budget);
    this.microBatch = fit.microBatchSize;
    return fit;
  }

  /** The objective on one minibatch: [loss, KL (or 0), mean NLL] as tensors, in bits. */
  private objective(batch: B, step: number): [tf.Scalar, tf.Scalar, tf.Scalar] {
    const m = this.args.model;
    const o = this.options;
    const nll = this.sampledNll(batch, step);
    if (m.kind === "mle") return [nll, tf.scalar(0), nll];
    const kl = treeKlBitsT(m.posterior, m.prior, { samples: o.klSamples, seed: opSeed(this.args.seed, `train/${step}/kl`) }).total;
    const hyper = this.hyperPrior();
    const complexity = hyper ? tf.add(kl, hyper) : kl;
    return [tf.add(tf.mul(this.klCoefAt(step), complexity), nll) as tf.Scalar, kl, nll];
  }

  /** Mean over the S weight samples of the NLL of `batch` (bits), with the step's sample seeds. */
  private sampledNll(batch: B, step: number): tf.Scalar {
    const m = this.args.model;
    const { problem, seed } = this.args;
    if (m.kind === "mle") return problem.nllBits(m.point.weights(), batch);
    const S = this.options.weightSamples;
    const nlls: tf.Scalar[] = [];
    for (let s = 0; s < S; s++) nlls.push(problem.nllBits(m.posterior.sample(opSeed(seed, `train/${step}/w${s}`)), batch));
    return tf.div(tf.addN(nlls), S) as tf.Scalar;
  }

  /**
   * The gradient of the objective on `batch` at step `step` (0-based: it fixes the
   * weight and KL noise), by variable name, and the objective's parts [loss, KL, NLL]
   * in bits. With micro-batching the slices' gradients are summed (module comment).
   * Caller disposes everything returned.
   */
  gradients(batch: B, step: number): { grads: Record<string, tf.Tensor>; parts: tf.Tensor1D } {
    const o = this.options;
    const micro = this.microBatch ?? o.microBatchSize ?? o.batchSize;
    const size = o.batchSize;
    if (this.pool) return this.workerGradients(batch, step);
    if (micro >= size) {
      let parts: tf.Tensor1D | undefined;
      const { value, grads } = tf.variableGrads(() => {
        const [loss, kl, nll] = this.objective(batch, step);
        parts = tf.keep(tf.stack([loss, kl, nll])) as tf.Tensor1D;
        return loss;
      }, this.trainable);
      value.dispose();
      return { grads, parts: parts! };
    }
    const slice = this.args.problem.slice!;
    const { acc, add } = gradientSum();
    let nllBits = tf.scalar(0);
    for (let start = 0; start < size; start += micro) {
      const part = slice(batch, start, Math.min(size, start + micro));
      const { value, grads } = tf.variableGrads(() => this.sampledNll(part, step), this.trainable);
      tf.dispose(part as unknown as tf.TensorContainer);
      add(grads);
      const sum = tf.add(nllBits, value) as tf.Scalar;
      tf.dispose([nllBits, value]);
      nllBits = sum;
    }
    const m = this.args.model;
    const klBits = m.kind === "variational" ? this.klGradients(step, add) : tf.scalar(0);
    const parts = tf.tidy(() => tf.stack([tf.add(tf.mul(m.kind === "variational" ? this.klCoefAt(step) : 0, klBits), nllBits), klBits, nllBits])) as tf.Tensor1D;
    tf.dispose([klBits, nllBits]);
    return { grads: acc, parts };
  }

  /**
   * Gradient of klCoef·KL, one parameter tensor at a time (each tensor's estimate has
   * its own seed, so the sum is the whole tree's estimate; the Monte-Carlo KL's
   * [samples, weights, K] intermediates of a whole tree exceed the wasm heap at the
   * paper's size). Hands each gradient to `add`; returns the KL in bits.
   */
  private klGradients(step: number, add: (grads: Record<string, tf.Tensor>) => void): tf.Scalar {
    const m = this.args.model as TrainModel & { kind: "variational" };
    const o = this.options;
    let klBits = tf.scalar(0);
    for (const p of m.posterior.params) {
      const { value, grads } = tf.variableGrads(() => {
        const kl = treeKlBitsT(m.posterior, m.prior, { samples: o.klSamples, seed: opSeed(this.args.seed, `train/${step}/kl`), params: [p.spec.name] }).total;
        const sum = tf.keep(tf.add(klBits, kl)) as tf.Scalar;
        klBits.dispose();
        klBits = sum;
        return tf.mul(this.klCoefAt(step), kl) as tf.Scalar;
      }, this.trainable);
      add(grads);
      value.dispose();
    }
    if (m.prior.hasHyperPrior) {
      const { value, grads } = tf.variableGrads(() => tf.mul(this.klCoefAt(step), this.hyperPrior()!) as tf.Scalar, m.prior.trainableVariables());
      add(grads);
      value.dispose();
    }
    return klBits;
  }

  /** `gradients` with the NLL part on the worker threads (module comment). */
  private workerGradients(batch: B, step: number): { grads: Record<string, tf.Tensor>; parts: tf.Tensor1D } {
    const o = this.options;
    const m = this.args.model;
    const pool = this.pool!;
    const S = m.kind === "mle" ? 1 : o.weightSamples;
    // slices: the micro-batches, or enough slices to give every worker a task
    const slice = this.args.problem.slice;
    const micro = this.microBatch ?? o.microBatchSize ?? (slice && pool.size > S ? Math.ceil(o.batchSize / Math.ceil(pool.size / S)) : o.batchSize);
    const parts: B[] = [];
    for (let start = 0; start < o.batchSize; start += micro) parts.push(micro >= o.batchSize ? batch : slice!(batch, start, Math.min(o.batchSize, start + micro)));
    const tasks: GradientTask[] = [];
    for (let s = 0; s < S; s++) for (const part of parts) tasks.push({ sample: s, batch: part });
    const sampleWeights = () =>
      m.kind === "mle" ? [m.point.weights()] : Array.from({ length: S }, (_, s) => m.posterior.sample(opSeed(this.args.seed, `train/${step}/w${s}`)));
    // the samples' values go to the workers; the same samples are drawn again (same seeds) on the tape below
    const first = sampleWeights();
    const names = Object.keys(first[0]);
    const shapes = Object.fromEntries(names.map((n) => [n, first[0][n].shape]));
    pool.start(
      first.map((w) => Object.fromEntries(names.map((n) => [n, Float32Array.from(w[n].dataSync())]))),
      shapes,
      tasks,
    );
    if (m.kind === "variational") first.forEach((w) => tf.dispose(Object.values(w)));
    const { acc, add } = gradientSum();
    // the KL's gradient here while the workers compute the NLL's
    const klBits = m.kind === "variational" ? this.klGradients(step, add) : tf.scalar(0);
    let results: SampleGradient[];
    try {
      results = pool.finish();
    } finally {
      for (const part of parts) if (part !== batch) tf.dispose(part as unknown as tf.TensorContainer);
    }
    let nllBits = 0;
    const { value, grads } = tf.variableGrads(() => {
      const samples = sampleWeights();
      const terms: tf.Scalar[] = [];
      for (const r of results) {
        nllBits += r.nllBits / S;
        for (const n of names) terms.push(tf.div(tf.sum(tf.mul(samples[r.sample][n], tf.tensor(r.grads[n], shapes[n]))), S) as tf.Scalar);
      }
      return tf.addN(terms) as tf.Scalar;
    }, this.trainable);
    value.dispose();
    add(grads);
    const out = tf.tidy(() => tf.stack([tf.add(tf.mul(m.kind === "variational" ? this.klCoefAt(step) : 0, klBits), nllBits), klBits, tf.scalar(nllBits)])) as tf.Tensor1D;
    klBits.dispose();
    return { grads: acc, parts: out };
  }

  /**
   * Runs one optimisation step and returns its curve point. Leaves no tensors behind.
   * Reads the loss synchronously, so only on a CPU backend; `stepAsync` works on every
   * backend, WebGPU included (it is what `run` uses).
   */
  stepOnce(): CurvePoint {
    const parts = this.stepTensors();
    const values = Array.from(parts.dataSync());
    parts.dispose();
    return this.record(values);
  }

  /**
   * `stepOnce` reading the loss with `await data()`: the same step on every backend. It runs
   * on the backend `initBackend` chose (on webgpu, the device, even when the caller's code is
   * on the host backend: `useHostBackend`) and leaves that backend current.
   */
  async stepAsync(): Promise<CurvePoint> {
    const parts = await onDevice(() => this.stepTensors());
    const values = Array.from(await parts.data());
    parts.dispose();
    return this.record(values);
  }

  /** The step up to reading its loss: batch, gradients, update. Returns [loss, KL, NLL] in bits (caller disposes). */
  private stepTensors(): tf.Tensor1D {
    const step = this.step;
    const lr = this.learningRateAt(step);
    const batch = this.args.problem.batch(this.rng, this.options.batchSize);
    const { grads, parts } = this.gradients(batch, step);
    this.apply(grads, step, lr);
    tf.dispose(batch as unknown as tf.TensorContainer);
    tf.dispose(Object.values(grads));
    return parts;
  }

  /** Checks the step's loss, advances the step count and records the curve point. */
  private record([lossBits, klBits, nllBits]: number[]): CurvePoint {
    const step = this.step;
    if (!Number.isFinite(lossBits)) {
      throw new KcdlError(`training diverged at step ${step + 1}: the loss is ${lossBits}; lower the learning rate or check the initialisation`);
    }
    this.step = step + 1;
    const point = { step: this.step, lossBits, klBits: this.args.model.kind === "mle" ? null : klBits, nllBits };
    this.curve.push(point);
    return point;
  }

  /** Applies the step's gradients: ψ's through its own optimiser when it has one (scaled rate; skipped while frozen). */
  private apply(grads: Record<string, tf.Tensor>, step: number, lr: number): void {
    this.optimizer.setLearningRate(lr);
    if (!this.priorOptimizer) {
      this.optimizer.applyGradients(grads);
      return;
    }
    const own: Record<string, tf.Tensor> = {};
    const prior: Record<string, tf.Tensor> = {};
    for (const [n, g] of Object.entries(grads)) (this.priorNames.has(n) ? prior : own)[n] = g;
    this.optimizer.applyGradients(own);
    if (step >= (this.options.priorFreezeSteps ?? 0)) {
      this.priorOptimizer.setLearningRate(lr * (this.options.priorLrScale ?? 1));
      this.priorOptimizer.applyGradients(prior);
    }
  }

  /** The evaluation hook, on the host backend (it may read tensors synchronously; `onHost`). */
  private async evaluate(): Promise<void> {
    const hook = this.args.evaluate;
    if (hook) this.history.push({ step: this.step, ...(await onHost(() => hook(this, this.step))) });
  }

  /** Writes the checkpoint now (no-op without a checkpoint path). */
  async saveCheckpoint(): Promise<void> {
    const c = this.args.checkpoint;
    if (!c) return;
    const ckpt: Checkpoint = {
      format: CHECKPOINT_FORMAT,
      configHash: this.configHash,
      step: this.step,
      rngState: this.rng.state(),
      variables: Object.fromEntries(await Promise.all(this.named.map(async ([n, v]) => [n, { shape: v.shape, values: Array.from(await v.data()) }] as const))),
      optimizer: await this.optimizer.exportState(),
      ...(this.priorOptimizer ? { priorOptimizer: await this.priorOptimizer.exportState() } : {}),
      history: this.history,
      curve: this.curve,
    };
    saveCheckpoint(c.path, ckpt);
  }

  /** Restores the state in the checkpoint file (checked against this run's configuration). */
  async restore(file: string): Promise<void> {
    const ckpt = loadCheckpoint(file, this.configHash);
    for (const [name, v] of this.named) {
      const saved = ckpt.variables[name];
      if (!saved || saved.values.length !== v.size) throw new KcdlError(`checkpoint ${file} is corrupt (variable '${name}' missing or of the wrong size); ${START_OVER}`);
      tf.tidy(() => v.assign(tf.tensor(saved.values, v.shape, "float32")));
    }
    if (ckpt.step > 0) await this.optimizer.importState(ckpt.optimizer);
    if (this.priorOptimizer && ckpt.step > (this.options.priorFreezeSteps ?? 0)) {
      if (!ckpt.priorOptimizer) throw new KcdlError(`checkpoint ${file} is corrupt (no state of the prior's optimiser); ${START_OVER}`);
      await this.priorOptimizer.importState(ckpt.priorOptimizer);
    }
    this.rng = rngStream(this.args.seed, "train/data", ckpt.rngState);
    this.step = ckpt.step;
    this.history = ckpt.history;
    this.curve = ckpt.curve;
  }

  /**
   * Trains to `options.steps`, resuming from the checkpoint when one exists.
   * `stopAfter` ends the call after that many steps (checkpointing first), as an
   * interrupted run would; calling `run` again on a new Trainer continues it.
   */
  async run(opts: { stopAfter?: number } = {}): Promise<TrainResult> {
    // trains on the device (webgpu) and hands back to the caller's backend (the host) at the end
    const caller = tf.getBackend();
    try {
      return await this.runSteps(opts);
    } finally {
      await switchTo(caller);
    }
  }

  private async runSteps(opts: { stopAfter?: number }): Promise<TrainResult> {
    const o = this.options;
    const c = this.args.checkpoint;
    let resumedFrom = 0;
    if (c && (c.resume ?? true) && fs.existsSync(c.path)) {
      await this.restore(c.path);
      resumedFrom = this.step;
    }
    if (this.step === 0 && this.history.length === 0) await this.evaluate();
    const progress = this.args.progress ?? silentProgress;
    const label = this.args.label ?? `train ${o.objective}`;
    if (resumedFrom > 0) progress.log(`${label}: resumed from step ${resumedFrom} of ${o.steps} (${c!.path})`);
    progress.start(label, o.steps);
    progress.update(this.step);
    let done = 0;
    const interrupts = interruptScope();
    try {
      while (this.step < o.steps) {
        await yieldToEventLoop();
        const signal = interrupts.signal ?? (this.args.signal?.aborted ? "abort" : undefined);
        if (signal !== undefined) {
          await this.saveCheckpoint();
          progress.stop();
          throw new InterruptedError(this.interruptMessage(signal), signal === "abort" ? "SIGINT" : signal);
        }
        if (opts.stopAfter !== undefined && done >= opts.stopAfter) {
          await this.saveCheckpoint();
          progress.stop();
          return { steps: this.step, completed: false, history: this.history, curve: this.curve, resumedFrom };
        }
        const p = await this.stepAsync();
        done++;
        if ((o.evalEvery > 0 && this.step % o.evalEvery === 0) || this.step === o.steps) await this.evaluate();
        if (c && c.every > 0 && this.step % c.every === 0 && this.step < o.steps) await this.saveCheckpoint();
        // every step: the sinks throttle their own drawing (a paper-preset step takes a minute on wasm)
        progress.update(this.step, p.klBits === null ? { nllBits: p.nllBits } : { lossBits: p.lossBits, klBits: p.klBits, nllBits: p.nllBits });
      }
    } finally {
      interrupts.close();
    }
    if (c && resumedFrom < o.steps) await this.saveCheckpoint();
    progress.stop();
    return { steps: this.step, completed: true, history: this.history, curve: this.curve, resumedFrom };
  }

  private interruptMessage(signal: string): string {
    const o = this.options;
    const c = this.args.checkpoint;
    const what = `${this.args.label ?? `training (${o.objective})`} interrupted (${signal === "abort" ? "aborted" : signal}) after step ${this.step} of ${o.steps}`;
    if (!c) return `${what}; no checkpoint is configured, so a new run starts from step 0`;
    const hint =
      this.args.resumeHint ??
      "run it again with the same preset, seed and settings and resume on: `kcdl run <experiment> --resume` (same --preset, --seed, --set, --out), or the option `resume: true` in a notebook";
    return `${what}; checkpoint written to ${c.path}. To continue from step ${this.step}, ${hint}`;
  }

  /** Live tensors in each gradient worker after its last answer (null without workers): constant over steps when nothing leaks. */
  get workerTensors(): readonly number[] | null {
    return this.pool ? this.pool.liveTensors : null;
  }

  /** Frees the optimiser state and ends the worker threads, if any. */
  dispose(): void {
    this.optimizer.dispose();
    this.priorOptimizer?.dispose();
    this.pool?.dispose();
  }
}

/** A running sum of named gradients (micro-batches, samples, the KL's part): `add` takes ownership of its tensors. */
function gradientSum(): { acc: Record<string, tf.Tensor>; add: (grads: Record<string, tf.Tensor>) => void } {
  const acc: Record<string, tf.Tensor> = {};
  const add = (grads: Record<string, tf.Tensor>) => {
    for (const [name, g] of Object.entries(grads)) {
      const prev = acc[name];
      acc[name] = prev ? tf.add(prev, g) : g;
      if (prev) tf.dispose([prev, g]);
    }
  };
  return { acc, add };
}
