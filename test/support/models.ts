/** Train models shared by the trainer tests: point weights or a posterior with a per-tensor adaptive prior. */
import { Posterior, AdaptivePrior, sampledPriorInit } from "../../src/variational";
import { PointWeights } from "../../src/nn/param-tree";
import type { TrainModel, TrainOptions } from "../../src/train/trainer";
import type { ParamSpec, WeightValues } from "../../src/nn/param-tree";
import { rngStream } from "../../src/core/rng";

/** MLE: point weights at `means`; variational: Gaussian posteriors (ν = −6; GMM where `components` says) and 2-component priors per tensor. */
export function trainModel(kind: "mle" | "variational", specs: ParamSpec[], means: WeightValues, components: Record<string, number> = {}): TrainModel {
  if (kind === "mle") return { kind, point: new PointWeights(specs, means) };
  return {
    kind,
    posterior: new Posterior(specs, { means, nu: -6, components }),
    prior: new AdaptivePrior(specs, means, { grouping: "tensor", components: 2, init: sampledPriorInit(rngStream(3, "prior"), 2) }),
  };
}

/** Frees a model's variables. */
export function disposeModel(m: TrainModel): void {
  if (m.kind === "mle") m.point.dispose();
  else {
    m.posterior.dispose();
    m.prior.dispose();
  }
}

/** Variational training options for the small test problems (4 steps of 32, S = 2, 20 KL samples, Adam at 10⁻² → 10⁻³), with overrides. */
export function testOptions(o: Partial<TrainOptions> = {}): TrainOptions {
  return {
    objective: "variational",
    steps: 4,
    batchSize: 32,
    klCoef: 1e-2,
    weightSamples: 2,
    klSamples: 20,
    learningRate: 1e-2,
    warmupSteps: 0,
    finalLearningRate: 1e-3,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-8,
    evalEvery: 0,
    ...o,
  };
}
