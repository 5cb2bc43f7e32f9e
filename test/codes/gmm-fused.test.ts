/**
 * The fused host-side GMM log-density (`gmmLogPdfFusedT`) against the tfjs-ops one
 * (`gmmLogPdfOpsT`): values and gradients in every input, for a shared prior [K], a
 * per-weight prior [N, K], a GMM posterior [1, N, K], and extreme ν and distances.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { testBackend } from "../support/helpers";
import { GmmTensors, SplitSample, gmmLogPdfFusedT, gmmLogPdfOpsT, gmmLogPdfT } from "../../src/codes/gmm";
import { rngStream, normal } from "../../src/core/rng";

function randn(shape: number[], stream: string, scale = 1, shift = 0): tf.Tensor {
  const rng = rngStream(11, stream);
  return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => shift + scale * normal(rng)), shape);
}

/** Value and gradients of Σ dy ⊙ logpdf with respect to μ, ν, w, center, offset. */
function evaluate(f: (g: GmmTensors, x: SplitSample) => tf.Tensor, g: GmmTensors, x: SplitSample, dy: tf.Tensor) {
  const inputs = [g.mu, g.nu, g.w, x.center, x.offset];
  const grad = tf.grads((mu: tf.Tensor, nu: tf.Tensor, w: tf.Tensor, c: tf.Tensor, o: tf.Tensor) => tf.sum(tf.mul(f({ mu, nu, w }, { center: c, offset: o }), dy)));
  const value = f(g, x);
  const gs = grad(inputs);
  const out = { value: Array.from(value.dataSync()), grads: gs.map((t) => Array.from(t.dataSync())), shapes: gs.map((t) => t.shape) };
  tf.dispose([value, ...gs]);
  return out;
}

function close(a: number[], b: number[], rel: number, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  const scale = Math.max(1e-6, ...b.map(Math.abs));
  a.forEach((x, i) => assert.ok(Math.abs(x - b[i]) <= rel * scale, `${what}[${i}]: fused ${x} vs ops ${b[i]} (scale ${scale})`));
}

test("fused GMM log-density equals the tfjs-ops one, values and gradients", async () => {
  await testBackend();
  const S = 7;
  const N = 13;
  const K = 3;
  const cases: [string, GmmTensors][] = [
    ["shared prior [K]", { mu: tf.tensor1d([-1, 0.2, 1.5]), nu: tf.tensor1d([-3, -8, 0.5]), w: tf.tensor1d([0.3, -1, 0.1]) }],
    ["per-weight prior [N, K]", { mu: randn([N, K], "mu"), nu: randn([N, K], "nu", 3, -4), w: randn([N, K], "w") }],
    ["posterior [1, N, K]", { mu: randn([1, N, K], "mu1", 0.5), nu: randn([1, N, K], "nu1", 2, -10), w: randn([1, N, K], "w1") }],
    ["extreme ν (−30 and 8), far samples", { mu: tf.tensor1d([-50, 0, 40]), nu: tf.tensor1d([-30, 8, -12]), w: tf.tensor1d([0, 2, -2]) }],
  ];
  const x: SplitSample = { center: randn([S, N], "center", 0.7), offset: randn([S, N], "offset", 1e-3) };
  const dy = randn([S, N], "dy");
  for (const [what, g] of cases) {
    const fused = evaluate(gmmLogPdfFusedT, g, x, dy);
    const ops = evaluate(gmmLogPdfOpsT, g, x, dy);
    close(fused.value, ops.value, 1e-5, `${what}: value`);
    ["μ", "ν", "w", "center", "offset"].forEach((name, i) => {
      assert.deepEqual(fused.shapes[i], ops.shapes[i], `${what}: ∂/∂${name} shape`);
      close(fused.grads[i], ops.grads[i], 2e-4, `${what}: ∂/∂${name}`);
    });
    tf.dispose([g.mu, g.nu, g.w]);
  }
  tf.dispose([x.center, x.offset, dy]);
});

test("gmmLogPdfT falls back to tfjs ops for broadcast inputs the fused pass does not take", async () => {
  await testBackend();
  const g = { mu: tf.tensor1d([0, 1]), nu: tf.tensor1d([-2, -1]), w: tf.tensor1d([0, 0]) };
  const x = { center: tf.tensor1d([0.5, 0.2, -0.1]), offset: tf.tensor2d([[0, 0.1, 0.2], [0.3, 0.4, 0.5]]) };
  const a = gmmLogPdfT(g, x);
  const b = gmmLogPdfOpsT(g, x);
  assert.deepEqual(a.shape, [2, 3]);
  close(Array.from(a.dataSync()), Array.from(b.dataSync()), 1e-6, "broadcast");
  assert.throws(() => gmmLogPdfFusedT(g, x), /unsupported shapes/);
  tf.dispose([a, b, g.mu, g.nu, g.w, x.center, x.offset]);
});
