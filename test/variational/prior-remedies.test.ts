/**
 * The adaptive prior's options from soft weight-sharing and the grid initialisation:
 * a fixed zero component (μ₀ = 0 and π₀ exact, before and after training; the KL against
 * it equals the quadrature KL against the same GMM), the grid of means, L_Ψ without the
 * fixed parameters, and bad options refused.
 */
import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { testBackend } from "../support/helpers";
import { AdaptivePrior, Posterior, gridPriorInit, sampledPriorInit, treeKlBitsT } from "../../src/variational";
import { Trainer } from "../../src/train/trainer";
import { gaussian } from "../../src/codes/gmm";
import { klQuadratureBits } from "../../src/codes/quadrature";
import { priorParameterBits } from "../../src/codes/codelength";
import { mlpSpecs, mlpNllBits, heNormalInit } from "../../src/nn/mlp";
import { identityBatch } from "../../src/tasks/identity";
import { rngStream } from "../../src/core/rng";
import { UsageError } from "../../src/core/errors";

before(testBackend);
const specs = mlpSpecs({ inputs: 4, hidden: 8, outputs: 4 });
const means = heNormalInit(specs, rngStream(2, "init"));

test("a fixed zero component: μ₀ = 0 and π₀ exact before and after training; the KL equals the quadrature KL against it", async () => {
  const prior = new AdaptivePrior(specs, means, { grouping: "tensor", components: 3, init: sampledPriorInit(rngStream(2, "prior"), 3), zeroComponent: 0.8 });
  const posterior = new Posterior(specs, { means, nu: -4 });
  const check = () => {
    for (const s of prior.summary()) {
      assert.ok(s.mu[0] === 0, `μ₀ ${s.mu[0]}`); // −0 from the mask counts as 0
      assert.ok(Math.abs(s.pi[0] - 0.8) < 1e-6, `π₀ ${s.pi[0]}`);
      assert.ok(Math.abs(s.pi.reduce((a, b) => a + b, 0) - 1) < 1e-6);
    }
  };
  check();
  const problem = { batch: (rng: () => number, n: number) => identityBatch(4, rng as never, n), nllBits: (w: never, b: ReturnType<typeof identityBatch>) => mlpNllBits(w, b.x, b.y) };
  const t = new Trainer({
    problem: problem as never,
    model: { kind: "variational", posterior, prior },
    options: { objective: "variational", steps: 5, batchSize: 16, klCoef: 1, weightSamples: 1, klSamples: 10, learningRate: 0.05, warmupSteps: 0, finalLearningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, evalEvery: 0 },
    seed: 1,
  });
  await t.run();
  t.dispose();
  check();
  // the Monte-Carlo KL against the effective GMM vs quadrature, per weight summed
  const gmms = prior.gmms();
  let exact = 0;
  posterior.snapshot().forEach((s, k) => {
    for (let i = 0; i < s.mu.length; i++) exact += klQuadratureBits(gaussian(s.mu[i][0], s.sigma2[i][0]), gmms[k]);
  });
  const mc = tf.tidy(() => treeKlBitsT(posterior, prior, { samples: 4000, seed: 9 }).total.dataSync()[0]);
  assert.ok(Math.abs(mc - exact) < 0.02 * exact, `MC ${mc} vs quadrature ${exact}`);
  posterior.dispose();
  prior.dispose();
});

test("grid init spreads the means evenly over [min, max] of the initial weights; bad options are refused", () => {
  const w = [-1.5, 0.25, 2.5, 0];
  assert.deepEqual(gridPriorInit(5, 1)({ name: "all", size: 4 }, w).mu, [-1.5, -0.5, 0.5, 1.5, 2.5]);
  assert.deepEqual(gridPriorInit(1, 1)({ name: "all", size: 4 }, w).mu, [0.5]);
  const init = sampledPriorInit(rngStream(1, "p"), 3);
  assert.throws(() => new AdaptivePrior(specs, means, { grouping: "all", components: 1, init: sampledPriorInit(rngStream(1, "p"), 1), zeroComponent: 0.5 }), /components ≥ 2/);
  assert.throws(() => new AdaptivePrior(specs, means, { grouping: "all", components: 3, init, zeroComponent: 1 }), UsageError);
  assert.throws(() => new AdaptivePrior(specs, means, { grouping: "all", components: 3, init, gamma: { shape: 0, rate: 1 } }), /Gamma/);
});

test("L_Ψ leaves out the fixed parameters: 32 · groups · (3K − fixed)", () => {
  assert.equal(priorParameterBits({ groups: 4, components: 3 }), 32 * 4 * 9);
  assert.equal(priorParameterBits({ groups: 4, components: 3, fixedPerGroup: 2 }), 32 * 4 * 7);
});
