/** Experiment `parity` at a tiny config: the results contract, exactness of the compiled model, and the B.9.3 KL. */
import { test } from "node:test";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { testBackend } from "../support/helpers";
import { parityExperiment, defaults, compileManual } from "../../src/experiments/parity";
import { optimalPriorKl } from "../../src/codes/optimal-prior";
import { weightGroups } from "../../src/variational";
import { Posterior } from "../../src/variational";
import { transformerParamSpecs, forward, makeBatch, disposeForward } from "../../src/nn/transformer";
import { rngStream, opSeed } from "../../src/core/rng";
import { parity } from "../../src/tasks/parity-data";
import { silentProgress } from "../../src/core/progress";
import { entropyBits } from "../../src/codes/optimal-prior";
import { priorParameterBits } from "../../src/codes/codelength";
import { resolveExperimentConfig, runExperiment } from "../../src/lab/runner";
import { UsageError } from "../../src/core/errors";
import type { ParityResults } from "../../src/experiments/parity";
import { bits } from "../../src/experiments/parity/claims";

test("parity manual row: exact on lengths 1–40 with the compiled weights, contract keys present", async () => {
  await testBackend();
  const before = tf.memory().numTensors;
  const config = resolveExperimentConfig(parityExperiment, "smoke", {
    rows: ["manual"],
    model: defaults.model,
    data: { trainMaxLen: 20 },
    eval: { trainExamples: 4, oodExamples: 4, perLength: 1 },
    sweep: { attentionScales: [20], paramScales: [100], lengths: [3], perLength: 1 },
  });
  const backend = { name: tf.getBackend(), provider: "", skipped: [] };
  const m = await parityExperiment.run(config, { seed: 1, preset: "smoke", backend, progress: silentProgress, timings: {} });
  assert.equal(m.rows.length, 1);
  const row = m.rows[0];
  assert.deepEqual(Object.keys(row).sort(), ["codelength", "codelengthBits", "init", "key", "klBits", "objective", "oodAcc", "steps", "trainAcc", "trainNllBits"]);
  assert.equal(row.init, "manual");
  assert.equal(row.steps, 0);
  assert.ok(m.manual);
  assert.equal(m.manual.meanWeights.trainAcc, 1);
  assert.equal(m.manual.meanWeights.oodAcc, 1);
  assert.deepEqual(m.accuracyByLength.manual.map((a) => a.length), Array.from({ length: 40 }, (_, i) => i + 1));
  assert.ok(m.accuracyByLength.manual.every((a) => a.accuracy === 1), "compiled weights exact at every length 1–40");
  assert.equal(row.codelengthBits, row.klBits! + row.trainNllBits);
  assert.ok(row.trainNllBits < 1e-3);
  // eq. 86: L_Ψ of the optimal prior counts M_g components (its distinct values) in every group g
  const cl = row.codelength!;
  assert.equal(cl.klBits, row.klBits);
  assert.equal(cl.nllBits, row.trainNllBits);
  assert.equal(cl.paperBits, row.codelengthBits);
  assert.equal(cl.priorBits, m.manual.kl.groups.reduce((a, g) => a + priorParameterBits({ groups: 1, components: g.distinct }), 0));
  assert.equal(cl.totalBits, cl.klBits + cl.nllBits + cl.priorBits);
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
  const config = resolveExperimentConfig(parityExperiment, "smoke", {
    rows: ["random/mle", "random/variational", "manual/variational"],
    train: { steps: 4, manualSteps: 4, evalEvery: 2 },
  });
  const backend = { name: tf.getBackend(), provider: "", skipped: [] };
  const m = await parityExperiment.run(config, { seed: 3, preset: "smoke", backend, progress: silentProgress, timings: {} });
  assert.deepEqual(m.rows.map((r) => r.key), ["random/mle", "random/variational", "manual/variational"]);
  const T = config.data.trainMaxLen;
  for (const r of m.rows) {
    for (const k of ["trainNllBits", "trainAcc", "oodAcc"] as const) assert.ok(Number.isFinite(r[k]), `${r.key} ${k} = ${r[k]}`);
    assert.ok(r.trainAcc >= 0 && r.trainAcc <= 1 && r.oodAcc >= 0 && r.oodAcc <= 1);
    assert.equal(r.steps, 4);
    if (r.objective === "mle") {
      assert.equal(r.klBits, null);
      assert.equal(r.codelengthBits, null);
      assert.equal(r.codelength, null);
    } else {
      assert.ok(Number.isFinite(r.klBits!) && r.klBits! > 0, `${r.key} KL ${r.klBits}`);
      assert.equal(r.codelengthBits, r.klBits! + r.trainNllBits);
      // L_Ψ: groups × the adaptive prior's components (the manual row's prior is padded to its largest group's count)
      const prior = m.trained[r.key!].prior!;
      assert.equal(r.codelength!.priorBits, priorParameterBits({ groups: prior.length, components: prior[0].mu.length }));
      if (r.key === "random/variational") assert.equal(prior[0].mu.length, config.prior.components);
      assert.equal(r.codelength!.totalBits, r.codelengthBits! + r.codelength!.priorBits);
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
  const results = { experiment: "parity", preset: "smoke" as const, overrides: {}, seed: 3, backend: "wasm", kcdlVersion: "", timings: { startedAt: "", durationS: 0 }, config, ...m };
  const figs = parityExperiment.figures(results);
  for (const name of ["accuracy-by-length", "training-curves", "learned-prior"]) assert.ok(figs[name], `figure ${name}`);
  const t1 = parityExperiment.tables(results).table1;
  assert.equal(t1.rows.length, 3 + m.paper.rows.length);
});

test("parity --resume: a finished row's checkpoint is picked up and gives the same row without training again", async () => {
  await testBackend();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kcdl-parity-"));
  const config = resolveExperimentConfig(parityExperiment, "smoke", { rows: ["random/variational"], train: { steps: 3, checkpointEvery: 2 } });
  const backend = { name: tf.getBackend(), provider: "", skipped: [] };
  const a = await parityExperiment.run(config, { seed: 4, preset: "smoke", backend, progress: silentProgress, checkpointDir: dir, timings: {} });
  assert.ok(fs.existsSync(path.join(dir, "random-variational.json")));
  const b = await parityExperiment.run(config, { seed: 4, preset: "smoke", backend, progress: silentProgress, checkpointDir: dir, resume: true, timings: {} });
  assert.equal(b.trained["random/variational"].resumedFrom, 3);
  assert.deepEqual(b.rows, a.rows);
  assert.deepEqual(b.trained["random/variational"].curve, a.trained["random/variational"].curve);
  // without --resume the run starts over (and overwrites the checkpoint)
  const c = await parityExperiment.run(config, { seed: 4, preset: "smoke", backend, progress: silentProgress, checkpointDir: dir, timings: {} });
  assert.equal(c.trained["random/variational"].resumedFrom, 0);
  assert.deepEqual(c.rows, a.rows);
  fs.rmSync(dir, { recursive: true, force: true });
});

test("parity config errors name the problem, from the schema or check(), before any work", async () => {
  const bad = (over: object) => () => resolveExperimentConfig(parityExperiment, "smoke", over);
  assert.throws(bad({ rows: ["random/sgd"] }), (e: Error) => e instanceof UsageError && /rows.*must be one of random\/mle/.test(e.message));
  assert.throws(bad({ rows: [] }), /rows.*must not be empty/);
  assert.throws(bad({ rows: ["manual"], model: { layers: 4 } }), /layers ≥ 2·trainMaxLen \+ 1 = 5/);
  assert.throws(bad({ train: { qkInit: "xavier" } }), /train\.qkInit.*must be one of he, scaled/);
  assert.throws(bad({ model: { normScale: "none" } }), /model\.normScale.*must be one of fixed, learnable/);
  assert.throws(bad({ prior: { grouping: "row" } }), /prior\.grouping.*must be one of all, tensor, column/);
  assert.throws(bad({ train: { workers: -1 } }), /train\.workers.*must be ≥ 0/);
  assert.throws(bad({ train: { learningRate: 1e-3 } }), /unknown config key 'train\.learningRate'/);
  // the runner checks before any work: nothing is trained, no output folder is made
  const out = path.join(os.tmpdir(), `kcdl-parity-never-${process.pid}`);
  const t0 = Date.now();
  await assert.rejects(runExperiment(parityExperiment, { preset: "smoke", out, overrides: { rows: ["manual"], model: { layers: 4 } } }), /layers ≥ 2·trainMaxLen \+ 1/);
  assert.ok(Date.now() - t0 < 2000 && !fs.existsSync(path.join(out, "parity", "results.json")));
  fs.rmSync(out, { recursive: true, force: true });
});

test("prior.components 1 and 2 run; the manual rows' optimal prior keeps the components it needs", async () => {
  await testBackend();
  const backend = { name: tf.getBackend(), provider: "", skipped: [] };
  for (const K of [1, 2]) {
    const config = resolveExperimentConfig(parityExperiment, "smoke", { rows: ["random/variational", "manual", "manual/variational"], prior: { components: K }, train: { steps: 2, manualSteps: 1, evalEvery: 0 } }) as typeof defaults;
    const m = await parityExperiment.run(config, { seed: 2, preset: "smoke", backend, progress: silentProgress, timings: {} });
    assert.equal(m.trained["random/variational"].prior![0].mu.length, K);
    assert.ok(Math.max(...m.manual!.kl.groups.map((g) => g.distinct)) > K, "the optimal prior has more components than the learned one");
    assert.equal(m.trained["manual/variational"].prior![0].mu.length, Math.max(...m.manual!.kl.groups.map((g) => g.distinct)));
    for (const r of m.rows) assert.ok(Number.isFinite(r.codelength!.totalBits), `${r.key} K=${K}`);
  }
});

test("train.decaySteps is honoured: the final rate is reached after decaySteps steps", async () => {
  await testBackend();
  const backend = { name: tf.getBackend(), provider: "", skipped: [] };
  const curve = async (decaySteps: number) => {
    const config = resolveExperimentConfig(parityExperiment, "smoke", { rows: ["random/mle"], train: { steps: 5, warmupSteps: 1, decaySteps, evalEvery: 0 } }) as typeof defaults;
    return (await parityExperiment.run(config, { seed: 6, preset: "smoke", backend, progress: silentProgress, timings: {} })).trained["random/mle"].curve;
  };
  const [a, b] = [await curve(0), await curve(1)];
  assert.deepEqual(a.slice(0, 3), b.slice(0, 3), "the same up to the step whose rate differs");
  assert.notDeepEqual(a.slice(3), b.slice(3));
});

test("claims and readme are computed from the results they are given", () => {
  const committed = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "..", "figures", "parity", "results.json"), "utf8")) as ParityResults;
  const claims = parityExperiment.claims(committed);
  assert.ok(claims.length >= 5);
  for (const c of claims) assert.ok(c.claim && c.paper && c.ours && c.note && (c.agrees === null || typeof c.agrees === "boolean"));
  // a changed result changes the claims and the README text
  const worse = structuredClone(committed);
  const rv = worse.rows.find((r) => r.key === "random/variational")!;
  rv.oodAcc = 0.987;
  worse.rows.find((r) => r.key === "manual")!.oodAcc = 0.5;
  const ood = (cs: typeof claims) => cs.find((c) => /generalises to longer/.test(c.claim))!;
  const exact = (cs: typeof claims) => cs.find((c) => /compiled solution is exact/.test(c.claim))!;
  assert.equal(ood(claims).agrees, true);
  assert.equal(ood(parityExperiment.claims(worse)).agrees, false);
  assert.match(ood(parityExperiment.claims(worse)).ours, /98\.7 %/);
  assert.equal(exact(claims).agrees, true);
  assert.equal(exact(parityExperiment.claims(worse)).agrees, false);
  const md = parityExperiment.readme(committed);
  assert.match(md, /^### Parity, Table 1 \(`figures\/parity\/`\)/);
  const m = committed.rows.find((r) => r.key === "manual")!;
  for (const r of committed.rows) assert.ok(md.includes(`${(100 * r.oodAcc).toFixed(1)} %`) || r.oodAcc === 1, `${r.key} OOD accuracy in the readme`);
  assert.ok(md.includes(bits(m.klBits!)) && md.includes(bits(m.codelength!.totalBits)) && md.includes(bits(rv.codelength!.priorBits)));
  assert.ok(md.includes(Math.round(rv.codelengthBits! / m.codelengthBits!) + "× shorter"));
  assert.ok(parityExperiment.readme(worse).includes("98.7 %"));
  assert.ok(parityExperiment.readme(worse).includes("does not fully hold"));
});

test("train.workers: the rows trained with gradient worker threads equal in-process training up to float rounding", async () => {
  await testBackend();
  const run = async (workers: number) => {
    const config = resolveExperimentConfig(parityExperiment, "smoke", {
      rows: ["random/mle", "random/variational", "manual/variational"],
      train: { steps: 3, manualSteps: 2, evalEvery: 0, workers },
    });
    const backend = { name: tf.getBackend(), provider: "", skipped: [] };
    return parityExperiment.run(config, { seed: 5, preset: "smoke", backend, progress: silentProgress, timings: {} });
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
});

test("a gradient worker loads only problem.ts (the Transformer and the parity task), not the experiment", async () => {
  const { execFileSync } = await import("node:child_process");
  const root = path.join(__dirname, "..", "..", "..");
  const { parityProblemSource } = await import("../../src/experiments/parity/problem");
  const src = parityProblemSource(compileManual(defaults).config, 42);
  assert.equal(path.basename(src.module, path.extname(src.module)), "problem");
  const mod = path.join(root, "dist", "experiments", "parity", "problem.js");
  const loaded: string[] = JSON.parse(execFileSync(process.execPath, ["-e", `require(${JSON.stringify(mod)}); console.log(JSON.stringify(Object.keys(require.cache).filter((k) => !k.includes("node_modules")).map((k) => require("path").relative(${JSON.stringify(path.join(root, "dist"))}, k))))`], { encoding: "utf8" }));
  assert.deepEqual(loaded.filter((f) => !/^(experiments\/parity\/problem|nn\/transformer|tasks\/parity-data|core\/(errors|rng|io))\.js$/.test(f)), [], `loaded ${loaded.join(", ")}`);
});
