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

(async () => {
  const backend = await kcdl.initBackend(backendArg);
  const matmul = [matmulGflops(1024, 128, 512), matmulGflops(2048, 512, 128), matmulGflops(512, 512, 512)];
  const kl = [klThroughput(1000, 100), klThroughput(20000, 100)];
  const result = {
    backend: backend.name,
    provider: backend.provider,
    matmulGflops: Math.max(...matmul.map((m) => m.gflops)),
    matmul,
    klMonteCarlo: kl,
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
  if (json) console.log(JSON.stringify(result));
})().catch((err) => {
  console.error(`bench: ${err.message}`);
  process.exit(1);
});
