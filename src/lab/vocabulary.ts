/**
 * The config vocabulary shared by every experiment: the same key means the same
 * thing everywhere, so an ablation or a sweep is one key (`--set train.klCoef=1e-4`
 * works wherever a KL coefficient exists). Each constructor takes the experiment's
 * value and the reason for it; the key's meaning is written once, in `MEANING`.
 *
 *   train.{steps, batchSize, lr, warmupSteps, decaySteps, finalLr, klCoef, klWarmupSteps, klStart}
 *   optimizer.{name, beta1, beta2, eps, momentum, priorLrScale}
 *   posterior.{nu, components, temperature}
 *   prior.{components, init, nu, grouping, freezeSteps, zeroComponent, gammaShape, gammaRate}
 */
import { int, num, numOrNums, oneOf, optNum } from "./schema";
import { PRIOR_GROUPINGS, PRIOR_INITS, PriorGrouping, PriorInit, PriorOptions, priorInit } from "../variational/prior";
import type { TrainOptions } from "../train/trainer";
import { OPTIMIZER_NAMES, OptimizerName } from "../train/optimizer";
import { UsageError } from "../core/errors";
import type { Rng } from "../core/rng";

/** What each vocabulary key means, in every experiment that has it. */
export const MEANING: Readonly<Record<string, string>> = {
  "train.steps": "Optimisation steps",
  "train.batchSize": "Examples per minibatch",
  "train.lr": "Peak learning rate, reached at the end of warmup (C.1's schedule)",
  "train.warmupSteps": "Steps of linear warmup from 0 to train.lr",
  "train.decaySteps": "Steps of exponential decay from train.lr to train.finalLr after warmup, constant after; 0 = until the last step",
  "train.finalLr": "Learning rate at the end of the exponential decay",
  "train.klCoef": "Weight of KL[β ‖ α] in the loss klCoef·KL + NLL (variational rows)",
  "train.klWarmupSteps": "KL warm-up: the KL coefficient moves linearly from train.klStart × klCoef to klCoef over this many first steps (Bowman et al. 2016; Sønderby et al. 2016); 0 = klCoef from the start",
  "train.klStart": "The KL coefficient at the start of the warm-up as a multiple of klCoef: 0 = warm up from 0; > 1 = anneal down from a stronger KL",
  "optimizer.name": 'Optimiser: "adam" (C.1) or "sgd" (SGD with optimizer.momentum)',
  "optimizer.momentum": 'Momentum m of "sgd": v ← m·v + g, θ ← θ − lr·v',
  "optimizer.priorLrScale": "Learning rate of the adaptive prior's parameters ψ (μ, ν, w) as a multiple of the schedule's (a separate optimiser instance); 1 = the same",
  "optimizer.beta1": "Adam β₁, the decay of the first-moment estimate",
  "optimizer.beta2": "Adam β₂, the decay of the second-moment estimate",
  "optimizer.eps": "Adam ε, added to the root of the second moment",
  "posterior.nu": "Initial ν of every posterior component, σ² = softplus(ν) (B.9.1)",
  "posterior.components": "Components of each GMM posterior; 1 = Gaussian",
  "posterior.temperature": "Temperature of the straight-through Gumbel-softmax samples of GMM posteriors",
  "prior.components": "Components of each adaptive GMM prior (eq. 86)",
  "prior.init": 'Initial prior components: "sampled" = means drawn from the initial posterior means, equal mixing weights (C.1); "grid" = means evenly spaced over [min, max] of those means',
  "prior.nu": "Initial ν of the prior components, σ² = softplus(ν)",
  "prior.grouping": 'Weights that share one prior GMM: "all" (one for the model), "tensor" (one per parameter tensor), "column" (one per column)',
  "prior.freezeSteps": "Steps during which the prior's parameters ψ are not updated; 0 = trained from the start",
  "prior.zeroComponent": "Mixing weight π₀ of one prior component fixed at μ = 0 (its variance trains; Ullrich et al. 2017); null = none",
  "prior.gammaShape": "Shape a of a Gamma(a, b) hyper-prior on every prior component's precision 1/σ², added to the KL term (Ullrich et al. 2017); null = none",
  "prior.gammaRate": "Rate b of the Gamma hyper-prior (set with prior.gammaShape); null = none",
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
  klWarmupSteps: (v = 0, why = "") => int(v, doc("train.klWarmupSteps", why)),
  klStart: (v = 0, why = "") => num(v, doc("train.klStart", why), { min: 0 }),
};

export { OPTIMIZER_NAMES };
export type { OptimizerName };

const adamKeys = (v: { beta1?: number; beta2?: number; eps?: number }) => ({
  beta1: num(v.beta1 ?? 0.9, doc("optimizer.beta1", ""), { min: 0, max: 0.999999 }),
  beta2: num(v.beta2 ?? 0.999, doc("optimizer.beta2", ""), { min: 0, max: 0.999999999 }),
  eps: num(v.eps ?? 1e-8, doc("optimizer.eps", ""), { min: 0 }),
});

/** The optimiser section of an experiment with its own Adam loop (C.1: Adam; it gives no β or ε, so Adam's usual defaults unless `v` says otherwise). */
export function optimizer(v: { beta1?: number; beta2?: number; eps?: number } = {}, why = "C.1: Adam") {
  return { name: oneOf(["adam"] as const, "adam", doc("optimizer.name", why)), ...adamKeys(v) };
}

/** The optimiser section of an experiment that trains with the Trainer: Adam or SGD with momentum, and ψ's own learning-rate multiple. */
export function trainerOptimizer(v: { name?: OptimizerName; beta1?: number; beta2?: number; eps?: number; momentum?: number } = {}, why = "C.1: Adam") {
  return {
    name: oneOf(OPTIMIZER_NAMES, v.name ?? "adam", doc("optimizer.name", why)),
    ...adamKeys(v),
    momentum: num(v.momentum ?? 0.9, doc("optimizer.momentum", ""), { min: 0, max: 0.999999 }),
    priorLrScale: num(1, doc("optimizer.priorLrScale", ""), { min: 0 }),
  };
}

/** The posterior β over weights (eq. 10): Gaussian or GMM per weight. */
export const posterior = {
  nu: (v: number, why = "") => num(v, doc("posterior.nu", why)),
  components: (v: number, why = "") => int(v, doc("posterior.components", why), { min: 1 }),
  temperature: (v: number, why = "") => num(v, doc("posterior.temperature", why), { min: 1e-6 }),
};

export { PRIOR_INITS };
export type { PriorInit };

/** The adaptive GMM prior α (eq. 86, B.9.3): one GMM per group of weights. */
export const prior = {
  components: (v: number, why = "") => int(v, doc("prior.components", why), { min: 1 }),
  init: (v: PriorInit, why = "") => oneOf(PRIOR_INITS, v, doc("prior.init", why)),
  nu: (v: number, why = "") => num(v, doc("prior.nu", why)),
  grouping: (v: PriorGrouping, why = "") => oneOf(PRIOR_GROUPINGS, v, doc("prior.grouping", why)),
  /** prior.freezeSteps, prior.zeroComponent, prior.gammaShape, prior.gammaRate: off unless set (the remedies `prior-collapse` measures). */
  remedies: () => ({
    freezeSteps: int(0, doc("prior.freezeSteps", "")),
    zeroComponent: optNum(null, doc("prior.zeroComponent", "")),
    gammaShape: optNum(null, doc("prior.gammaShape", ""), { min: 0 }),
    gammaRate: optNum(null, doc("prior.gammaRate", ""), { min: 0 }),
  }),
};

/** The prior keys a trained adaptive prior reads (prior.* with `prior.remedies()`). */
export interface PriorKeys {
  components: number;
  init: PriorInit;
  nu: number;
  freezeSteps: number;
  zeroComponent: number | null;
  gammaShape: number | null;
  gammaRate: number | null;
}

/** What the schema cannot check of the prior keys (relations between them); `where` names the experiment. */
export function checkPriorKeys(p: PriorKeys, where: string): void {
  if ((p.gammaShape === null) !== (p.gammaRate === null)) {
    throw new UsageError(`${where}: set prior.gammaShape and prior.gammaRate together (a Gamma hyper-prior needs both), got ${p.gammaShape} and ${p.gammaRate}`);
  }
  if (p.gammaShape !== null && !(p.gammaShape > 0 && p.gammaRate! > 0)) throw new UsageError(`${where}: prior.gammaShape and prior.gammaRate must be > 0`);
  if (p.zeroComponent !== null && !(p.zeroComponent > 0 && p.zeroComponent < 1)) throw new UsageError(`${where}: prior.zeroComponent must be in (0, 1) or null, got ${p.zeroComponent}`);
  if (p.zeroComponent !== null && p.components < 2) throw new UsageError(`${where}: prior.zeroComponent needs prior.components ≥ 2, got ${p.components}`);
}

/** A trained prior's options from prior.* (the grouping aside): components, initialisation from `rng`, zero component, hyper-prior. */
export function adaptivePriorOptions(p: PriorKeys, rng: Rng): Omit<PriorOptions, "grouping"> {
  return {
    components: p.components,
    init: priorInit(p.init, rng, p.components, p.nu),
    ...(p.zeroComponent !== null ? { zeroComponent: p.zeroComponent } : {}),
    ...(p.gammaShape !== null ? { gamma: { shape: p.gammaShape, rate: p.gammaRate! } } : {}),
  };
}

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
  klWarmupSteps?: number;
  klStart?: number;
}

/**
 * The Trainer's options from the vocabulary (train.*, optimizer.*): C.1's schedule with Adam.
 * `extra` sets what differs per row (objective, KL coefficient, steps, micro-batching).
 */
export function trainerOptions(
  t: TrainKeys,
  o: { name?: OptimizerName; beta1: number; beta2: number; eps: number; momentum?: number; priorLrScale?: number },
  extra: Pick<TrainOptions, "objective" | "klCoef"> & Partial<TrainOptions>,
  p?: { freezeSteps: number },
): TrainOptions {
  // options at their defaults are left out, so the checkpoint hash of a C.1 run does not change
  const nonDefault = <T>(v: T | undefined, d: T) => (v === undefined || v === d ? undefined : v);
  const optional: Partial<TrainOptions> = {
    optimizer: nonDefault(o.name, "adam"),
    momentum: o.name === "sgd" ? o.momentum : undefined,
    priorLrScale: nonDefault(o.priorLrScale, 1),
    priorFreezeSteps: nonDefault(p?.freezeSteps, 0),
    klWarmupSteps: nonDefault(t.klWarmupSteps, 0),
    klStart: t.klWarmupSteps ? nonDefault(t.klStart, 0) : undefined,
  };
  for (const k of Object.keys(optional) as (keyof TrainOptions)[]) if (optional[k] === undefined) delete optional[k];
  return {
    ...optional,
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
