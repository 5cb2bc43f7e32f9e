#!/usr/bin/env node
"use strict";
/**
 * `npm run bench`: speed of the pieces kcdl's cost is made of, on the active backend.
 *   - matMul GFLOP/s at model-like shapes (2·m·k·n FLOPs per product);
 *   - the Monte-Carlo KL estimator (C.1: 100 samples per weight) against a 3-component
 *     GMM prior, forward + backward, as weight-samples per second;
 *   - a training step of the looped parity Transformer (C.1) at the bench's `cpu`-sized
 *     model (BENCH_MODEL below), MLE and variational (S = 2 weight samples, KL by 100 MC
 *     samples against per-tensor 3-component priors), as examples/s and GFLOP/s with FLOPs
 *     counted analytically (bench/transformer-step.js), `ratioToMatmul`, live tensors
 *     before/after the timed steps (`tensorsLeaked`) and peak RSS.
 * Options: `--json` prints one JSON object on the last line; `--backend NAME` forces a
 * backend; `--steps N` timed training steps (default 3); `--paper` instead runs one
 * training step of the paper's model (C.1: d_model 128, 42 layers, batch 128, S = 2,
 * length-20 inputs) with micro-batches of `--micro N` (default 16) and reports its
 * time and peak memory. `--workers N` (default 2; 0 skips) also times the steps with the
 * NLL gradients on N worker threads (Trainer `workers`). `KCDL_WASM_FIXES=0` in the environment measures the stock wasm
 * kernels (src/core/wasm-kernels.ts). Timings take medians after a warm-up.
 */
// `--vs-peers`: kcdl against the same step in PyTorch and JAX (bench/vs-peers.js)
if (process.argv.includes("--vs-peers")) {
  require("./vs-peers.js");
  return;
}
const os = require("node:os");
const { performance } = require("node:perf_hooks");
const { Command } = require("commander");
const kcdl = require("../dist/index.js");
const { BENCH_MODEL, PAPER_MODEL, describe, transformerStep, wasmHeapMb } = require("./transformer-step.js");
const { tf } = kcdl.core;

const cli = new Command("bench")
  .option("--json", "print one JSON object on the last line")
  .option("--backend <name>", "tfjs backend: auto, tensorflow, wasm or cpu", "auto")
  .option("--steps <n>", "timed training steps per objective", (v) => parseInt(v, 10), 3)
  .option("--paper", "run one training step of the paper's model (micro-batched) instead")
  .option("--micro <n>", "micro-batch size of the --paper step", (v) => parseInt(v, 10), 16)
  .option("--workers <n>", "also time the training steps with NLL gradients on n worker threads (0: skip)", (v) => parseInt(v, 10), 2)
  .parse(process.argv);
const opts = cli.opts();
const json = Boolean(opts.json);
const backendArg = opts.backend;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median seconds per call of fn (which must return a tensor), after warm-up; reads the result with `await data()` (every backend). */
async function time(fn, repeats = 7, inner = 3) {
  tf.dispose(fn());
  const ts = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) {
      const out = fn();
      await (Array.isArray(out) ? out[0] : out).data();
      tf.dispose(out);
    }
    ts.push((performance.now() - t0) / 1000 / inner);
  }
  return median(ts);
}

async function matmulGflops(m, k, n) {
  const a = tf.randomNormal([m, k], 0, 1, "float32", 1);
  const b = tf.randomNormal([k, n], 0, 1, "float32", 2);
  const s = await time(() => tf.matMul(a, b));
  tf.dispose([a, b]);
  return { shape: `${m}x${k}·${k}x${n}`, gflops: (2 * m * k * n) / s / 1e9 };
}

async function klThroughput(nWeights, samples) {
  // variables that own their data (tf.variable copies; the initial tensor is freed here)
  const own = (t) => {
    const v = tf.variable(t);
    t.dispose();
    return v;
  };
  const q = {
    mu: own(tf.randomNormal([nWeights, 1], 0, 0.5, "float32", 3)),
    nu: own(tf.fill([nWeights, 1], -10)),
    w: tf.zeros([nWeights, 1]),
  };
  const p = kcdl.codes.gmmToTensors(kcdl.codes.gmmFromMoments([-1, 0, 1], [0.1, 0.1, 0.1]));
  let seed = 1;
  const s = await time(() => {
    const { value, grads } = tf.variableGrads(() => kcdl.codes.klMonteCarloBitsT(q, p, { samples, seed: seed++ }).total, [q.mu, q.nu]);
    return [value, ...Object.values(grads)];
  }, 5, 1);
  tf.dispose([q.mu, q.nu, q.w]);
  kcdl.codes.disposeGmm(p);
  return { weights: nWeights, samples, seconds: s, weightSamplesPerS: (nWeights * samples) / s };
}

/**
 * Seconds per training step of the mlp-identity experiment (C.2): 4→16→4 MLP, batch 128,
 * 2 weight samples, MC KL with 100 samples against a 3-component prior (variational), or MLE.
 */
async function mlpIdentityStep(objective) {
  const specs = kcdl.nn.mlp.mlpSpecs({ inputs: 4, hidden: 16, outputs: 4 });
  const init = kcdl.nn.mlp.heNormalInit(specs, kcdl.core.rngStream(1, "bench/init"));
  const model =
    objective === "mle"
      ? { kind: "mle", point: new kcdl.nn.PointWeights(specs, init) }
      : {
          kind: "variational",
          posterior: new kcdl.variational.Posterior(specs, { means: init, nu: -10 }),
          prior: new kcdl.variational.AdaptivePrior(specs, init, { grouping: "all", components: 3, init: kcdl.variational.sampledPriorInit(kcdl.core.rngStream(1, "bench/prior"), 3) }),
        };
  const problem = { batch: (rng, n) => kcdl.tasks.identity.identityBatch(4, rng, n), nllBits: (w, b) => kcdl.nn.mlp.mlpNllBits(w, b.x, b.y) };
  const options = {
    objective, steps: 100000, batchSize: 128, klCoef: 1e-3, weightSamples: 2, klSamples: 100,
    learningRate: 1e-3, warmupSteps: 0, finalLearningRate: 1e-4, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, evalEvery: 0,
  };
  const trainer = new kcdl.train.Trainer({ problem, model, options, seed: 1 });
  for (let i = 0; i < 5; i++) await trainer.stepAsync();
  const ts = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) await trainer.stepAsync();
    ts.push((performance.now() - t0) / 1000 / 20);
  }
  trainer.dispose();
  if (objective === "mle") model.point.dispose();
  else {
    model.posterior.dispose();
    model.prior.dispose();
  }
  return { objective, secondsPerStep: median(ts) };
}

/**
 * Forward passes of the compiled (ALTA) parity Transformer of C.1 — d_model 128, 2 heads,
 * MLP 512, 20 prompt tokens — at 42 applications of the shared block, as examples per second
 * (batch 32 of length 20, the longest training length: 43 positions).
 */
async function parityForward() {
  const { alta } = kcdl;
  const { transformer } = kcdl.nn;
  const c = alta.compile(alta.parityProgram(), { promptTokens: 20, dModel: 128, heads: 2, dHead: 64, dMlp: 512, paramScale: 100, normAlpha: 0.03, headSaturation: 1, centerHeads: true });
  const w = transformer.weightsFromValues(c.config, c.values);
  const rng = kcdl.core.rngStream(1, "bench/parity");
  const batch = transformer.makeBatch(c.config, Array.from({ length: 32 }, () => Array.from({ length: 20 }, () => (rng() < 0.5 ? 1 : 0))));
  const run = () => transformer.forward(c.config, w, batch, { layers: 42 }).logits;
  const s = await time(run, 3, 1);
  tf.dispose(Object.values(w));
  return { layers: 42, batch: 32, length: 20, seconds: s, examplesPerS: 32 / s };
}

/** Paper-scale step: one micro-batched variational step of C.1's model, with its time and peak memory. */
async function paperStep(backend) {
  const loadBefore = os.loadavg();
  const r = await transformerStep(kcdl, { ...PAPER_MODEL, objective: "variational", weightSamples: 2, microBatchSize: opts.micro, warmup: 0, steps: 1, workers: opts.workers || undefined });
  const result = { backend: backend.name, paperStep: { model: describe(PAPER_MODEL), microBatchSize: opts.micro, ...r }, loadAverage: [loadBefore, os.loadavg()] };
  if (!json) {
    console.log(`backend: ${backend.name} (${backend.provider}); load average ${loadBefore.map((x) => x.toFixed(2)).join(" ")}`);
    console.log(`paper step (${describe(PAPER_MODEL)}, variational S = 2, micro-batches of ${opts.micro}, ${opts.workers} workers):`);
    console.log(
      `  ${r.secondsPerStep.toFixed(1)} s/step (KL ${r.klSeconds.toFixed(1)} s), ${r.gflops.toFixed(2)} GFLOP/s, ` +
        `${r.examplesPerS.toFixed(2)} examples/s, peak RSS ${r.peakRssMb.toFixed(0)} MB, wasm heap ${r.wasmHeapMb === null ? "n/a" : r.wasmHeapMb.toFixed(0) + " MB"}, leaked tensors ${r.tensorsLeaked}`,
    );
  } else console.log(JSON.stringify(result));
}

(async () => {
  const backend = await kcdl.core.initBackend(backendArg);
  // the device computes the whole step on webgpu: no gradient worker threads there
  if (backend.name === "webgpu") opts.workers = 0;
  if (opts.paper) return paperStep(backend);
  const loadBefore = os.loadavg();
  const matmul = [];
  // the bench model's weight products (N = 128·19 rows) after three square-ish shapes
  for (const [m, k, n] of [[1024, 128, 512], [2048, 512, 128], [512, 512, 512], [2432, 64, 192], [2432, 64, 256], [2432, 256, 64]]) matmul.push(await matmulGflops(m, k, n));
  const matmulPeak = Math.max(...matmul.map((m) => m.gflops));
  const step = (objective, workers) => transformerStep(kcdl, { ...BENCH_MODEL, objective, weightSamples: 2, klSamples: 100, warmup: 1, steps: opts.steps, workers });
  const stepMle = await step("mle");
  const stepVar = await step("variational");
  const parallel = opts.workers > 0 ? [await step("mle", opts.workers), await step("variational", opts.workers)] : [];
  const kl = [await klThroughput(1000, 100), await klThroughput(20000, 100)];
  const mlpStep = [await mlpIdentityStep("mle"), await mlpIdentityStep("variational")];
  const parity = await parityForward();
  const summary = (r) => ({
    objective: r.objective,
    workers: r.workers,
    weightSamples: r.weightSamples,
    secondsPerStep: r.secondsPerStep,
    gflopPerStep: r.gflopPerStep,
    gflops: r.gflops,
    ratioToMatmul: r.gflops / matmulPeak,
    examplesPerS: r.examplesPerS,
    klSeconds: r.klSeconds,
    tensorsLeaked: r.tensorsLeaked,
    peakRssMb: r.peakRssMb,
    wasmHeapMb: r.wasmHeapMb,
  });
  const result = {
    backend: backend.name,
    provider: backend.provider,
    matmulGflops: matmulPeak,
    matmul,
    // trainStep: both cores in use — the NLL gradients on `--workers` threads while this thread
    // computes the KL (TrainerArgs.workers) — unless --workers 0; trainStepInProcess: one thread.
    trainStep: parallel.length
      ? { model: describe(BENCH_MODEL), ...summary(parallel[1]), mle: summary(parallel[0]) }
      : { model: describe(BENCH_MODEL), ...summary(stepVar), mle: summary(stepMle) },
    trainStepInProcess: { model: describe(BENCH_MODEL), ...summary(stepVar), mle: summary(stepMle) },
    klMonteCarlo: kl,
    mlpIdentityStep: mlpStep,
    parityForward: parity,
    leakedTensors: tf.memory().numTensors,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    wasmHeapMb: wasmHeapMb(tf),
    loadAverage: [loadBefore, os.loadavg()],
  };
  if (!json) {
    console.log(`backend: ${backend.name} (${backend.provider}); load average ${loadBefore.map((x) => x.toFixed(2)).join(" ")}`);
    for (const m of matmul) console.log(`matMul ${m.shape}: ${m.gflops.toFixed(2)} GFLOP/s`);
    console.log(`training step, ${result.trainStep.model}:`);
    const rows = [result.trainStepInProcess.mle, result.trainStepInProcess];
    if (parallel.length) rows.push({ ...result.trainStep.mle, tag: ` on ${opts.workers} workers` }, { ...result.trainStep, tag: ` on ${opts.workers} workers` });
    for (const r of rows) {
      console.log(
        `  ${r.objective}${r.tag ?? ""}${r.objective === "variational" ? ` (S = ${r.weightSamples}, KL ${r.klSeconds.toFixed(2)} s of it)` : ""}: ` +
          `${(r.secondsPerStep * 1000).toFixed(0)} ms/step, ${r.gflops.toFixed(2)} GFLOP/s (${r.gflopPerStep.toFixed(1)} GFLOP/step), ` +
          `ratioToMatmul ${r.ratioToMatmul.toFixed(3)}, ${r.examplesPerS.toFixed(1)} examples/s, leaked tensors ${r.tensorsLeaked}, peak RSS ${r.peakRssMb.toFixed(0)} MB`,
      );
    }
    for (const k of kl) {
      console.log(
        `MC KL, ${k.weights} weights × ${k.samples} samples, fwd+bwd: ${(k.seconds * 1000).toFixed(1)} ms ` +
          `(${(k.weightSamplesPerS / 1e6).toFixed(2)} M weight-samples/s)`,
      );
    }
    for (const m of mlpStep) console.log(`mlp-identity training step (${m.objective}, batch 128): ${(m.secondsPerStep * 1000).toFixed(2)} ms`);
    console.log(`compiled parity Transformer forward, 42 applications (batch 32, length 20): ${parity.examplesPerS.toFixed(1)} examples/s`);
    console.log(`load average at the end ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  }
  if (json) console.log(JSON.stringify(result));
})().catch((err) => {
  console.error(`bench: ${err.message}`);
  process.exit(1);
});
