/** Experiment `parity` at a tiny config: the results contract, exactness of the compiled model, and the B.9.3 KL. */
import { test } from "node:test";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { testBackend } from "../support/helpers";
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
  const config = resolveConfig<typeof defaults>(defaults, parityExperiment.presets.smoke, {
    rows: ["manual"],
    model: defaults.model,
    data: { trainMaxLen: 20 },
    eval: { trainExamples: 4, oodExamples: 4, perLength: 1 },
    sweep: { attentionScales: [20], paramScales: [100], lengths: [3], perLength: 1 },
  });
  const backend = { name: tf.getBackend(), provider: "", skipped: [] };
  const m = await parityExperiment.run(config, { seed: 1, backend, progress: silentProgress });
  assert.equal(m.rows.length, 1);
  const row = m.rows[0];
  assert.deepEqual(Object.keys(row).sort(), ["codelengthBits", "init", "key", "klBits", "objective", "oodAcc", "steps", "trainAcc", "trainNllBits"]);
  assert.equal(row.init, "manual");
  assert.equal(row.steps, 0);
  assert.ok(m.manual);
  assert.equal(m.manual.meanWeights.trainAcc, 1);
  assert.equal(m.manual.meanWeights.oodAcc, 1);
  assert.deepEqual(m.accuracyByLength.manual.map((a) => a.length), Array.from({ length: 40 }, (_, i) => i + 1));
  assert.ok(m.accuracyByLength.manual.every((a) => a.accuracy === 1), "compiled weights exact at every length 1–40");
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

test("parity trained rows at smoke: every row present and finite, KL null for MLE, no tensor leaked per step, figures render", async () => {
  await testBackend();
  const config = resolveConfig<typeof defaults>(defaults, parityExperiment.presets.smoke, {
    rows: ["random/mle", "random/variational", "manual/variational"],
    train: { steps: 4, manualSteps: 4, evalEvery: 2 },
  });
  const backend = { name: tf.getBackend(), provider: "", skipped: [] };
  const m = await parityExperiment.run(config, { seed: 3, backend, progress: silentProgress });
  assert.deepEqual(m.rows.map((r) => r.key), ["random/mle", "random/variational", "manual/variational"]);
  const T = config.data.trainMaxLen;
  for (const r of m.rows) {
    for (const k of ["trainNllBits", "trainAcc", "oodAcc"] as const) assert.ok(Number.isFinite(r[k]), `${r.key} ${k} = ${r[k]}`);
    assert.ok(r.trainAcc >= 0 && r.trainAcc <= 1 && r.oodAcc >= 0 && r.oodAcc <= 1);
    assert.equal(r.steps, 4);
    if (r.objective === "mle") {
      assert.equal(r.klBits, null);
      assert.equal(r.codelengthBits, null);
    } else {
      assert.ok(Number.isFinite(r.klBits!) && r.klBits! > 0, `${r.key} KL ${r.klBits}`);
      assert.equal(r.codelengthBits, r.klBits! + r.trainNllBits);
    }
    const byLength = m.accuracyByLength[r.key!];
    assert.deepEqual(byLength.map((a) => a.length), Array.from({ length: 2 * T }, (_, i) => i + 1));
    assert.equal(byLength.every((a) => a.sampledAccuracy === null), r.objective === "mle");
    const t = m.trained[r.key!];
    assert.deepEqual(t.history.map((h) => h.step), [0, 2, 4]);
    assert.ok(t.curve.length === 4 && t.curve.every((p) => Number.isFinite(p.nllBits)));
    const [early, last] = t.memory.tensorsDuringTraining!;
    assert.equal(last, early, `${r.key}: live tensors grew from ${early} to ${last} between evaluations`);
  }
  // the compiled solution stays exact after a few steps of its own objective
  assert.equal(m.rows[2].trainAcc, 1);
  assert.equal(m.rows[2].oodAcc, 1);
  const rv = m.trained["random/variational"];
  assert.ok(rv.prior && rv.priorAtInit && rv.prior.length === rv.priorAtInit.length);
  const results = { experiment: "parity", preset: "smoke" as const, overrides: {}, seed: 3, backend: "wasm", kcdlVersion: "", startedAt: "", durationS: 0, config, ...m };
  const figs = parityExperiment.figures(results);
  for (const name of ["accuracy-by-length", "training-curves", "learned-prior"]) assert.ok(figs[name], `figure ${name}`);
  const t1 = parityExperiment.tables(results).table1;
  assert.equal(t1.rows.length, 3 + m.paper.rows.length);
});

test("parity --resume: a finished row's checkpoint is picked up and gives the same row without training again", async () => {
  await testBackend();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kcdl-parity-"));
  const config = resolveConfig<typeof defaults>(defaults, parityExperiment.presets.smoke, { rows: ["random/variational"], train: { steps: 3, checkpointEvery: 2 } });
  const backend = { name: tf.getBackend(), provider: "", skipped: [] };
  const a = await parityExperiment.run(config, { seed: 4, backend, progress: silentProgress, checkpointDir: dir });
  assert.ok(fs.existsSync(path.join(dir, "random-variational.json")));
  const b = await parityExperiment.run(config, { seed: 4, backend, progress: silentProgress, checkpointDir: dir, resume: true });
  assert.equal(b.trained["random/variational"].resumedFrom, 3);
  assert.deepEqual(b.rows, a.rows);
  assert.deepEqual(b.trained["random/variational"].curve, a.trained["random/variational"].curve);
  // without --resume the run starts over (and overwrites the checkpoint)
  const c = await parityExperiment.run(config, { seed: 4, backend, progress: silentProgress, checkpointDir: dir });
  assert.equal(c.trained["random/variational"].resumedFrom, 0);
  assert.deepEqual(c.rows, a.rows);
  fs.rmSync(dir, { recursive: true, force: true });
});

test("parity config errors name the problem", async () => {
  const bad = (over: object) => resolveConfig<typeof defaults>(defaults, parityExperiment.presets.smoke, over);
  const ctx = { seed: 1, backend: { name: "wasm", provider: "", skipped: [] }, progress: silentProgress };
  await assert.rejects(parityExperiment.run(bad({ rows: ["random/sgd"] }), ctx), /unknown row 'random\/sgd'/);
  await assert.rejects(parityExperiment.run(bad({ rows: ["manual"], model: { layers: 4 } }), ctx), /layers ≥ 2·trainMaxLen \+ 1 = 5/);
  await assert.rejects(parityExperiment.run(bad({ rows: ["random/mle"], train: { qkInit: "xavier" } }), ctx), /qkInit must be "scaled" or "he"/);
});

test("train.workers: the rows trained with gradient worker threads equal in-process training up to float rounding", async () => {
  await testBackend();
  const run = async (workers: number) => {
    const config = resolveConfig<typeof defaults>(defaults, parityExperiment.presets.smoke, {
      rows: ["random/mle", "random/variational", "manual/variational"],
      train: { steps: 3, manualSteps: 2, evalEvery: 0, workers },
    });
    const backend = { name: tf.getBackend(), provider: "", skipped: [] };
    return parityExperiment.run(config, { seed: 5, backend, progress: silentProgress });
  };
  const [a, b] = [await run(0), await run(2)];
  for (const [x, y] of a.rows.map((r, i) => [r, b.rows[i]] as const)) {
    assert.equal(x.key, y.key);
    for (const k of ["klBits", "trainNllBits"] as const) {
      if (x[k] === null) assert.equal(y[k], null);
      else assert.ok(Math.abs(x[k]! - y[k]!) <= 1e-3 * Math.max(1, Math.abs(x[k]!)), `${x.key} ${k}: ${x[k]} vs ${y[k]}`);
    }
    assert.equal(x.trainAcc, y.trainAcc, `${x.key} trainAcc`);
    assert.equal(x.oodAcc, y.oodAcc, `${x.key} oodAcc`);
  }
  await assert.rejects(run(-1), /train\.workers must be an integer ≥ 0/);
});
