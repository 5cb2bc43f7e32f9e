/**
 * The config vocabulary shared by every experiment: the same key means the same
 * thing everywhere, so an ablation or a sweep is one key (`--set train.klCoef=1e-4`
 * works wherever a KL coefficient exists). Each constructor takes the experiment's
 * value and the reason for it; the key's meaning is written once, in `MEANING`.
 *
 *   train.{steps, batchSize, lr, warmupSteps, decaySteps, finalLr, klCoef}
 *   optimizer.{name, beta1, beta2, eps}
 *   posterior.{nu, components, temperature}
 *   prior.{components, init, nu, grouping}
 */
import { int, num, numOrNums, oneOf } from "./schema";
import { PRIOR_GROUPINGS, PriorGrouping } from "../variational/prior";
import type { TrainOptions } from "../train/trainer";

/** What each vocabulary key means, in every experiment that has it. */
export const MEANING: Readonly<Record<string, string>> = {
  "train.steps": "Optimisation steps",
  "train.batchSize": "Examples per minibatch",
  "train.lr": "Peak learning rate, reached at the end of warmup (C.1's schedule)",
  "train.warmupSteps": "Steps of linear warmup from 0 to train.lr",
  "train.decaySteps": "Steps of exponential decay from train.lr to train.finalLr after warmup, constant after; 0 = until the last step",
  "train.finalLr": "Learning rate at the end of the exponential decay",
  "train.klCoef": "Weight of KL[β ‖ α] in the loss klCoef·KL + NLL (variational rows)",
  "optimizer.name": "Optimiser",
  "optimizer.beta1": "Adam β₁, the decay of the first-moment estimate",
  "optimizer.beta2": "Adam β₂, the decay of the second-moment estimate",
  "optimizer.eps": "Adam ε, added to the root of the second moment",
  "posterior.nu": "Initial ν of every posterior component, σ² = softplus(ν) (B.9.1)",
  "posterior.components": "Components of each GMM posterior; 1 = Gaussian",
  "posterior.temperature": "Temperature of the straight-through Gumbel-softmax samples of GMM posteriors",
  "prior.components": "Components of each adaptive GMM prior (eq. 86)",
  "prior.init": 'Initial prior components: "sampled" = means drawn from the initial posterior means, equal mixing weights (C.1)',
  "prior.nu": "Initial ν of the prior components, σ² = softplus(ν)",
  "prior.grouping": 'Weights that share one prior GMM: "all" (one for the model), "tensor" (one per parameter tensor), "column" (one per column)',
};

const doc = (key: string, why: string) => (why ? `${MEANING[key]}. ${why}` : `${MEANING[key]}.`);

/** The training loop of C.1: minibatch Adam, linear warmup, exponential decay, the KL weight. */
export const train = {
  steps: (v: number, why = "") => int(v, doc("train.steps", why)),
  batchSize: (v: number, why = "") => int(v, doc("train.batchSize", why), { min: 1 }),
  lr: (v: number, why = "") => num(v, doc("train.lr", why), { min: 0 }),
  warmupSteps: (v: number, why = "") => int(v, doc("train.warmupSteps", why)),
  decaySteps: (v: number, why = "") => int(v, doc("train.decaySteps", why)),
  finalLr: (v: number, why = "") => num(v, doc("train.finalLr", why), { min: 0 }),
  klCoef: (v: number, why = "") => num(v, doc("train.klCoef", why), { min: 0 }),
  /** `train.klCoef` where the experiment runs one row per value of a list (Table 2). */
  klCoefs: (v: number | number[], why = "") => numOrNums(v, doc("train.klCoef", `A list runs one row per value. ${why}`.trim()), { min: 0 }),
};

export const OPTIMIZERS = ["adam"] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** The optimiser section (C.1: Adam; it gives no β or ε, so Adam's usual defaults unless `v` says otherwise). */
export function optimizer(v: { name?: OptimizerName; beta1?: number; beta2?: number; eps?: number } = {}, why = "C.1: Adam") {
  return {
    name: oneOf(OPTIMIZERS, v.name ?? "adam", doc("optimizer.name", why)),
    beta1: num(v.beta1 ?? 0.9, doc("optimizer.beta1", ""), { min: 0, max: 0.999999 }),
    beta2: num(v.beta2 ?? 0.999, doc("optimizer.beta2", ""), { min: 0, max: 0.999999999 }),
    eps: num(v.eps ?? 1e-8, doc("optimizer.eps", ""), { min: 0 }),
  };
}

/** The posterior β over weights (eq. 10): Gaussian or GMM per weight. */
export const posterior = {
  nu: (v: number, why = "") => num(v, doc("posterior.nu", why)),
  components: (v: number, why = "") => int(v, doc("posterior.components", why), { min: 1 }),
  temperature: (v: number, why = "") => num(v, doc("posterior.temperature", why), { min: 1e-6 }),
};

export const PRIOR_INITS = ["sampled"] as const;
export type PriorInit = (typeof PRIOR_INITS)[number];

/** The adaptive GMM prior α (eq. 86, B.9.3): one GMM per group of weights. */
export const prior = {
  components: (v: number, why = "") => int(v, doc("prior.components", why), { min: 1 }),
  init: (v: PriorInit, why = "") => oneOf(PRIOR_INITS, v, doc("prior.init", why)),
  nu: (v: number, why = "") => num(v, doc("prior.nu", why)),
  grouping: (v: PriorGrouping, why = "") => oneOf(PRIOR_GROUPINGS, v, doc("prior.grouping", why)),
};

/** The vocabulary's `train.*` keys every training experiment has (its own keys may be more). */
export interface TrainKeys {
  steps: number;
  batchSize: number;
  lr: number;
  warmupSteps: number;
  decaySteps: number;
  finalLr: number;
  weightSamples: number;
  klSamples: number;
  evalEvery: number;
}

/**
 * The Trainer's options from the vocabulary (train.*, optimizer.*): C.1's schedule with Adam.
 * `extra` sets what differs per row (objective, KL coefficient, steps, micro-batching).
 */
export function trainerOptions(t: TrainKeys, o: { beta1: number; beta2: number; eps: number }, extra: Pick<TrainOptions, "objective" | "klCoef"> & Partial<TrainOptions>): TrainOptions {
  return {
    steps: t.steps,
    batchSize: t.batchSize,
    weightSamples: t.weightSamples,
    klSamples: t.klSamples,
    learningRate: t.lr,
    warmupSteps: t.warmupSteps,
    finalLearningRate: t.finalLr,
    decaySteps: t.decaySteps,
    evalEvery: t.evalEvery,
    beta1: o.beta1,
    beta2: o.beta2,
    epsilon: o.eps,
    ...extra,
  };
}
