#!/usr/bin/env node
"use strict";
/**
 * `npm run bench`: speed of the pieces kcdl's cost is made of, on the active backend.
 *   - matMul GFLOP/s at model-like shapes (2·m·k·n FLOPs per product);
 *   - the Monte-Carlo KL estimator (C.1: 100 samples per weight) against a 3-component
 *     GMM prior, forward + backward, as weight-samples per second.
 * `--json` prints the same as one JSON object on the last line. `--backend NAME` forces a backend.
 * Timings take the median of several repeats after a warm-up.
 */
const { performance } = require("node:perf_hooks");
const kcdl = require("../dist/index.js");
const { tf } = kcdl;

const args = process.argv.slice(2);
const json = args.includes("--json");
const backendArg = args.includes("--backend") ? args[args.indexOf("--backend") + 1] : "auto";

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median seconds per call of fn (which must return a tensor), after warm-up. */
function time(fn, repeats = 7, inner = 3) {
  tf.dispose(fn());
  const ts = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) {
      const out = fn();
      (Array.isArray(out) ? out[0] : out).dataSync();
      tf.dispose(out);
    }
    ts.push((performance.now() - t0) / 1000 / inner);
  }
  return median(ts);
}

function matmulGflops(m, k, n) {
  const a = tf.randomNormal([m, k], 0, 1, "float32", 1);
  const b = tf.randomNormal([k, n], 0, 1, "float32", 2);
  const s = time(() => tf.matMul(a, b));
  tf.dispose([a, b]);
  return { shape: `${m}x${k}·${k}x${n}`, gflops: (2 * m * k * n) / s / 1e9 };
}

function klThroughput(nWeights, samples) {
  const q = {
    mu: tf.variable(tf.randomNormal([nWeights, 1], 0, 0.5, "float32", 3)),
    nu: tf.variable(tf.fill([nWeights, 1], -10)),
    w: tf.zeros([nWeights, 1]),
  };
  const p = kcdl.gmmToTensors(kcdl.gmmFromMoments([-1, 0, 1], [0.1, 0.1, 0.1]));
  let seed = 1;
  const s = time(() => {
    const { value, grads } = tf.variableGrads(() => kcdl.klMonteCarloBitsT(q, p, { samples, seed: seed++ }).total, [q.mu, q.nu]);
    return [value, ...Object.values(grads)];
  }, 5, 1);
  tf.dispose([q.mu, q.nu, q.w]);
  kcdl.disposeGmm(p);
  return { weights: nWeights, samples, seconds: s, weightSamplesPerS: (nWeights * samples) / s };
}

/**
 * Seconds per training step of the mlp-identity experiment (C.2): 4→16→4 MLP, batch 128,
 * 2 weight samples, MC KL with 100 samples against a 3-component prior (variational), or MLE.
 */
function mlpIdentityStep(objective) {
  const specs = kcdl.mlpSpecs({ inputs: 4, hidden: 16, outputs: 4 });
  const init = kcdl.heNormalInit(specs, kcdl.rngStream(1, "bench/init"));
  const model =
    objective === "mle"
      ? { kind: "mle", point: new kcdl.PointWeights(specs, init) }
      : {
          kind: "variational",
          posterior: new kcdl.Posterior(specs, { means: init, nu: -10 }),
          prior: new kcdl.AdaptivePrior(specs, init, { grouping: "all", components: 3, init: kcdl.sampledPriorInit(kcdl.rngStream(1, "bench/prior"), 3) }),
        };
  const problem = { batch: (rng, n) => kcdl.identityBatch(4, rng, n), nllBits: (w, b) => kcdl.mlpNllBits(w, b.x, b.y) };
  const options = {
    objective, steps: 100000, batchSize: 128, klCoef: 1e-3, weightSamples: 2, klSamples: 100,
    learningRate: 1e-3, warmupSteps: 0, finalLearningRate: 1e-4, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, evalEvery: 0,
  };
  const trainer = new kcdl.Trainer({ problem, model, options, seed: 1 });
  for (let i = 0; i < 5; i++) trainer.stepOnce();
  const ts = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) trainer.stepOnce();
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
function parityForward() {
  const { alta, transformer } = kcdl;
  const c = alta.compile(alta.parityProgram(), { promptTokens: 20, dModel: 128, heads: 2, dHead: 64, dMlp: 512, paramScale: 100, normAlpha: 0.03, headSaturation: 1, centerHeads: true });
  const w = transformer.weightsFromValues(c.config, c.values);
  const rng = kcdl.rngStream(1, "bench/parity");
  const batch = transformer.makeBatch(c.config, Array.from({ length: 32 }, () => Array.from({ length: 20 }, () => (rng() < 0.5 ? 1 : 0))));
  const run = () => transformer.forward(c.config, w, batch, { layers: 42 }).logits;
  const s = time(run, 3, 1);
  tf.dispose(Object.values(w));
  return { layers: 42, batch: 32, length: 20, seconds: s, examplesPerS: 32 / s };
}

(async () => {
  const backend = await kcdl.initBackend(backendArg);
  const matmul = [matmulGflops(1024, 128, 512), matmulGflops(2048, 512, 128), matmulGflops(512, 512, 512)];
  const kl = [klThroughput(1000, 100), klThroughput(20000, 100)];
  const mlpStep = [mlpIdentityStep("mle"), mlpIdentityStep("variational")];
  const parity = parityForward();
  const result = {
    backend: backend.name,
    provider: backend.provider,
    matmulGflops: Math.max(...matmul.map((m) => m.gflops)),
    matmul,
    klMonteCarlo: kl,
    mlpIdentityStep: mlpStep,
    parityForward: parity,
    leakedTensors: tf.memory().numTensors,
  };
  if (!json) {
    console.log(`backend: ${backend.name} (${backend.provider})`);
    for (const m of matmul) console.log(`matMul ${m.shape}: ${m.gflops.toFixed(2)} GFLOP/s`);
    for (const k of kl) {
      console.log(
        `MC KL, ${k.weights} weights × ${k.samples} samples, fwd+bwd: ${(k.seconds * 1000).toFixed(1)} ms ` +
          `(${(k.weightSamplesPerS / 1e6).toFixed(2)} M weight-samples/s)`,
      );
    }
  }
  if (!json) {
    for (const m of mlpStep) console.log(`mlp-identity training step (${m.objective}, batch 128): ${(m.secondsPerStep * 1000).toFixed(2)} ms`);
    console.log(`compiled parity Transformer forward, 42 applications (batch 32, length 20): ${parity.examplesPerS.toFixed(1)} examples/s`);
  }
  if (json) console.log(JSON.stringify(result));
})().catch((err) => {
  console.error(`bench: ${err.message}`);
  process.exit(1);
});
