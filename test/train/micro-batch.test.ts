/**
 * Micro-batching (gradient accumulation) in the Trainer: the summed gradients of a
 * minibatch's slices equal the full-batch gradient up to float rounding, for MLE and
 * the variational objective, on the MLP of C.2 and a small looped Transformer (C.1).
 */
import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { testBackend } from "../support/helpers";
import { Trainer, TrainOptions, TrainProblem, TrainModel } from "../../src/train/trainer";
import { mlpSpecs, mlpNllBits, heNormalInit } from "../../src/nn/mlp";
import { identityBatch, IdentityBatch } from "../../src/tasks/identity";
import * as transformer from "../../src/nn/transformer";
import { rngStream } from "../../src/core/rng";
import { UsageError } from "../../src/core/errors";
import { trainModel as model, disposeModel, testOptions } from "../support/models";
import { tinyConfig, tinyParityProblem } from "../support/worker-problem";
import { chooseMicroBatch, tapeBytes } from "../../src/train/micro-batch";

before(testBackend);

const options = testOptions;

/** Asserts two named gradient sets agree to `rel` of each tensor's largest entry. */
function assertSameGradients(a: Record<string, tf.Tensor>, b: Record<string, tf.Tensor>, rel: number, what: string): void {
  assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort(), `${what}: same variables`);
  let compared = 0;
  for (const name of Object.keys(a)) {
    const x = a[name].dataSync();
    const y = b[name].dataSync();
    const scale = Math.max(1e-12, ...Array.from(y, Math.abs));
    for (let i = 0; i < x.length; i++) {
      assert.ok(Math.abs(x[i] - y[i]) <= rel * scale, `${what}: ${name}[${i}] = ${x[i]} vs full batch ${y[i]} (scale ${scale})`);
      compared++;
    }
  }
  assert.ok(compared > 0);
}

/** Gradients of one minibatch under full-batch and micro-batched training; checks they agree. */
function checkAccumulation<B extends object>(problem: TrainProblem<B>, m: TrainModel, o: TrainOptions, micro: number[], rel: number, what: string): void {
  const batch = problem.batch(rngStream(5, "batch"), o.batchSize);
  const full = new Trainer({ problem, model: m, options: o, seed: 9 }).gradients(batch, 3);
  for (const mb of micro) {
    const t = new Trainer({ problem, model: m, options: { ...o, microBatchSize: mb }, seed: 9 });
    const before = tf.memory().numTensors;
    const r = t.gradients(batch, 3);
    assertSameGradients(r.grads, full.grads, rel, `${what}, micro-batch ${mb}`);
    const [p, q] = [r.parts.dataSync(), full.parts.dataSync()];
    for (let i = 0; i < 3; i++) assert.ok(Math.abs(p[i] - q[i]) <= 1e-4 * Math.max(1, Math.abs(q[i])), `${what}: objective part ${i}: ${p[i]} vs ${q[i]}`);
    const made = Object.keys(r.grads).length + 1;
    tf.dispose([...Object.values(r.grads), r.parts]);
    assert.equal(tf.memory().numTensors, before, `${what}: micro-batch ${mb} leaves no tensors (${made} returned were disposed)`);
    t.dispose();
  }
  tf.dispose([...Object.values(full.grads), full.parts]);
  tf.dispose(batch as unknown as tf.TensorContainer);
}

const mlpShape = { inputs: 4, hidden: 16, outputs: 4 };
const mlpProblem: TrainProblem<IdentityBatch> = {
  batch: (rng, size) => identityBatch(4, rng, size),
  nllBits: (w, b) => mlpNllBits(w, b.x, b.y),
  slice: (b, s, e) => ({ x: tf.slice(b.x, [s, 0], [e - s, -1]), y: tf.slice(b.y, [s, 0], [e - s, -1]) }),
};

test("MLP (C.2): micro-batched gradients equal the full-batch ones, MLE and variational", () => {
  const specs = mlpSpecs(mlpShape);
  const means = heNormalInit(specs, rngStream(2, "init"));
  for (const kind of ["mle", "variational"] as const) {
    const m = model(kind, specs, means);
    // 8 divides 32; 12 leaves a short last slice; 32 is the full batch again
    checkAccumulation(mlpProblem, m, options({ objective: kind }), [8, 12, 1], 2e-5, `MLP ${kind}`);
    disposeModel(m);
  }
});

test("looped Transformer (C.1): micro-batched gradients equal the full-batch ones, with a GMM prompt posterior", () => {
  // mixed lengths 1–5, so slices carry padding
  const cfg = tinyConfig;
  const problem = tinyParityProblem({ layers: 2 });
  const specs = transformer.transformerParamSpecs(cfg);
  const means = transformer.heNormalInit(cfg, rngStream(4, "init"));
  for (const kind of ["mle", "variational"] as const) {
    const m = model(kind, specs, means, kind === "variational" ? { "embed/prompt": 2 } : {});
    checkAccumulation(problem, m, options({ objective: kind, batchSize: 10 }), [3, 5], 1e-4, `Transformer ${kind}`);
    disposeModel(m);
  }
});

test("micro-batched training runs the same trajectory as full-batch training", async () => {
  const specs = mlpSpecs(mlpShape);
  const means = heNormalInit(specs, rngStream(2, "init"));
  const curves: { lossBits: number; step: number }[][] = [];
  for (const micro of [undefined, 8]) {
    const m = model("variational", specs, means);
    const t = new Trainer({ problem: mlpProblem, model: m, options: options({ microBatchSize: micro }), seed: 9 });
    const r = await t.run();
    curves.push(r.curve);
    t.dispose();
    disposeModel(m);
  }
  curves[0].forEach((p, i) => {
    const q = curves[1][i];
    assert.ok(Math.abs(p.lossBits - q.lossBits) <= 1e-4 * Math.abs(p.lossBits), `step ${p.step}: loss ${p.lossBits} vs ${q.lossBits}`);
  });
});

test("micro-batch options are checked", () => {
  const specs = mlpSpecs(mlpShape);
  const m = model("mle", specs, heNormalInit(specs, rngStream(2, "init")));
  assert.throws(() => new Trainer({ problem: mlpProblem, model: m, options: options({ objective: "mle", microBatchSize: 33 }), seed: 1 }), /must not exceed 'batchSize'/);
  assert.throws(() => new Trainer({ problem: mlpProblem, model: m, options: options({ objective: "mle", microBatchSize: 0 }), seed: 1 }), UsageError);
  const { slice: _s, ...noSlice } = mlpProblem;
  assert.throws(() => new Trainer({ problem: noSlice, model: m, options: options({ objective: "mle", microBatchSize: 8 }), seed: 1 }), /TrainProblem\.slice/);
  // the micro-batch size is not part of the run's identity (checkpoints resume across it)
  const a = new Trainer({ problem: mlpProblem, model: m, options: options({ objective: "mle" }), seed: 1 });
  const b = new Trainer({ problem: mlpProblem, model: m, options: options({ objective: "mle", microBatchSize: 8 }), seed: 1 });
  assert.equal(a.configHash, b.configHash);
  a.dispose();
  b.dispose();
  disposeModel(m);
});

test("tapeBytes counts each buffer the backward pass keeps once: a closed form for tanh(x·W) with a reshape view", () => {
  const n = 6, k = 5, m = 3;
  const x = tf.randomNormal([n, k], 0, 1, "float32", 3);
  const W = tf.variable(tf.randomNormal([k, m], 0, 1, "float32", 4));
  let kept = { bytes: 0, largestTensorBytes: 0 };
  const { value, grads } = tf.variableGrads(() => {
    const y = tf.sum(tf.tanh(tf.reshape(tf.matMul(x, W), [n * m]))) as tf.Scalar;
    kept = tapeBytes();
    return y;
  }, [W]);
  // matMul saves x and W and outputs [n, m]; the reshape is a view of that output; tanh outputs
  // (and saves) [n·m]; sum outputs a scalar
  assert.equal(kept.bytes, 4 * (n * k + k * m + n * m + n * m + 1));
  assert.equal(kept.largestTensorBytes, 4 * n * k);
  tf.dispose([x, W, value, ...Object.values(grads)]);
});

test("chooseMicroBatch: fixed and per-example bytes from two slice sizes, the largest micro-batch within the budget and the tensor limit", () => {
  const F = 1000, P = 300;
  const small = { examples: 2, bytes: F + 2 * P, largestTensorBytes: 2 * 40 };
  const large = { examples: 4, bytes: F + 4 * P, largestTensorBytes: 4 * 40 };
  const fit = (bytes: number, maxTensorBytes = Infinity) => chooseMicroBatch(64, small, large, { bytes, maxTensorBytes, source: "test" });
  assert.equal(fit(F + 10 * P).perExampleBytes, P);
  assert.equal(fit(F + 10 * P).fixedBytes, F);
  assert.equal(fit(F + 10 * P).microBatchSize, 10);
  assert.equal(fit(F + 10.9 * P).microBatchSize, 10);
  assert.equal(fit(F + 1e9).microBatchSize, 64, "capped at the batch");
  assert.equal(fit(1).microBatchSize, 1, "never below 1");
  assert.equal(fit(F + 1e9, 40 * 7).microBatchSize, 7, "the largest tensor (40 bytes per example) within the binding limit");
});

test("fitMicroBatch measures the looped Transformer's pass, picks the size its budget allows, and leaves the run's numbers as they were", async () => {
  const problem = tinyParityProblem({ layers: 2 });
  const specs = transformer.transformerParamSpecs(tinyConfig);
  const means = transformer.heNormalInit(tinyConfig, rngStream(4, "init"));
  const o = options({ objective: "variational", batchSize: 16, steps: 3 });
  const curves: number[][] = [];
  for (const fit of [false, true]) {
    const m = model("variational", specs, means, { "embed/prompt": 2 });
    const t = new Trainer({ problem, model: m, options: o, seed: 9 });
    if (fit) {
      const probe = await t.fitMicroBatch({ bytes: Infinity, maxTensorBytes: Infinity, source: "test" });
      assert.ok(probe.perExampleBytes > 0 && probe.fixedBytes >= 0, "measured");
      assert.equal(probe.microBatchSize, 16, "an unbounded budget keeps the whole batch");
      const budget = probe.fixedBytes + 5.5 * probe.perExampleBytes;
      const chosen = await t.fitMicroBatch({ bytes: budget, maxTensorBytes: Infinity, source: "test" });
      assert.equal(chosen.microBatchSize, 5, `fixed ${chosen.fixedBytes} + 5.5 × ${chosen.perExampleBytes} bytes → 5 examples`);
    }
    curves.push((await t.run()).curve.map((p) => p.lossBits));
    t.dispose();
    disposeModel(m);
  }
  curves[0].forEach((l, i) => assert.ok(Math.abs(curves[1][i] - l) <= 1e-4 * Math.abs(l), `step ${i + 1}: ${curves[1][i]} with micro-batches of 5 vs ${l}`));
});
