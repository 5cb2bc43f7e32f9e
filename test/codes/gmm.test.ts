import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { closeTo, testBackend } from "../support/helpers";
import {
  gaussian,
  gmm,
  gmmLogPdf,
  gmmLogPdfT,
  gmmSample,
  gmmToTensors,
  inverseSoftplus,
  logSoftplus,
  sampleGmmStraightThroughT,
  softplus,
} from "../../src/codes/gmm";
import { rngStream } from "../../src/core/rng";

test("softplus and its inverse round-trip over 1e-20 … 1e3", () => {
  for (const s2 of [1e-20, 1e-10, 1e-4, 0.5, 1, 10, 1e3]) closeTo(softplus(inverseSoftplus(s2)) / s2, 1, 1e-12, `σ²=${s2}`);
  // ν → −∞: log σ² ≈ ν, finite (eq. 90 limit)
  closeTo(logSoftplus(-50), -50, 1e-12, "log softplus(−50)");
  closeTo(logSoftplus(-800), -800, 1e-12, "log softplus(−800)");
});

test("a one-component GMM is the Gaussian density (eq. 88)", () => {
  const g = gaussian(0.3, 2);
  for (const x of [-3, 0, 0.3, 5]) closeTo(gmmLogPdf(g, x), -0.5 * Math.log(2 * Math.PI * 2) - ((x - 0.3) ** 2) / 4, 1e-12, `x=${x}`);
});

test("mixing weights are a softmax of the logits (eq. 89)", () => {
  const g = gmm([-1, 1], [inverseSoftplus(0.01), inverseSoftplus(0.01)], [Math.log(0.25), Math.log(0.75)]);
  closeTo(Math.exp(gmmLogPdf(g, 1)), 0.75 / Math.sqrt(2 * Math.PI * 0.01), 1e-9, "density at +1");
});

test("collapsed components (ν = −50, identical means) stay finite", () => {
  const g = gmm([1, 1, 1], [-50, -50, -50]);
  const lp = gmmLogPdf(g, 1);
  closeTo(lp, -0.5 * (Math.log(2 * Math.PI) - 50), 1e-9, "log density at the delta");
  // 0.5 away from a delta of variance softplus(−50) ≈ 1.9e−22: −0.125/σ² ≈ −6.5e20 nats, finite
  const far = gmmLogPdf(g, 1.5);
  assert.ok(Number.isFinite(far) && far < -1e20, `log density off the delta: ${far}`);
});

test("samples have the mixture's mean and variance", () => {
  const g = gmm([-1, 2], [inverseSoftplus(0.25), inverseSoftplus(1)], [Math.log(0.3), Math.log(0.7)]);
  const rng = rngStream(3, "gmm-test");
  const xs = Array.from({ length: 40000 }, () => gmmSample(g, rng));
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const v = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
  const m = 0.3 * -1 + 0.7 * 2; // 1.1
  const v2 = 0.3 * (0.25 + 1) + 0.7 * (1 + 4) - m * m;
  closeTo(mean, m, 0.03, "sample mean");
  closeTo(v, v2, 0.06, "sample variance");
});

test("tensor log-density matches float64 and is NaN-free down to ν = −50", async () => {
  await testBackend();
  const g = gmm([-1, 0.5, 0.5], [-50, inverseSoftplus(0.3), -50], [0.1, -0.4, 0]);
  const t = gmmToTensors(g);
  const xs = [-1, 0, 0.5, 0.7];
  const got = gmmLogPdfT(t, { center: tf.tensor1d(xs), offset: tf.zeros([4]) }).arraySync() as number[];
  xs.forEach((x, i) => {
    const want = gmmLogPdf(g, x);
    assert.ok(!Number.isNaN(got[i]), `NaN at x=${x}`);
    if (Number.isFinite(want) && want > -1e6) closeTo(got[i], want, 1e-3 * Math.max(1, Math.abs(want)), `x=${x}`);
  });
  // the gradient with respect to every parameter is finite at ν = −50
  const grads = tf.grads((mu: tf.Tensor, nu: tf.Tensor, w: tf.Tensor) =>
    tf.sum(gmmLogPdfT({ mu, nu, w }, { center: tf.tensor1d([0.5, 0.5001]), offset: tf.zeros([2]) })),
  )([t.mu, t.nu, t.w]);
  for (const gr of grads) assert.ok((gr.dataSync() as Float32Array).every(Number.isFinite), "finite gradients");
  tf.dispose([t.mu, t.nu, t.w, ...grads]);
});

test("straight-through Gumbel-softmax: hard samples forward, soft gradients backward", async () => {
  await testBackend();
  const q = { mu: tf.tensor2d([[-1, 1]]), nu: tf.tensor2d([[-50, -50]]), w: tf.tensor2d([[Math.log(0.2), Math.log(0.8)]]) };
  const n = 4000;
  const u = tf.randomUniform([n, 1, 2], 1e-7, 1 - 1e-7, "float32", 11);
  const eps = tf.randomNormal([n, 1, 2], 0, 1, "float32", 12);
  const s = sampleGmmStraightThroughT(q, u, eps, 0.1);
  const values = Array.from(tf.add(s.center, s.offset).dataSync());
  assert.ok(values.every((v) => Math.abs(Math.abs(v) - 1) < 1e-6), "every sample is exactly one component's value");
  closeTo(values.filter((v) => v > 0).length / n, 0.8, 0.03, "frequency of the π = 0.8 component");
  const g = tf.grad((w: tf.Tensor) => {
    const x = sampleGmmStraightThroughT({ ...q, w }, u, eps, 0.1);
    return tf.sum(x.center);
  })(q.w);
  const gw = Array.from(g.dataSync());
  assert.ok(gw.every(Number.isFinite) && Math.abs(gw[1]) > 0, "non-zero straight-through gradient for the logits");
  assert.ok(gw[1] > 0 && gw[0] < 0, "raising the +1 component's logit raises the sample sum");
  tf.dispose([q.mu, q.nu, q.w, u, eps, s.center, s.offset, g]);
});
