#!/usr/bin/env node
"use strict";
/**
 * One kcdl training step configuration, timed, with the command line of
 * ../shared/peers/{torch,jax}_step.py, so `vs-peers.js` runs kcdl and its peers alike:
 *
 *   node bench/step.js --size bench|paper|tiny --objective mle|variational --threads N
 *                      [--steps N] [--warmup N] [--micro N] [--backend NAME] [--json]
 *
 * `--threads 1` is one thread (the wasm backend is single-threaded in Node); `--threads N`
 * (N ≥ 2) puts the NLL gradients of the weight samples / batch slices on N worker threads
 * while the main thread computes the KL (Trainer `workers`), kcdl's way to more cores.
 * On webgpu the device computes the step and `--threads` is ignored. `--json` prints one
 * JSON line with the peers' fields (secondsPerStep, gflopPerStep, gflops, peakRssMb, …).
 */
const os = require("node:os");
const { Command } = require("commander");
const kcdl = require("../dist/index.js");
const { BENCH_MODEL, PAPER_MODEL, TINY_MODEL, describe, transformerStep } = require("./transformer-step.js");

const int = (v) => parseInt(v, 10);
const opts = new Command("step")
  .option("--size <size>", "bench, paper or tiny (the bench model at 2 layers, batch 16)", "bench")
  .option("--objective <name>", "mle or variational", "variational")
  .option("--threads <n>", "1: one thread; n ≥ 2: n gradient worker threads", int, 1)
  .option("--steps <n>", "timed steps", int, 10)
  .option("--warmup <n>", "untimed steps first", int, 2)
  .option("--micro <n>", "micro-batch size (0: the whole batch; the paper size defaults to 16)", int, -1)
  .option("--backend <name>", "tfjs backend", "auto")
  .option("--json", "print one JSON line")
  .parse(process.argv)
  .opts();

(async () => {
  if (!["bench", "paper", "tiny"].includes(opts.size)) throw new Error(`--size must be bench, paper or tiny, got '${opts.size}'`);
  if (!["mle", "variational"].includes(opts.objective)) throw new Error(`--objective must be mle or variational, got '${opts.objective}'`);
  const backend = await kcdl.core.initBackend(opts.backend);
  const model = { bench: BENCH_MODEL, paper: PAPER_MODEL, tiny: TINY_MODEL }[opts.size];
  const micro = opts.micro >= 0 ? opts.micro : opts.size === "paper" ? 16 : 0;
  const workers = backend.name === "webgpu" || opts.threads < 2 ? 0 : opts.threads;
  const loadBefore = os.loadavg();
  const r = await transformerStep(kcdl, {
    ...model, objective: opts.objective, weightSamples: 2, klSamples: 100, warmup: opts.warmup, steps: opts.steps,
    ...(micro > 0 ? { microBatchSize: micro } : {}), ...(workers ? { workers } : {}),
  });
  const info = {
    impl: "kcdl", kcdl: require("../package.json").version, backend: backend.name, provider: backend.provider, native: backend.native ?? null, adapter: backend.adapter ?? null,
    threads: workers || 1, size: opts.size, objective: opts.objective, model: describe(model), microBatch: micro || model.batchSize,
    ...r, loadAverage: [loadBefore, os.loadavg()],
  };
  if (opts.json) console.log(JSON.stringify(info));
  else {
    console.log(
      `kcdl ${backend.name} (${backend.provider}), ${info.threads} thread(s): ${opts.size} ${opts.objective} ` +
        `${r.secondsPerStep.toFixed(3)} s/step, ${r.gflops.toFixed(2)} GFLOP/s (${r.gflopPerStep.toFixed(1)} GFLOP/step), peak RSS ${r.peakRssMb.toFixed(0)} MB`,
    );
  }
  process.exit(0);
})().catch((err) => {
  console.error(`bench/step: ${err.message}`);
  process.exit(1);
});
