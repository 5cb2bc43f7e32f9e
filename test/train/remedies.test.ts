/**
 * The Trainer's options for the prior-collapse remedies, against closed forms and
 * against runs without them: SGD with momentum (two steps by hand), the prior's own
 * learning-rate multiple and freeze, KL warm-up, resuming with a second optimiser,
 * the Gamma hyper-prior's term in the loss.
 */
import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { disposeModel, testOptions } from "../support/models";
import { testBackend } from "../support/helpers";
import { Posterior, AdaptivePrior, sampledPriorInit, PriorOptions } from "../../src/variational";
import { Trainer, TrainOptions, TrainProblem, TrainModel } from "../../src/train/trainer";
import { makeOptimizer } from "../../src/train/optimizer";
import { mlpSpecs, mlpNllBits, heNormalInit } from "../../src/nn/mlp";
import { identityBatch, IdentityBatch } from "../../src/tasks/identity";
import { rngStream } from "../../src/core/rng";
import { UsageError } from "../../src/core/errors";

before(testBackend);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kcdl-remedies-"));

const specs = mlpSpecs({ inputs: 4, hidden: 8, outputs: 4 });
const problem: TrainProblem<IdentityBatch> = { batch: (rng, size) => identityBatch(4, rng, size), nllBits: (w, b) => mlpNllBits(w, b.x, b.y) };
const options = (o: Partial<TrainOptions> = {}): TrainOptions => testOptions({ steps: 6, batchSize: 16, weightSamples: 1, klSamples: 10, ...o });
function model(extra: Partial<PriorOptions> = {}): TrainModel & { kind: "variational" } {
  const means = heNormalInit(specs, rngStream(1, "init"));
  return {
    kind: "variational",
    posterior: new Posterior(specs, { means, nu: -8 }),
    prior: new AdaptivePrior(specs, means, { grouping: "all", components: 3, init: sampledPriorInit(rngStream(1, "prior"), 3), ...extra }),
  };
}
const priorValues = (m: TrainModel & { kind: "variational" }) => m.prior.namedVariables().map(([, v]) => Array.from(v.dataSync()));
const posteriorValues = (m: TrainModel & { kind: "variational" }) => m.posterior.namedVariables().map(([, v]) => Array.from(v.dataSync()));

test("SGD with momentum: two steps equal v ← m·v + g, θ ← θ − lr·v by hand", () => {
  const x = tf.variable(tf.tensor1d([1, -2]));
  const opt = makeOptimizer({ name: "sgd", beta1: 0.9, beta2: 0.999, epsilon: 1e-8, momentum: 0.5 }, 0.1);
  const g1 = [0.4, -1];
  const g2 = [2, 0.5];
  opt.applyGradients({ [x.name]: tf.tensor1d(g1) });
  opt.setLearningRate(0.2);
  opt.applyGradients({ [x.name]: tf.tensor1d(g2) });
  const v1 = g1;
  const v2 = g2.map((g, i) => 0.5 * v1[i] + g);
  const want = [1, -2].map((t, i) => t - 0.1 * v1[i] - 0.2 * v2[i]);
  Array.from(x.dataSync()).forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-6, `${v} vs ${want[i]}`));
  opt.dispose();
  x.dispose();
});

test("the prior's learning-rate multiple 0 and a freeze hold ψ; the posterior trains as with a shared optimiser", async () => {
  const base = model();
  const before = priorValues(base);
  await new Trainer({ problem, model: base, options: options(), seed: 3 }).run();
  assert.notDeepEqual(priorValues(base), before, "the prior trains by default (the checks below can fail)");

  const zero = model();
  const t0 = new Trainer({ problem, model: zero, options: options({ priorLrScale: 0 }), seed: 3 });
  await t0.run();
  assert.deepEqual(priorValues(zero), before, "lr × 0: ψ unchanged");
  t0.dispose();

  // frozen for 3 of 6 steps: changed by the end; frozen for all 6: unchanged
  const frozen = model();
  const t3 = new Trainer({ problem, model: frozen, options: options({ priorFreezeSteps: 3 }), seed: 3 });
  await t3.run();
  t3.dispose();
  assert.notDeepEqual(priorValues(frozen), before, "trained after the freeze");
  const frozenAll = model();
  const tAll = new Trainer({ problem, model: frozenAll, options: options({ priorFreezeSteps: 6 }), seed: 3 });
  await tAll.run();
  assert.deepEqual(priorValues(frozenAll), before, "frozen for the whole run: unchanged");
  assert.notDeepEqual(posteriorValues(frozenAll), posteriorValues(model()), "the posterior still trains");
  tAll.dispose();
  [base, zero, frozen, frozenAll].forEach(disposeModel);
});

test("a scale other than 1 splits the optimiser; resuming such a run from its checkpoint ends as the uninterrupted run (Adam and SGD)", async () => {
  for (const o of [{ priorLrScale: 10, priorFreezeSteps: 2 }, { optimizer: "sgd" as const, momentum: 0.9, learningRate: 1e-3, finalLearningRate: 1e-4, priorLrScale: 0.5 }]) {
    const a = model();
    const ta = new Trainer({ problem, model: a, options: options(o), seed: 4 });
    assert.ok(ta.priorOptimizer, "ψ has its own optimiser");
    const ra = await ta.run();
    const file = path.join(tmp, `resume-${o.priorLrScale}.json`);
    const b1 = model();
    const tb1 = new Trainer({ problem, model: b1, options: options(o), seed: 4, checkpoint: { path: file, every: 0 } });
    await tb1.run({ stopAfter: 3 });
    tb1.dispose();
    disposeModel(b1);
    const b2 = model();
    const tb2 = new Trainer({ problem, model: b2, options: options(o), seed: 4, checkpoint: { path: file, every: 0 } });
    const rb = await tb2.run();
    assert.equal(rb.resumedFrom, 3);
    assert.deepEqual(rb.curve, ra.curve);
    assert.deepEqual([...posteriorValues(b2), ...priorValues(b2)], [...posteriorValues(a), ...priorValues(a)]);
    [ta, tb2].forEach((t) => t.dispose());
    [a, b2].forEach(disposeModel);
  }
});

test("KL warm-up: the coefficient is klCoef·min(1, (t+1)/W), and the loss of step 1 uses it", async () => {
  const m = model();
  const t = new Trainer({ problem, model: m, options: options({ klWarmupSteps: 4, steps: 2 }), seed: 5 });
  assert.deepEqual([0, 1, 2, 3, 4, 10].map((s) => t.klCoefAt(s)), [0.25, 0.5, 0.75, 1, 1, 1].map((f) => f * 1e-2));
  const r = await t.run();
  r.curve.forEach((p, i) => {
    const want = t.klCoefAt(i) * p.klBits! + p.nllBits;
    assert.ok(Math.abs(p.lossBits - want) <= 1e-4 * want, `step ${p.step}: ${p.lossBits} vs ${want}`);
  });
  t.dispose();
  disposeModel(m);
  // annealed down from 10×: klCoef·(10 − 9·min(1, (t+1)/4))
  const down = new Trainer({ problem, model: model(), options: options({ klWarmupSteps: 4, klStart: 10 }), seed: 5 });
  [0, 1, 2, 3, 9].forEach((s) => assert.ok(Math.abs(down.klCoefAt(s) - 1e-2 * (10 - 9 * Math.min(1, (s + 1) / 4))) < 1e-15, `step ${s}`));
  down.dispose();
  assert.throws(() => new Trainer({ problem, model: model(), options: options({ klWarmupSteps: -1 }), seed: 1 }), UsageError);
  assert.throws(() => new Trainer({ problem, model: model(), options: options({ optimizer: "rmsprop" as never }), seed: 1 }), /optimizer/);
  assert.throws(() => new Trainer({ problem, model: model(), options: options({ optimizer: "sgd", momentum: 1 }), seed: 1 }), /momentum/);
});

test("the Gamma hyper-prior adds klCoef·Σ[b·λ − (a−1)·ln λ]/ln 2 to the loss, λ = 1/softplus(ν)", async () => {
  const gamma = { shape: 3, rate: 0.5 };
  const m = model({ gamma });
  const nu = m.prior.gmms()[0].nu;
  const want = nu.reduce((s, v) => {
    const lambda = 1 / Math.log1p(Math.exp(v));
    return s + gamma.rate * lambda - (gamma.shape - 1) * Math.log(lambda);
  }, 0) / Math.LN2;
  const got = m.prior.hyperPriorBits()!;
  assert.ok(Math.abs(got.dataSync()[0] - want) < 1e-4 * Math.abs(want), `${got.dataSync()[0]} vs ${want}`);
  got.dispose();
  const t = new Trainer({ problem, model: m, options: options({ steps: 1 }), seed: 6 });
  const p = t.stepOnce();
  assert.ok(Math.abs(p.lossBits - (1e-2 * (p.klBits! + want) + p.nllBits)) <= 1e-4 * p.lossBits, `${p.lossBits}`);
  t.dispose();
  disposeModel(m);
});
