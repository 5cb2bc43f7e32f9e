"use strict";
/**
 * A training step of the looped parity Transformer (C.1) for `npm run bench`:
 * timing, analytic FLOPs, tensor leaks and peak memory. Shared by bench.js.
 *
 * FLOPs are counted analytically from the matrix products alone (what a backend's
 * matMul peak measures): a product of [m, k]·[k, n] costs 2mkn in the forward pass and
 * 4mkn in the backward pass (one product for each operand's gradient), so a training
 * step costs 3× its forward matMul FLOPs, times the S weight samples. Per application
 * of the shared block, with N = B·T rows, A = H·d_head:
 *   QKV 2N·D·3A + scores 2B·H·T²·d_head + P·V 2B·H·T²·d_head + W_O 2N·A·D + MLP 2·2N·D·M;
 * plus the readout 2B·D·C. Embedding lookups, DyT, softmax, the KL and Adam are
 * elementwise work that a matMul peak does not count: they make the ratio smaller.
 */
const { performance } = require("node:perf_hooks");

/**
 * The model of the bench's training step: the parity Transformer (C.1) shrunk to a size a
 * 2-core machine trains in minutes — d_model 64, 2 heads of 32, MLP 256, 4 prompt tokens,
 * 12 applications of the block, batch 128 of length-12 inputs (T = 19 positions).
 * ../shared/peers/{torch,jax}_step.py run the same model (`--size bench`).
 */
const BENCH_MODEL = {
  cfg: { inputVocab: 2, promptTokens: 4, dModel: 64, heads: 2, dHead: 32, dMlp: 256, relWindow: 8, classes: 2, normScale: "fixed", normAlpha: 1 },
  layers: 12,
  length: 12,
  batchSize: 128,
};

/** C.1's model and batch: d_model 128, 2 heads, MLP 512, 20 prompt tokens, 42 layers, batch 128, inputs of length 20 (T = 43) (`--size paper`). */
const PAPER_MODEL = {
  cfg: { ...BENCH_MODEL.cfg, promptTokens: 20, dModel: 128, dHead: 64, dMlp: 512 },
  layers: 42,
  length: 20,
  batchSize: 128,
};

/** The bench model at 2 layers and batch 16 (`--size tiny`): for a software WebGPU adapter (SwiftShader), where the bench model takes minutes a step. */
const TINY_MODEL = { ...BENCH_MODEL, layers: 2, batchSize: 16 };

/** The model in words. */
const describe = (m) =>
  `parity Transformer d_model ${m.cfg.dModel}, ${m.cfg.heads}×${m.cfg.dHead} heads, MLP ${m.cfg.dMlp}, ${m.cfg.promptTokens} prompt tokens, ` +
  `${m.layers} layers, batch ${m.batchSize} × ${1 + m.cfg.promptTokens + 1 + m.length + 1} positions`;

/** Forward matMul FLOPs of one pass of `layers` blocks over a batch of B sequences of T tokens. */
function forwardFlops(cfg, layers, B, T) {
  const N = B * T;
  const D = cfg.dModel;
  const A = cfg.heads * cfg.dHead;
  const perLayer = 2 * N * D * 3 * A + 4 * B * cfg.heads * T * T * cfg.dHead + 2 * N * A * D + 4 * N * D * cfg.dMlp;
  return layers * perLayer + 2 * B * D * cfg.classes;
}

/** The parity problem on fixed-length inputs (every sequence has `length` bits), NLL in bits at SEP. */
function parityProblem(kcdl, cfg, layers, length) {
  const { tf } = kcdl.core;
  const { transformer } = kcdl.nn;
  return {
    batch(rng, size) {
      const inputs = Array.from({ length: size }, () => Array.from({ length }, () => (rng() < 0.5 ? 1 : 0)));
      return { tokens: transformer.makeBatch(cfg, inputs), labels: inputs.map((x) => x.reduce((a, b) => a ^ b, 0)) };
    },
    slice(b, start, end) {
      return { tokens: transformer.sliceBatch(b.tokens, start, end), labels: b.labels.slice(start, end) };
    },
    nllBits(w, b) {
      return tf.tidy(() => {
        const logits = transformer.forward(cfg, w, b.tokens, { layers }).logits;
        const y = tf.oneHot(tf.tensor1d(b.labels, "int32"), cfg.classes);
        return tf.div(tf.neg(tf.sum(tf.mul(y, tf.logSoftmax(logits)))), Math.LN2);
      });
    },
  };
}

/** Worker-side factory of the same problem (`ProblemSource` of `--workers`): args {cfg, layers, length}. */
function workerProblem(args) {
  return parityProblem(require("../dist/index.js"), args.cfg, args.layers, args.length);
}

/**
 * Times `steps` training steps (after `warmup`) of the parity Transformer `cfg` with
 * `layers` blocks, MLE or variational (S = weightSamples; the KL against a per-tensor
 * 3-component GMM prior with `klSamples` MC samples, as C.1).
 */
async function transformerStep(kcdl, spec) {
  const { tf } = kcdl.core;
  const { transformer } = kcdl.nn;
  const { cfg, layers, length, batchSize, objective, weightSamples = 2, klSamples = 100, warmup = 1, steps = 3 } = spec;
  const specs = transformer.transformerParamSpecs(cfg);
  const init = transformer.heNormalInit(cfg, kcdl.core.rngStream(1, "bench/transformer-init"));
  const model =
    objective === "mle"
      ? { kind: "mle", point: new kcdl.nn.PointWeights(specs, init) }
      : {
          kind: "variational",
          posterior: new kcdl.variational.Posterior(specs, { means: init, nu: -10, components: cfg.promptTokens > 0 ? { "embed/prompt": 2 } : {} }),
          prior: new kcdl.variational.AdaptivePrior(specs, init, { grouping: "tensor", components: 3, init: kcdl.variational.sampledPriorInit(kcdl.core.rngStream(1, "bench/transformer-prior"), 3) }),
        };
  const options = {
    objective, steps: 1e6, batchSize, klCoef: 1e-3, weightSamples, klSamples,
    learningRate: 1e-4, warmupSteps: 0, finalLearningRate: 1e-5, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, evalEvery: 0,
    ...(spec.microBatchSize ? { microBatchSize: spec.microBatchSize } : {}),
  };
  const problem = parityProblem(kcdl, cfg, layers, length);
  const workers = spec.workers
    ? { count: spec.workers, source: { module: __filename, factory: "workerProblem", args: { cfg, layers, length } } }
    : undefined;
  const trainer = new kcdl.train.Trainer({ problem, model, options, seed: 1, workers });
  // stepAsync: the loss is read with `await data()`, the only read-back a WebGPU device has
  for (let i = 0; i < warmup; i++) await trainer.stepAsync();
  // Adam's moment estimates appear at the first step: not a leak
  const adamState = () => (trainer.optimizer.accumulatedFirstMoment ?? []).length + (trainer.optimizer.accumulatedSecondMoment ?? []).length;
  const before = tf.memory().numTensors - adamState();
  const ts = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    await trainer.stepAsync();
    ts.push((performance.now() - t0) / 1000);
  }
  const tensorsLeaked = tf.memory().numTensors - adamState() - before;
  // the KL term alone (variational): its share of the step
  let klSeconds = null;
  if (objective === "variational") {
    const vars = [...model.posterior.trainableVariables(), ...model.prior.trainableVariables()];
    const kl = async (seed) => {
      const { value, grads } = tf.variableGrads(() => kcdl.variational.treeKlBitsT(model.posterior, model.prior, { samples: klSamples, seed }).total, vars);
      await value.data();
      tf.dispose([value, ...Object.values(grads)]);
    };
    await kl(1);
    const t0 = performance.now();
    await kl(2);
    klSeconds = (performance.now() - t0) / 1000;
  }
  trainer.dispose();
  if (objective === "mle") model.point.dispose();
  else {
    model.posterior.dispose();
    model.prior.dispose();
  }
  const seconds = [...ts].sort((a, b) => a - b)[Math.floor(ts.length / 2)];
  const T = 1 + cfg.promptTokens + 1 + length + 1;
  const S = objective === "mle" ? 1 : weightSamples;
  const flops = 3 * S * forwardFlops(cfg, layers, batchSize, T);
  return {
    objective, weightSamples: S, batchSize, layers, workers: spec.workers ?? 0, seqLen: T, secondsPerStep: seconds, secondsAll: ts,
    gflopPerStep: flops / 1e9, gflops: flops / seconds / 1e9, examplesPerS: batchSize / seconds,
    klSeconds, tensorsLeaked, peakRssMb: process.resourceUsage().maxRSS / 1024, wasmHeapMb: wasmHeapMb(tf),
  };
}

/** Size of the wasm backend's heap in MB (it only grows, so this is its peak), or null on other backends. */
function wasmHeapMb(tf) {
  const b = tf.backend();
  return b && b.wasm && b.wasm.HEAPU8 ? b.wasm.HEAPU8.buffer.byteLength / 2 ** 20 : null;
}

module.exports = { BENCH_MODEL, PAPER_MODEL, TINY_MODEL, describe, workerProblem, wasmHeapMb, forwardFlops, parityProblem, transformerStep };
