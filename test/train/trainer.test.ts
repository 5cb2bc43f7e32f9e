import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { disposeModel } from "../support/models";
import { testBackend } from "../support/helpers";
import { Posterior, AdaptivePrior, sampledPriorInit } from "../../src/variational";
import { PointWeights } from "../../src/nn/param-tree";
import { Trainer, TrainOptions, TrainProblem, TrainModel } from "../../src/train/trainer";
import { mlpSpecs, mlpNllBits, heNormalInit } from "../../src/nn/mlp";
import { identityBatch, IdentityBatch } from "../../src/tasks/identity";
import { rngStream } from "../../src/core/rng";
import { KcdlError, UsageError } from "../../src/core/errors";
import { InterruptedError, yieldToEventLoop } from "../../src/core/interrupt";
import type { Progress } from "../../src/core/progress";

before(testBackend);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kcdl-train-"));

const shape = { inputs: 4, hidden: 16, outputs: 4 };
const specs = mlpSpecs(shape);
const problem: TrainProblem<IdentityBatch> = {
  batch: (rng, size) => identityBatch(4, rng, size),
  nllBits: (w, b) => mlpNllBits(w, b.x, b.y),
};
const options = (o: Partial<TrainOptions> = {}): TrainOptions => ({
  objective: "variational",
  steps: 12,
  batchSize: 32,
  klCoef: 1e-2,
  weightSamples: 2,
  klSamples: 20,
  learningRate: 1e-2,
  warmupSteps: 3,
  finalLearningRate: 1e-3,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  evalEvery: 4,
  ...o,
});
function variationalModel(seed = 1): TrainModel & { kind: "variational" } {
  const means = heNormalInit(specs, rngStream(seed, "init"));
  return {
    kind: "variational",
    posterior: new Posterior(specs, { means, nu: -10 }),
    prior: new AdaptivePrior(specs, means, { grouping: "all", components: 3, init: sampledPriorInit(rngStream(seed, "prior"), 3) }),
  };
}
const evaluate = (t: Trainer<IdentityBatch>) => {
  const m = t.args.model as TrainModel & { kind: "variational" };
  return { priorMu: m.prior.summary()[0].mu };
};
const values = (m: TrainModel & { kind: "variational" }) =>
  [...m.posterior.namedVariables(), ...m.prior.namedVariables()].map(([n, v]) => [n, Array.from(v.dataSync())]);

test("a run stopped and resumed from its checkpoint ends with exactly the numbers of an uninterrupted run", async () => {
  const a = variationalModel();
  const ta = new Trainer({ problem, model: a, options: options(), seed: 5, evaluate });
  const ra = await ta.run();
  assert.equal(ra.completed, true);

  const file = path.join(tmp, "resume.json");
  const b1 = variationalModel();
  const tb1 = new Trainer({ problem, model: b1, options: options(), seed: 5, evaluate, checkpoint: { path: file, every: 0 } });
  const stopped = await tb1.run({ stopAfter: 5 });
  assert.equal(stopped.completed, false);
  assert.equal(stopped.steps, 5);
  tb1.dispose();
  disposeModel(b1);

  const b2 = variationalModel(); // fresh objects: everything must come from the checkpoint
  const tb2 = new Trainer({ problem, model: b2, options: options(), seed: 5, evaluate, checkpoint: { path: file, every: 0 } });
  const rb = await tb2.run();
  assert.equal(rb.resumedFrom, 5);
  assert.equal(rb.completed, true);
  assert.deepEqual(rb.curve, ra.curve, "same loss curve");
  assert.deepEqual(rb.history, ra.history, "same evaluation history");
  assert.deepEqual(values(b2), values(a), "same final parameters");
  // a different seed gives different numbers (the test above can fail)
  const c = variationalModel();
  const rc = await new Trainer({ problem, model: c, options: options(), seed: 6 }).run();
  assert.notDeepEqual(rc.curve, ra.curve);
  for (const t of [ta, tb2]) t.dispose();
  for (const m of [a, b2, c]) disposeModel(m);
});

test("no tensor leak: live tensors after step 1 and step N are equal (variational and MLE)", () => {
  for (const objective of ["variational", "mle"] as const) {
    const m: TrainModel =
      objective === "mle" ? { kind: "mle", point: new PointWeights(specs, heNormalInit(specs, rngStream(1, "init"))) } : variationalModel();
    const t = new Trainer({ problem, model: m, options: options({ objective }), seed: 1 });
    t.stepOnce();
    const after1 = tf.memory().numTensors;
    for (let i = 0; i < 6; i++) t.stepOnce();
    assert.equal(tf.memory().numTensors, after1, `${objective}: tensors after step 1 vs step 7`);
    t.dispose();
    disposeModel(m);
  }
});

test("MLE training reduces the NLL", async () => {
  const m: TrainModel = { kind: "mle", point: new PointWeights(specs, heNormalInit(specs, rngStream(2, "init"))) };
  const r = await new Trainer({ problem, model: m, options: options({ objective: "mle", steps: 60, learningRate: 3e-2 }), seed: 2 }).run();
  const first = r.curve.slice(0, 5).reduce((a, p) => a + p.nllBits, 0);
  const last = r.curve.slice(-5).reduce((a, p) => a + p.nllBits, 0);
  assert.ok(last < 0.5 * first, `NLL ${first / 5} → ${last / 5}`);
  disposeModel(m);
});

test("bad input: KL coefficient ≤ 0, a checkpoint from another config, a corrupt checkpoint", async () => {
  const m = variationalModel();
  for (const klCoef of [0, -1e-3, NaN]) {
    assert.throws(() => new Trainer({ problem, model: m, options: options({ klCoef }), seed: 1 }), (e: Error) => e instanceof UsageError && /KL coefficient must be a finite number > 0/.test(e.message));
  }
  assert.throws(() => new Trainer({ problem, model: m, options: options({ objective: "mle" }), seed: 1 }), /needs a model of kind 'mle'/);
  const file = path.join(tmp, "other.json");
  await new Trainer({ problem, model: m, options: options(), seed: 1, checkpoint: { path: file, every: 0 } }).run({ stopAfter: 2 });
  const other = new Trainer({ problem, model: m, options: options({ klCoef: 1e-3 }), seed: 1, checkpoint: { path: file, every: 0 } });
  await assert.rejects(other.run(), (e: Error) => e instanceof KcdlError && /different training configuration/.test(e.message));
  const otherSeed = new Trainer({ problem, model: m, options: options(), seed: 2, checkpoint: { path: file, every: 0 } });
  await assert.rejects(otherSeed.run(), /different training configuration/);

  const corrupt = path.join(tmp, "corrupt.json");
  fs.writeFileSync(corrupt, '{"format": "kcdl-checkpoint/1", "step": 3, "vari');
  await assert.rejects(
    new Trainer({ problem, model: m, options: options(), seed: 1, checkpoint: { path: corrupt, every: 0 } }).run(),
    // the fix offered is one the CLI has (test/cli.test.ts checks `kcdl run --help` offers --resume)
    (e: Error) => e instanceof KcdlError && /corrupt.*run without --resume.*resume: false.*or delete the file/.test(e.message),
  );
  fs.writeFileSync(corrupt, JSON.stringify({ format: "something-else" }));
  await assert.rejects(new Trainer({ problem, model: m, options: options(), seed: 1, checkpoint: { path: corrupt, every: 0 } }).run(), /corrupt/);
  disposeModel(m);
});

test("an interrupt stops training after the step in progress, writes the checkpoint, says how to resume; resuming ends as an uninterrupted run", async () => {
  const steps = 40;
  const a = variationalModel();
  const ra = await new Trainer({ problem, model: a, options: options({ steps }), seed: 7, evaluate }).run();

  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    const file = path.join(tmp, `interrupt-${signal}.json`);
    const b1 = variationalModel();
    const tb1 = new Trainer({ problem, model: b1, options: options({ steps }), seed: 7, evaluate, checkpoint: { path: file, every: 0, resume: true } });
    const before = process.listeners(signal).length;
    let previousCalled = false;
    const previous = () => (previousCalled = true);
    process.on(signal, previous);
    let stepAtSignal = -1;
    let latencyMs = 0;
    let sentAt = 0;
    const timer = setInterval(() => {
      if (tb1.step >= 4 && stepAtSignal < 0) {
        stepAtSignal = tb1.step;
        sentAt = performance.now();
        process.emit(signal as "SIGINT");
      }
    }, 0);
    await assert.rejects(tb1.run(), (e: Error) => {
      latencyMs = performance.now() - sentAt;
      return (
        e instanceof InterruptedError &&
        e.exitCode === 130 &&
        e.message.includes(`(${signal}) after step ${tb1.step} of ${steps}`) &&
        e.message.includes(file) &&
        e.message.includes("--resume") &&
        e.message.includes("resume: true")
      );
    });
    clearInterval(timer);
    assert.ok(stepAtSignal >= 4 && tb1.step <= stepAtSignal + 1, `${signal} at step ${stepAtSignal}, stopped at ${tb1.step}`);
    assert.equal(previousCalled, false, "the handler installed before training is set aside while it runs");
    assert.deepEqual(process.listeners(signal).slice(-1), [previous], "and put back afterwards");
    process.removeListener(signal, previous);
    assert.equal(process.listeners(signal).length, before);
    assert.equal(JSON.parse(fs.readFileSync(file, "utf8")).step, tb1.step, "checkpoint at the step it stopped");
    tb1.dispose();
    disposeModel(b1);
    process.stderr.write(`# ${signal}: stopped ${latencyMs.toFixed(1)} ms after the signal (step ${stepAtSignal} → ${tb1.step})\n`);

    const logs: string[] = [];
    const progress: Progress = { start() {}, update() {}, stop() {}, log: (m) => void logs.push(m) };
    const b2 = variationalModel();
    const tb2 = new Trainer({ problem, model: b2, options: options({ steps }), seed: 7, evaluate, progress, label: "t", checkpoint: { path: file, every: 0, resume: true } });
    const rb = await tb2.run();
    assert.equal(rb.resumedFrom, tb1.step);
    assert.ok(logs.some((l) => l.includes(`resumed from step ${rb.resumedFrom} of ${steps}`)), logs.join("\n"));
    assert.deepEqual(rb.curve, ra.curve, "same loss curve");
    assert.deepEqual(values(b2), values(a), "same final parameters");
    tb2.dispose();
    disposeModel(b2);
  }
  disposeModel(a);
});

test("an AbortSignal stops training the same way; without a checkpoint the message says so", async () => {
  const m = variationalModel();
  const ac = new AbortController();
  const t = new Trainer({ problem, model: m, options: options({ steps: 40 }), seed: 1, signal: ac.signal });
  setTimeout(() => ac.abort(), 0);
  await assert.rejects(t.run(), (e: Error) => e instanceof InterruptedError && /no checkpoint is configured/.test(e.message) && t.step < 40);
  t.dispose();
  disposeModel(m);
});

test("yielding to the event loop between steps costs microseconds", async () => {
  const n = 10_000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await yieldToEventLoop();
  const us = ((performance.now() - t0) / n) * 1000;
  process.stderr.write(`# yieldToEventLoop: ${us.toFixed(2)} µs each\n`);
  assert.ok(us < 200, `${us} µs per yield`);
});
