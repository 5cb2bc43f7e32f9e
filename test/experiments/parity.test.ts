/** Experiment `parity` at a tiny config: the results contract, exactness of the compiled model, and the B.9.3 KL. */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { testBackend } from "../helpers";
import { parityExperiment, defaults, optimalPriorKl, weightGroups, compileManual } from "../../src/experiments/parity";
import { Posterior } from "../../src/variational";
import { transformerParamSpecs, forward, makeBatch, disposeForward } from "../../src/nn/transformer";
import { rngStream, opSeed } from "../../src/core/rng";
import { parity } from "../../src/tasks/parity-data";
import { resolveConfig } from "../../src/core/config";
import { silentProgress } from "../../src/core/progress";
import { entropyBits } from "../../src/codes/optimal-prior";

test("parity manual row: exact on lengths 1–40 with the compiled weights, contract keys present", async () => {
  await testBackend();
  const before = tf.memory().numTensors;
  const config = resolveConfig<typeof defaults>(defaults, parityExperiment.presets.smoke, { eval: { trainExamples: 4, oodExamples: 4, perLength: 1 }, sweep: { attentionScales: [20], paramScales: [100], lengths: [3], perLength: 1 } });
  const backend = { name: tf.getBackend(), provider: "", skipped: [] };
  const m = await parityExperiment.run(config, { seed: 1, backend, progress: silentProgress });
  assert.equal(m.rows.length, 1);
  const row = m.rows[0];
  assert.deepEqual(Object.keys(row).sort(), ["codelengthBits", "init", "klBits", "objective", "oodAcc", "trainAcc", "trainNllBits"]);
  assert.equal(row.init, "manual");
  assert.equal(m.manual.meanWeights.trainAcc, 1);
  assert.equal(m.manual.meanWeights.oodAcc, 1);
  assert.deepEqual(m.accuracyByLength.map((a) => a.length), Array.from({ length: 40 }, (_, i) => i + 1));
  assert.ok(m.accuracyByLength.every((a) => a.accuracy === 1), "compiled weights exact at every length 1–40");
  assert.equal(row.codelengthBits, row.klBits! + row.trainNllBits);
  assert.ok(row.trainNllBits < 1e-3);
  // Posterior's constructor (variational/posterior.ts) currently leaves the initial-value tensors
  // of its variables undisposed; the run builds 1 + (sweep points) posteriors. Count that leak
  // separately so this test still catches any leak of the experiment's own.
  const probe = tf.memory().numTensors;
  new Posterior([{ name: "w", shape: [2] }, { name: "b", shape: [1] }], { means: { w: [0, 0], b: [0] }, nu: -10 }).dispose();
  const perTensor = (tf.memory().numTensors - probe) / 2;
  const posteriors = 1 + config.sweep.attentionScales.length + config.sweep.paramScales.length;
  const specs = transformerParamSpecs(compileManual(config).config).length;
  assert.equal(tf.memory().numTensors - probe, 2 * perTensor);
  assert.equal(probe - before, posteriors * specs * perTensor, "no tensors leaked by the experiment");
});

test("optimal-prior KL of Gaussian posteriors at few values ≈ N·H(p) when ν is small (B.9.3)", () => {
  const values = { a: [0, 0, 0, 1, 1, 2] };
  const groups = weightGroups([{ name: "a", shape: [6] }], values, "tensor");
  const [g] = optimalPriorKl(groups, -20);
  const nh = 6 * entropyBits([3, 2, 1]);
  assert.ok(Math.abs(g.klBits - nh) < 1e-3, `${g.klBits} vs ${nh}`);
  assert.equal(g.entropyBits, nh);
});

test("the manual solution stays exact at length 40 under posterior weight samples (ν = −10, C.1)", async () => {
  await testBackend();
  const before = tf.memory().numTensors;
  const c = compileManual(defaults);
  const post = new Posterior(transformerParamSpecs(c.config), { means: c.values, nu: -10 });
  const rng = rngStream(5, "test/parity-noise");
  const inputs = Array.from({ length: 4 }, () => Array.from({ length: 40 }, () => (rng() < 0.5 ? 1 : 0)));
  for (let k = 1; k <= 3; k++) {
    const w = post.sample(opSeed(5, `sample/${k}`));
    const r = forward(c.config, w, makeBatch(c.config, inputs), { layers: 42 });
    const logits = r.logits.arraySync();
    disposeForward(r);
    tf.dispose(Object.values(w));
    inputs.forEach((x, i) => assert.equal(Number(logits[i][1] > logits[i][0]), parity(x), `sample ${k}, input ${i}`));
  }
  post.dispose();
  assert.ok(tf.memory().numTensors - before <= 3 * transformerParamSpecs(c.config).length, "only Posterior's known constructor leak");
});
