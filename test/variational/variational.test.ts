import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { closeTo, testBackend } from "../support/helpers";
import { Posterior, AdaptivePrior, treeKlBitsT, klByGroup, sampledPriorInit } from "../../src/variational";
import { PointWeights, ParamSpec } from "../../src/nn/param-tree";
import { gaussian, gmm, softplus } from "../../src/codes/gmm";
import { klQuadratureBits } from "../../src/codes/quadrature";
import { rngStream } from "../../src/core/rng";
import { UsageError } from "../../src/core/errors";

before(testBackend);

const specs: ParamSpec[] = [
  { name: "W", shape: [3, 2] },
  { name: "b", shape: [2] },
];
const means = { W: [0.5, -0.3, 1.2, 0.1, -0.8, 0.4], b: [0.2, -0.1] };

/** KL[N(m1, s1) ‖ N(m2, s2)] in bits, written out independently of codes/kl.ts. */
const klGauss = (m1: number, s1: number, m2: number, s2: number) => (0.5 * (Math.log(s2 / s1) + (s1 + (m1 - m2) ** 2) / s2 - 1)) / Math.LN2;

test("Gaussian posterior vs 1-component prior: closed form equals the textbook formula and the MC estimate", () => {
  const post = new Posterior(specs, { means, nu: -1 });
  const prior = new AdaptivePrior(specs, means, { grouping: "all", components: 1, init: () => gmm([0.3], [0.5]) });
  const kl = treeKlBitsT(post, prior, { samples: 1, seed: 1 });
  const exact = [...means.W, ...means.b].reduce((a, m) => a + klGauss(m, softplus(-1), 0.3, softplus(0.5)), 0);
  closeTo(kl.total.dataSync()[0], exact, 1e-4, "closed form");
  // the Monte-Carlo estimator (plain, without the exact entropy) agrees within its error
  const mc = treeKlBitsT(post, prior, { samples: 20000, seed: 7, closedForm: false, exactEntropy: false });
  closeTo(mc.total.dataSync()[0], exact, 0.05 * exact + 0.05, "MC vs closed form");
  tf.dispose([kl, mc] as unknown as tf.TensorContainer);
  post.dispose();
  prior.dispose();
});

test("3-component prior: MC KL per tensor agrees with quadrature; per-column groups sum per column", () => {
  const post = new Posterior(specs, { means, nu: -3 });
  const init = () => gmm([-0.5, 0, 0.8], [-2, -1, -2.5], [0.1, 0, -0.3]);
  const prior = new AdaptivePrior(specs, means, { grouping: "column", components: 3, init });
  assert.deepEqual(
    prior.groups().map((g) => g.name),
    ["W[:, 0]", "W[:, 1]", "b"],
  );
  const g = gmm([-0.5, 0, 0.8], [-2, -1, -2.5], [0.1, 0, -0.3]);
  const quad = (m: number) => klQuadratureBits(gaussian(m, softplus(-3)), g);
  const byGroup = klByGroup(post, prior, { samples: 20000, seed: 3 });
  const col = (j: number) => means.W.filter((_, i) => i % 2 === j).reduce((a, m) => a + quad(m), 0);
  closeTo(byGroup.groups[0].bits, col(0), 0.03, "column 0");
  closeTo(byGroup.groups[1].bits, col(1), 0.03, "column 1");
  closeTo(byGroup.groups[2].bits, means.b.reduce((a, m) => a + quad(m), 0), 0.03, "bias group");
  closeTo(byGroup.total, col(0) + col(1) + means.b.reduce((a, m) => a + quad(m), 0), 0.05, "total");
  post.dispose();
  prior.dispose();
});

test("sampling: Gaussian moments, GMM component frequencies, and straight-through gradients reach the mixing logits", () => {
  const post = new Posterior([{ name: "v", shape: [1] }], { means: { v: [0.7] }, nu: 0 });
  const xs: number[] = [];
  for (let s = 1; s <= 4000; s++) {
    const w = post.sample(s);
    xs.push(w.v.dataSync()[0]);
    tf.dispose(w);
  }
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
  closeTo(mean, 0.7, 4 * Math.sqrt(softplus(0) / xs.length), "sample mean");
  closeTo(variance, softplus(0), 0.06, "sample variance");
  post.dispose();

  const g = new Posterior([{ name: "e", shape: [2] }], { means: { e: [-1, 1, -1, 1] }, nu: -8, components: { e: 2 } });
  tf.tidy(() => g.param("e").w.assign(tf.tensor2d([[Math.log(0.2), Math.log(0.8)], [0, 0]])));
  let pos = 0;
  for (let s = 1; s <= 2000; s++) {
    const w = g.sample(s);
    if (w.e.dataSync()[0] > 0) pos++;
    tf.dispose(w);
  }
  closeTo(pos / 2000, 0.8, 0.04, "P(component at +1)");
  const { grads } = tf.variableGrads(() => tf.sum(g.sample(5).e) as tf.Scalar, [g.param("e").w, g.param("e").mu]);
  assert.ok(tf.tidy(() => tf.sum(tf.abs(grads[g.param("e").w.name])).dataSync()[0]) > 0, "gradient reaches the mixing logits");
  tf.dispose(Object.values(grads));
  g.dispose();
});

test("sampledPriorInit draws component means from the weights, ν = 1, equal mixing", () => {
  const init = sampledPriorInit(rngStream(1, "t"), 3);
  const p = init({ name: "all", size: 8 }, means.W);
  assert.equal(p.mu.length, 3);
  for (const m of p.mu) assert.ok(means.W.includes(m));
  assert.equal(new Set(p.mu).size, 3, "without replacement");
  assert.deepEqual([...p.nu], [1, 1, 1]);
  assert.deepEqual([...p.w], [0, 0, 0]);
});

test("bad input gives clear UsageErrors", () => {
  assert.throws(() => new Posterior(specs, { means: { W: [1, 2], b: [0, 0] }, nu: -10 }), (e: Error) => e instanceof UsageError && /'W'/.test(e.message));
  assert.throws(() => new Posterior(specs, { means, nu: -10, components: { nope: 2 } }), /unknown parameter 'nope'/);
  assert.throws(() => new Posterior([{ name: "a", shape: [2] }, { name: "a", shape: [1] }], { means: { a: [0, 0] }, nu: 0 }), /declared twice/);
  assert.throws(
    () => new AdaptivePrior(specs, means, { grouping: "rows" as never, components: 3, init: () => gmm([0], [0]) }),
    /unknown prior grouping 'rows'/,
  );
  assert.throws(() => new AdaptivePrior(specs, means, { grouping: "all", components: 3, init: () => gmm([0], [0]) }), /returned 1 components, expected 3/);
  const post = new Posterior(specs, { means, nu: -10 });
  const prior = new AdaptivePrior(specs, means, { grouping: "tensor", components: 2, init: () => gmm([0, 1], [0, 0]) });
  assert.throws(() => treeKlBitsT(post, prior, { samples: 0, seed: 1 }), /samples must be an integer ≥ 1/);
  post.dispose();
  prior.dispose();
});

test("posterior, prior and point weights own exactly their variables: construct + dispose leaves no tensor behind", async () => {
  await testBackend();
  const specs = [
    { name: "a", shape: [3, 2] },
    { name: "b", shape: [4] },
  ];
  const means = { a: [0.1, -0.2, 0.3, 0.4, -0.5, 0.6], b: [1, 2, 3, 4] };
  const before = tf.memory().numTensors;
  const post = new Posterior(specs, { means, nu: -10, components: { b: 2 } });
  assert.equal(tf.memory().numTensors - before, 3 * 2, "μ, ν, w per parameter");
  const point = new PointWeights(specs, means);
  assert.equal(tf.memory().numTensors - before, 3 * 2 + 2, "one variable per point weight");
  const prior = new AdaptivePrior(specs, means, { grouping: "tensor", components: 2, init: () => gmm([0, 1], [0.5, 0.5]) });
  assert.equal((tf.memory().numTensors - before - 8) % 3, 0, "μ, ν, w per prior block");
  post.dispose();
  prior.dispose();
  point.dispose();
  assert.equal(tf.memory().numTensors, before);
});
