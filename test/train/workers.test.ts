/**
 * NLL gradients on worker threads (Trainer `workers`): the chain-rule gradients of the
 * posterior (and of point weights) equal those of in-process training up to float
 * rounding, with and without micro-batching; errors are reported clearly.
 */
import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { testBackend } from "../support/helpers";
import { trainModel, disposeModel, testOptions } from "../support/models";
import { Trainer, TrainOptions, TrainModel } from "../../src/train/trainer";
import * as transformer from "../../src/nn/transformer";
import { rngStream } from "../../src/core/rng";
import { KcdlError } from "../../src/core/errors";
import { tinyConfig, tinyParityProblem } from "../support/worker-problem";

before(testBackend);

const layers = 2;
const source = { module: path.join(__dirname, "..", "support", "worker-problem.js"), factory: "tinyParityProblem", args: { layers } };
const options = (o: Partial<TrainOptions> = {}): TrainOptions => testOptions({ steps: 3, batchSize: 10, klSamples: 10, ...o });

const model = (kind: "mle" | "variational"): TrainModel =>
  trainModel(kind, transformer.transformerParamSpecs(tinyConfig), transformer.heNormalInit(tinyConfig, rngStream(4, "init")), { "embed/prompt": 2 });

test("worker gradients equal in-process gradients (MLE on batch slices, variational on micro-batches)", () => {
  const problem = tinyParityProblem({ layers });
  const batch = problem.batch(rngStream(5, "batch"), 10);
  for (const kind of ["mle", "variational"] as const) {
    const m = model(kind);
    const local = new Trainer({ problem, model: m, options: options({ objective: kind }), seed: 9 });
    const want = local.gradients(batch, 2);
    // MLE: the batch split in two slices over the workers; variational: S = 2 samples × micro-batches of 4
    for (const micro of kind === "mle" ? [undefined] : [4]) {
      const t = new Trainer({ problem, model: m, options: options({ objective: kind, microBatchSize: micro }), seed: 9, workers: { count: 2, source } });
      const before = tf.memory().numTensors;
      const got = t.gradients(batch, 2);
      assert.deepEqual(Object.keys(got.grads).sort(), Object.keys(want.grads).sort());
      for (const name of Object.keys(want.grads)) {
        const x = got.grads[name].dataSync();
        const y = want.grads[name].dataSync();
        const scale = Math.max(1e-12, ...Array.from(y, Math.abs));
        for (let i = 0; i < y.length; i++) assert.ok(Math.abs(x[i] - y[i]) <= 1e-4 * scale, `${kind}, micro ${micro}: ${name}[${i}] ${x[i]} vs ${y[i]}`);
      }
      const [p, q] = [got.parts.dataSync(), want.parts.dataSync()];
      for (let i = 0; i < 3; i++) assert.ok(Math.abs(p[i] - q[i]) <= 1e-4 * Math.max(1, Math.abs(q[i])), `${kind}: part ${i} ${p[i]} vs ${q[i]}`);
      tf.dispose([...Object.values(got.grads), got.parts]);
      assert.equal(tf.memory().numTensors, before, "no tensors left behind");
      // and none inside the workers: their live tensor counts do not grow from call to call
      const first = [...t.workerTensors!];
      assert.equal(first.length, 2);
      for (let call = 0; call < 2; call++) {
        const again = t.gradients(batch, 2);
        tf.dispose([...Object.values(again.grads), again.parts]);
        assert.deepEqual(t.workerTensors, first, `${kind}: worker tensors after call ${call + 2}`);
      }
      t.dispose();
    }
    tf.dispose([...Object.values(want.grads), want.parts]);
    local.dispose();
    disposeModel(m);
  }
});

test("a worker that cannot build the problem fails with a clear error", () => {
  const m = model("mle");
  assert.throws(
    () => new Trainer({ problem: tinyParityProblem({ layers }), model: m, options: options({ objective: "mle" }), seed: 1, workers: { count: 1, source: { ...source, factory: "nope" } } }),
    (e: Error) => e instanceof KcdlError && /exports no function 'nope'/.test(e.message),
  );
  disposeModel(m);
});
