/**
 * The WebGPU backend (tfjs-backend-webgpu on Dawn) against the wasm backend: the looped
 * Transformer's forward pass (C.1), the gradients of the MLE and variational objectives
 * (on wasm the Monte-Carlo KL and GMM log-density run as fused host passes, on webgpu as
 * tfjs ops: two implementations), and a few steps of training, MLE and variational, on
 * the Transformer and the MLP of C.2. Without a GPU the adapter is SwiftShader, the CPU
 * Vulkan driver of Debian's chromium package. Skipped when no adapter is found, unless
 * KCDL_REQUIRE_WEBGPU=1 (CI), which makes that a failure.
 */
import { test, before } from "node:test";
import * as fs from "node:fs";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../src/core/backend";
import { SWIFTSHADER_ICD, probeWebgpu } from "../../src/core/webgpu";
import { KcdlError } from "../../src/core/errors";
import { Trainer, TrainModel, TrainOptions, TrainProblem } from "../../src/train/trainer";
import * as transformer from "../../src/nn/transformer";
import { mlpSpecs, mlpNllBits, heNormalInit } from "../../src/nn/mlp";
import { identityBatch, IdentityBatch } from "../../src/tasks/identity";
import { rngStream } from "../../src/core/rng";
import { trainModel, disposeModel, testOptions } from "../support/models";
import { tinyConfig, tinyParityProblem } from "../support/worker-problem";
import type { ParamSpec, WeightValues } from "../../src/nn/param-tree";

let unavailable: string | undefined;

before(async () => {
  if (!process.env.VK_ICD_FILENAMES && fs.existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  const found = await probeWebgpu();
  if (typeof found === "string") {
    if (process.env.KCDL_REQUIRE_WEBGPU === "1") throw new Error(`KCDL_REQUIRE_WEBGPU=1 but ${found}`);
    unavailable = found;
  }
});

/** Largest |a − b| over the largest |b|. */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let d = 0;
  let s = 1e-12;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(b[i]));
  }
  return d / s;
}

/** Runs `fn` on `backend` and returns its plain result; leaves no tensors on that backend. */
async function on<T>(backend: "wasm" | "webgpu", fn: () => Promise<T>): Promise<T> {
  await initBackend(backend);
  assert.equal(tf.getBackend(), backend);
  const before = tf.memory().numTensors;
  const out = await fn();
  assert.equal(tf.memory().numTensors, before, `${backend}: no tensors left behind`);
  return out;
}

async function read(named: Record<string, tf.Tensor>): Promise<Record<string, Float32Array>> {
  const out: Record<string, Float32Array> = {};
  for (const [n, t] of Object.entries(named)) out[n] = (await t.data()) as Float32Array;
  return out;
}

const layers = 3;
const specs = transformer.transformerParamSpecs(tinyConfig);
const means = transformer.heNormalInit(tinyConfig, rngStream(4, "init"));

/** The objective's gradients and parts on one fixed batch at step 2 (fixes the weight and KL noise). */
async function gradientsOf<B extends object>(problem: TrainProblem<B>, kind: "mle" | "variational", sp: ParamSpec[], init: WeightValues, o: TrainOptions, comps = {}) {
  const m = trainModel(kind, sp, init, comps);
  const t = new Trainer({ problem, model: m, options: o, seed: 9 });
  const batch = problem.batch(rngStream(5, "batch"), o.batchSize);
  const { grads, parts } = t.gradients(batch, 2);
  // by the model's own names (variables' tfjs names carry a per-process counter)
  const named = m.kind === "mle" ? m.point.namedVariables() : [...m.posterior.namedVariables(), ...m.prior.namedVariables()];
  const byName = Object.fromEntries(named.filter(([, v]) => grads[v.name]).map(([n, v]) => [n, grads[v.name]]));
  const out = { grads: await read(byName), parts: Array.from(await parts.data()) };
  tf.dispose([...Object.values(grads), parts, batch as unknown as tf.TensorContainer]);
  t.dispose();
  disposeModel(m);
  return out;
}

/** `steps` steps of training through `run`; the curve and the final weights. */
async function trained<B extends object>(problem: TrainProblem<B>, kind: "mle" | "variational", sp: ParamSpec[], init: WeightValues, o: TrainOptions, comps = {}) {
  const m = trainModel(kind, sp, init, comps);
  const t = new Trainer({ problem, model: m, options: o, seed: 9 });
  const r = await t.run();
  const named = m.kind === "mle" ? m.point.namedVariables() : [...m.posterior.namedVariables(), ...m.prior.namedVariables()];
  const vars = Object.fromEntries(named.map(([n, v]) => [n, v as tf.Tensor]));
  const out = { curve: r.curve, weights: await read(vars) };
  t.dispose();
  disposeModel(m);
  return out;
}

test("webgpu: the looped Transformer's logits equal wasm's", async (t) => {
  if (unavailable) return t.skip(unavailable);
  const inputs = [[1], [0, 1], [1, 1, 0], [1, 0, 1, 1], [0, 0, 0, 1, 1]];
  const logits = (backend: "wasm" | "webgpu") =>
    on(backend, async () => {
      const w = Object.fromEntries(specs.map((s) => [s.name, tf.tensor(means[s.name], s.shape)]));
      const batch = transformer.makeBatch(tinyConfig, inputs);
      const y = transformer.forward(tinyConfig, w, batch, { layers }).logits;
      const v = await y.data();
      tf.dispose([y, ...Object.values(w), batch as unknown as tf.TensorContainer]);
      return v;
    });
  const a = await logits("wasm");
  const b = await logits("webgpu");
  assert.equal(a.length, inputs.length * tinyConfig.classes);
  assert.ok(relErr(b, a) < 1e-5, `logits differ by ${relErr(b, a)} of their scale`);
});

test("webgpu: gradients of the MLE and variational objectives equal wasm's (KL fused on the host there, tfjs ops here)", async (t) => {
  if (unavailable) return t.skip(unavailable);
  const problem = tinyParityProblem({ layers });
  for (const kind of ["mle", "variational"] as const) {
    const o = testOptions({ objective: kind, batchSize: 10 });
    const comps = kind === "variational" ? { "embed/prompt": 2 } : {};
    const a = await on("wasm", () => gradientsOf(problem, kind, specs, means, o, comps));
    const b = await on("webgpu", () => gradientsOf(problem, kind, specs, means, o, comps));
    assert.deepEqual(Object.keys(b.grads).sort(), Object.keys(a.grads).sort());
    for (const n of Object.keys(a.grads)) assert.ok(relErr(b.grads[n], a.grads[n]) < 5e-4, `${kind} ∂/∂${n}: differs by ${relErr(b.grads[n], a.grads[n])} of its scale`);
    for (let i = 0; i < 3; i++) assert.ok(Math.abs(b.parts[i] - a.parts[i]) <= 1e-4 * Math.max(1, Math.abs(a.parts[i])), `${kind} part ${i}: ${b.parts[i]} vs ${a.parts[i]}`);
    if (kind === "variational") assert.ok(a.parts[1] > 0, "the KL term is there");
  }
});

const mlpShape = { inputs: 4, hidden: 16, outputs: 4 };
const mlpProblem: TrainProblem<IdentityBatch> = {
  batch: (rng, size) => identityBatch(4, rng, size),
  nllBits: (w, b) => mlpNllBits(w, b.x, b.y),
};

test("webgpu: training runs the same trajectory as on wasm (Transformer and MLP, MLE and variational)", async (t) => {
  if (unavailable) return t.skip(unavailable);
  const mlp = mlpSpecs(mlpShape);
  const mlpInit = heNormalInit(mlp, rngStream(2, "init"));
  const cases = [
    { what: "Transformer", problem: tinyParityProblem({ layers }) as TrainProblem<object>, sp: specs, init: means, batchSize: 10, comps: { "embed/prompt": 2 } },
    { what: "MLP", problem: mlpProblem as TrainProblem<object>, sp: mlp, init: mlpInit, batchSize: 32, comps: {} },
  ];
  for (const c of cases) {
    for (const kind of ["mle", "variational"] as const) {
      const o = testOptions({ objective: kind, batchSize: c.batchSize, steps: 3 });
      const comps = kind === "variational" ? c.comps : {};
      const a = await on("wasm", () => trained(c.problem, kind, c.sp, c.init, o, comps));
      const b = await on("webgpu", () => trained(c.problem, kind, c.sp, c.init, o, comps));
      assert.equal(b.curve.length, 3);
      a.curve.forEach((p, i) => {
        const q = b.curve[i];
        assert.ok(Math.abs(q.lossBits - p.lossBits) <= 2e-4 * Math.abs(p.lossBits), `${c.what} ${kind} step ${p.step}: loss ${q.lossBits} on webgpu vs ${p.lossBits} on wasm`);
      });
      for (const n of Object.keys(a.weights)) assert.ok(relErr(b.weights[n], a.weights[n]) < 1e-3, `${c.what} ${kind} ${n} after 3 steps: differs by ${relErr(b.weights[n], a.weights[n])}`);
    }
  }
});

test("webgpu: a synchronous read of device data fails with one clear error; stepOnce names the way out", async (t) => {
  if (unavailable) return t.skip(unavailable);
  await initBackend("webgpu");
  const x = tf.square(tf.tensor1d([1, 2, 3]));
  const clear = (e: unknown) => e instanceof KcdlError && /no synchronous read-back/.test((e as Error).message) && /await tensor\.data\(\)/.test((e as Error).message);
  assert.throws(() => x.dataSync(), clear);
  assert.deepEqual(Array.from(await x.data()), [1, 4, 9]);
  x.dispose();
  const mlp = mlpSpecs(mlpShape);
  const m: TrainModel = trainModel("mle", mlp, heNormalInit(mlp, rngStream(2, "init")));
  const tr = new Trainer({ problem: mlpProblem, model: m, options: testOptions({ objective: "mle", steps: 1 }), seed: 9 });
  assert.throws(() => tr.stepOnce(), clear);
  tr.dispose();
  disposeModel(m);
});

/** Every number in `b` that `a` also has at the same path, outside `skip`, where they differ by more than `rel`. */
function numericDiffs(a: unknown, b: unknown, rel: number, skip: RegExp, at = ""): string[] {
  if (skip.test(at)) return [];
  if (typeof a === "number" && typeof b === "number") return Math.abs(a - b) <= rel * Math.max(1, Math.abs(b)) ? [] : [`${at}: ${a} vs ${b}`];
  if (Array.isArray(a) && Array.isArray(b)) return a.length !== b.length ? [`${at}: length ${a.length} vs ${b.length}`] : a.flatMap((x, i) => numericDiffs(x, b[i], rel, skip, `${at}[${i}]`));
  if (a && b && typeof a === "object" && typeof b === "object") {
    return Object.keys(a).filter((k) => k in (b as object)).flatMap((k) => numericDiffs((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], rel, skip, `${at}/${k}`));
  }
  return [];
}

test("webgpu: the parity experiment (smoke preset) gives wasm's results: training on the device, scoring on the host", async (t) => {
  if (unavailable) return t.skip(unavailable);
  const { runExperiments } = await import("../../src/lab/runner");
  const { parityExperiment } = await import("../../src/experiments/parity");
  const run = async (backend: "wasm" | "webgpu") => (await runExperiments([parityExperiment], { preset: "smoke", seed: 1, backend, staticImages: false }))[0];
  const a = await run("wasm");
  const b = await run("webgpu");
  assert.equal(b.backend.name, "webgpu");
  assert.equal(a.backend.name, "wasm");
  const skip = /timings|durationS|peakRss|seconds/i;
  const diffs = numericDiffs(b.results, a.results, 1e-3, skip);
  assert.deepEqual(diffs, [], `webgpu vs wasm: ${diffs.slice(0, 5).join("; ")}`);
  // the comparison saw the trained rows' numbers: shifting them by 1 % is caught
  const shifted = JSON.parse(JSON.stringify(a.results), (_k, v) => (typeof v === "number" && v !== 0 ? v * 1.01 : v));
  const caught = numericDiffs(b.results, shifted, 1e-3, skip);
  assert.ok(caught.some((d) => d.startsWith("/rows")) && caught.some((d) => d.startsWith("/trained")), `a 1 % change is detected (${caught.length} numbers)`);
});

test("webgpu: Sum and Max over a short last axis (sliced) and logsumexp over K equal wasm's; other reductions and AddN of many terms too", async (t) => {
  if (unavailable) return t.skip(unavailable);
  const values = Array.from({ length: 4 * 5 * 3 }, (_, i) => Math.sin(i * 1.7) * 3);
  const compute = (backend: "wasm" | "webgpu") =>
    on(backend, async () => {
      const x = tf.tensor3d(values, [4, 5, 3]);
      const outs = [
        tf.sum(x, -1),
        tf.sum(x, 2, true),
        tf.sum(x, 1),
        tf.sum(x),
        tf.logSumExp(x, -1),
        tf.max(x, -1),
        tf.max(x, 1),
        tf.tidy(() => tf.addN(Array.from({ length: 23 }, (_, i) => tf.mul(x, i + 1)))),
      ];
      const r = [];
      for (const o of outs) r.push({ shape: o.shape, v: Array.from(await o.data()) });
      tf.dispose([x, ...outs]);
      return r;
    });
  const a = await compute("wasm");
  const b = await compute("webgpu");
  a.forEach((p, i) => {
    assert.deepEqual(b[i].shape, p.shape, `output ${i}: shape`);
    assert.ok(relErr(b[i].v, p.v) < 3e-5, `output ${i}: differs by ${relErr(b[i].v, p.v)}`);
  });
});
