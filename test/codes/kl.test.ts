import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { closeTo, testBackend } from "../support/helpers";
import { gaussian, gmm, gmmFromMoments, gmmToTensors, inverseSoftplus, disposeGmm } from "../../src/codes/gmm";
import { klGaussianBits, klGaussianBitsT, klMonteCarloBitsT, klMonteCarloTermsT } from "../../src/codes/kl";
import { klQuadratureBits } from "../../src/codes/quadrature";

const nu = inverseSoftplus;

test("closed-form Gaussian KL is eq. 91 for the N(0,1) prior", () => {
  for (const [mu, s2] of [[0, 1], [0.7, 0.3], [-2, 4], [1, 1e-6]]) {
    const eq91 = (0.5 * (s2 + mu * mu - 1 - Math.log(s2))) / Math.LN2;
    closeTo(klGaussianBits(mu, nu(s2), 0, nu(1)), eq91, 1e-12, `μ=${mu}, σ²=${s2}`);
  }
  assert.equal(klGaussianBits(0.3, nu(0.5), 0.3, nu(0.5)), 0);
});

test("quadrature equals the closed form, including ν = −50 and far-apart means", () => {
  const cases: [number, number, number, number][] = [
    [0.3, nu(0.2), 0, nu(1)],
    [5, nu(0.01), -5, nu(3)],
    [0.7, -50, 0, nu(1)],
    [1, nu(1e-4), 1, -30],
    [0, nu(100), 0.5, nu(0.01)],
  ];
  for (const [m1, n1, m2, n2] of cases) {
    const want = klGaussianBits(m1, n1, m2, n2);
    const got = klQuadratureBits(gmm([m1], [n1]), gmm([m2], [n2]));
    closeTo(got, want, 1e-9 * Math.max(1, want), `KL[N(${m1},ν=${n1}) ‖ N(${m2},ν=${n2})]`);
  }
});

test("delta posterior against a delta mixture prior costs −log₂ π (B.9.2, B.9.3)", () => {
  closeTo(klQuadratureBits(gmm([1], [-50]), gmm([-1, 1], [-50, -50])), 1, 1e-9, "½/½ prior");
  closeTo(klQuadratureBits(gmm([1], [-50]), gmm([-1, 1, 3], [-50, -50, -50], [0.5, 0.125, 0.375].map(Math.log))), 3, 1e-9, "π = 1/8");
});

test("Monte-Carlo KL (Gaussian posteriors, GMM prior) agrees with quadrature within 4 s.e.", async () => {
  await testBackend();
  const prior = gmmFromMoments([-1, 0, 1.5], [0.05, 1, 0.02], [0.3, 0.4, 0.3]);
  const posts: [number, number][] = [[0.9, 0.01], [-0.2, 0.5], [1.5, 1e-3], [3, 0.1], [0, -50]];
  const q = {
    mu: tf.tensor2d(posts.map(([m]) => [m])),
    nu: tf.tensor2d(posts.map(([, s2]) => [s2 > 0 ? nu(s2) : s2])),
    w: tf.zeros([posts.length, 1]),
  };
  const p = gmmToTensors(prior);
  for (const exactEntropy of [true, false]) {
    const terms = klMonteCarloTermsT(q, p, { samples: 20000, seed: 5, exactEntropy });
    const cols = terms.arraySync() as number[][];
    posts.forEach(([m, s2], i) => {
      const v = cols.map((r) => r[i]);
      const mean = v.reduce((a, b) => a + b, 0) / v.length;
      const se = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1) / v.length);
      const exact = klQuadratureBits(gmm([m], [s2 > 0 ? nu(s2) : s2]), prior);
      closeTo(mean, exact, 4 * se + 2e-3 * Math.max(1, exact), `posterior ${i} (exactEntropy=${exactEntropy})`);
    });
    terms.dispose();
  }
  tf.dispose([q.mu, q.nu, q.w]);
  disposeGmm(p);
});

test("Monte-Carlo KL of a GMM posterior (straight-through Gumbel) agrees with quadrature", async () => {
  await testBackend();
  const post = gmmFromMoments([-0.8, 1.1], [0.01, 0.04], [0.35, 0.65]);
  const prior = gmmFromMoments([-1, 1], [0.1, 0.1]);
  const q = { mu: tf.tensor2d([post.mu as number[]]), nu: tf.tensor2d([post.nu as number[]]), w: tf.tensor2d([post.w as number[]]) };
  const p = gmmToTensors(prior);
  const terms = Array.from(klMonteCarloTermsT(q, p, { samples: 40000, seed: 9, temperature: 0.1 }).dataSync());
  const mean = terms.reduce((a, b) => a + b, 0) / terms.length;
  const se = Math.sqrt(terms.reduce((a, b) => a + (b - mean) ** 2, 0) / (terms.length - 1) / terms.length);
  closeTo(mean, klQuadratureBits(post, prior), 4 * se, "GMM‖GMM");
  tf.dispose([q.mu, q.nu, q.w]);
  disposeGmm(p);
});

test("KL tensors are differentiable and leak nothing", async () => {
  await testBackend();
  const mu = tf.variable(tf.tensor2d([[0.5], [1.2]]));
  const nuv = tf.variable(tf.tensor2d([[-2], [-10]]));
  const w = tf.zeros([2, 1]);
  const p = gmmToTensors(gmmFromMoments([-1, 1], [0.01, 0.01]));
  const step = () =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => klMonteCarloBitsT({ mu, nu: nuv, w }, p, { samples: 100, seed: 3 }).total);
      const finite = Object.values(grads).every((g) => (g.dataSync() as Float32Array).every(Number.isFinite));
      return { v: value.dataSync()[0], finite };
    });
  const first = step();
  const before = tf.memory().numTensors;
  for (let i = 0; i < 5; i++) step();
  assert.equal(tf.memory().numTensors, before, "no tensors leaked over 5 steps");
  assert.ok(first.finite && Number.isFinite(first.v));
  const closed = klGaussianBitsT(tf.tensor1d([0.3]), tf.tensor1d([nu(0.2)]), tf.tensor1d([0]), tf.tensor1d([nu(1)]));
  closeTo(closed.dataSync()[0], klGaussianBits(0.3, nu(0.2), 0, nu(1)), 1e-5, "tensor closed form");
  tf.dispose([mu, nuv, w, closed]);
  disposeGmm(p);
});

test("the straight-through GMM sample is deterministic for a seed", async () => {
  await testBackend();
  const g = gaussian(0, 1);
  const q = { mu: tf.tensor2d([[0, 1]]), nu: tf.tensor2d([[-3, -3]]), w: tf.tensor2d([[0, 0]]) };
  const p = gmmToTensors(g);
  const a = klMonteCarloBitsT(q, p, { samples: 50, seed: 77 }).total.dataSync()[0];
  const b = klMonteCarloBitsT(q, p, { samples: 50, seed: 77 }).total.dataSync()[0];
  assert.equal(a, b);
  tf.dispose([q.mu, q.nu, q.w]);
  disposeGmm(p);
});

test("fused Gaussian Monte-Carlo KL = the tfjs estimator (same draws): values and every gradient, priors [K] and [N, K]", async () => {
  await testBackend();
  const { klGaussianMonteCarloFusedT } = await import("../../src/codes/kl");
  const n = 37;
  const K = 3;
  const r = (i: number, a: number, b: number) => a + ((Math.sin(12.9898 * i + 78.233) * 43758.5453) % 1 + 1) % 1 * (b - a);
  const qMu = tf.variable(tf.tensor2d(Array.from({ length: n }, (_, i) => [r(i, -2, 2)])));
  const qNu = tf.variable(tf.tensor2d(Array.from({ length: n }, (_, i) => [r(i + 100, -12, 1)])));
  const qW = tf.zeros([n, 1]);
  for (const perRow of [false, true]) {
    const shape = perRow ? [n, K] : [K];
    const cnt = perRow ? n * K : K;
    const pMu = tf.variable(tf.tensor(Array.from({ length: cnt }, (_, i) => r(i + 200, -1.5, 1.5)), shape));
    const pNu = tf.variable(tf.tensor(Array.from({ length: cnt }, (_, i) => r(i + 300, -6, 0.5)), shape));
    const pW = tf.variable(tf.tensor(Array.from({ length: cnt }, (_, i) => r(i + 400, -1, 1)), shape));
    const q = { mu: qMu, nu: qNu, w: qW };
    const p = { mu: pMu, nu: pNu, w: pW };
    const opts = { samples: 50, seed: 7 };
    // a non-uniform outer weight checks how the backward pass uses dy
    const c = tf.tensor1d(Array.from({ length: n }, (_, i) => 0.5 + (i % 4)));
    const vars = [qMu, qNu, pMu, pNu, pW];
    const fused = tf.variableGrads(() => tf.sum(tf.mul(klGaussianMonteCarloFusedT(q, p, opts), c)) as tf.Scalar, vars);
    const ref = tf.variableGrads(() => tf.sum(tf.mul(tf.mean(klMonteCarloTermsT(q, p, opts), 0), c)) as tf.Scalar, vars);
    closeTo(fused.value.dataSync()[0], ref.value.dataSync()[0], 1e-5 * Math.abs(ref.value.dataSync()[0]), `value (perRow ${perRow})`);
    for (const v of vars) {
      const a = fused.grads[v.name].dataSync();
      const b = ref.grads[v.name].dataSync();
      const scale = Math.max(...Array.from(b, Math.abs));
      assert.ok(scale > 0, `${v.name}: reference gradient is zero`);
      for (let i = 0; i < b.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= 1e-4 * scale, `perRow ${perRow}, ${v.name}[${i}]: ${a[i]} vs ${b[i]}`);
    }
    // klMonteCarloBitsT takes the fused pass on this backend and returns the same per-weight values
    const viaApi = tf.tidy(() => klMonteCarloBitsT(q, p, opts).perWeight).dataSync();
    const direct = klGaussianMonteCarloFusedT(q, p, opts).dataSync();
    assert.deepEqual(Array.from(viaApi), Array.from(direct));
    tf.dispose([fused.value, ...Object.values(fused.grads), ref.value, ...Object.values(ref.grads), c, pMu, pNu, pW]);
  }
  tf.dispose([qMu, qNu, qW]);
});
