/**
 * The parity experiment's config (Table 1, C.1): every field with its default and
 * why it has that value; presets hold only their overrides, each with its reason.
 * `npx kcdl config parity --preset cpu` prints them.
 */
import type { DeepPartial } from "../../core/config";
import { ConfigOf, bool, defaultsOf, int, nums, num, oneOf, strs } from "../../lab/schema";
import { posterior, prior, train, trainerOptimizer } from "../../lab/vocabulary";
import { QK_INITS } from "../../nn/transformer";
import { ROW_KEYS } from "./types";

export const NORM_SCALES = ["fixed", "learnable"] as const;

export const schema = {
  rows: strs(
    [...ROW_KEYS],
    'Table 1 rows to produce: "manual" = the compiled ALTA program as a posterior (ν = posterior.nu) under its optimal prior, not trained; "random/mle", "random/variational" = trained from He-normal init (C.1); "manual/variational" = the compiled solution trained on with the variational objective.',
    ROW_KEYS,
    { nonEmpty: true },
  ),
  model: {
    dModel: int(128, "Residual width (C.1: 128).", { min: 1 }),
    heads: int(2, "Attention heads (C.1: 2).", { min: 1 }),
    dHead: int(64, "Per-head width (128 / 2).", { min: 1 }),
    dMlp: int(512, "MLP width (C.1: 512).", { min: 1 }),
    promptTokens: int(20, "Prompt tokens R_s (C.1: 20)."),
    relWindow: int(8, "Relative-position window W of the T5 biases."),
    layers: int(42, "Applications of the shared block (C.1: 42 ≥ 41 needed for length 40).", { min: 1 }),
    normScale: oneOf(NORM_SCALES, "fixed", 'DyT α: "fixed" or "learnable" (C.1 found both work).'),
    normAlpha: num(1, "DyT α value (fixed) or initial value (learnable) for trained rows; the manual row uses manual.saturation / s."),
  },
  manual: {
    attentionScale: num(20, "A: logit margin of the compiled attention (hard attention as A → ∞).", { min: 0 }),
    paramScale: num(100, "s: magnitude of compiled variables in the residual stream (and of the logits); the MLP and value scales are √s (alta/compile/options.ts).", { min: 0 }),
    saturation: num(3, "α·s of the compiled solution: the DyT α is set to saturation / s, so a compiled variable normalises to tanh(saturation) ≈ ±1 while the junk that posterior noise accumulates in the zero-padded dims stays in tanh's linear range.", { min: 0 }),
    headSaturation: num(1, "α·s_h of head outputs (compiler `headSaturation`): ≈ 1 keeps resets error-correcting under weight noise.", { min: 0 }),
    centerHeads: bool(true, "Centering units on head outputs (compiler `centerHeads`): removes the common-mode drift resets cannot see."),
  },
  data: {
    trainSize: int(100_000, "Training-set size (C.1: 100,000); the train NLL is reported for this many examples.", { min: 1 }),
    trainMaxLen: int(20, "Longest training length (C.1: 20); OOD lengths run to 2× this.", { min: 1 }),
    cache: bool(true, "Cache the training split under data/parity with its manifest (false: generate it in memory)."),
  },
  eval: {
    trainExamples: int(512, "Examples drawn from the training split for train accuracy and NLL.", { min: 1 }),
    oodExamples: int(512, "Examples drawn from the OOD split (lengths trainMaxLen+1 … 2·trainMaxLen).", { min: 1 }),
    perLength: int(8, "Examples per length 1…2·trainMaxLen for accuracy by length.", { min: 1 }),
    batchSize: int(64, "Forward batch size.", { min: 1 }),
  },
  posterior: {
    nu: posterior.nu(-10, "For the manual row and the initial posteriors of trained rows (C.1: −10)."),
    components: posterior.components(2, "Applies to the prompt-embedding posteriors of variational rows only (C.1: 2); every other weight's posterior is Gaussian."),
    temperature: posterior.temperature(0.1, "Of those prompt-embedding GMM posteriors (C.1: 0.1)."),
  },
  prior: {
    components: prior.components(3, "Of the random-init variational row (C.1 does not say; C.2 uses 3). The manual rows' optimal prior has as many components per group as it has distinct values (B.9.3), whatever this is."),
    init: prior.init("sampled", "Of the random-init variational row (C.1); the manual rows start from the optimal prior."),
    nu: prior.nu(1, 'Of random-init variational rows (C.1: 1, "to avoid instability in KL estimates at initialization").'),
    grouping: prior.grouping("tensor", "Of the reported KL and of trained rows' adaptive priors (C.1 does not say; one GMM per parameter tensor)."),
    klSamples: int(100, "Monte-Carlo samples per weight for the KL: the manual cross-check and trained rows' reported KL (C.1: 100; 0 = skip the manual cross-check)."),
    // off by default; prior.zeroComponent and prior.gamma* shape the random-init row's prior (the manual rows start from the optimal prior)
    ...prior.remedies(),
  },
  /** Training of the rows "random/mle", "random/variational", "manual/variational" (C.1). */
  train: {
    steps: train.steps(50_000, "Of the random-init rows (C.1: 50,000)."),
    manualSteps: int(50_000, 'Optimisation steps of the "manual/variational" row (it starts at a solution; C.1 does not say).'),
    batchSize: train.batchSize(128, "C.1: 128."),
    lr: train.lr(1e-3, "C.1: 10⁻³."),
    warmupSteps: train.warmupSteps(1_000, "C.1: 1,000."),
    decaySteps: train.decaySteps(0, "C.1 decays exponentially over the run."),
    finalLr: train.finalLr(1e-4, "C.1 decays exponentially but does not give the end point (ours: peak/10)."),
    weightSamples: int(2, "Monte-Carlo weight samples per minibatch (C.1: 2).", { min: 1 }),
    klSamples: int(100, "Monte-Carlo samples per weight for the KL of GMM posteriors/priors during training (C.1: 100).", { min: 1 }),
    klCoef: train.klCoef(1e-3, "C.1: 10⁻³ ≈ batch / training-set size."),
    klWarmupSteps: train.klWarmupSteps(0, "C.1 has none."),
    klStart: train.klStart(0, "Used with train.klWarmupSteps only."),
    evalEvery: int(500, "Record accuracy (at the posterior means) on fixed train/OOD subsets every this many steps (0: at the start and the end only)."),
    evalExamples: int(256, "Examples per split in those recordings."),
    checkpointEvery: int(500, "Write a checkpoint every this many steps (`kcdl run parity --resume` continues from it; 0: only at the end)."),
    qkInit: oneOf(
      QK_INITS,
      "scaled",
      'Initial W_Q, W_K of random rows: "he" = He-normal as every other matrix; "scaled" = He-normal × d_head^(−1/4) each. Our attention has no 1/√d_head factor (the compiler\'s parameterisation, nn/transformer.ts), so "scaled" gives at init exactly the scores of a standard Transformer (scores / √d_head) with He-normal weights. With "he" the initial scores have a standard deviation of several nats, attention starts near one-hot, and from-scratch training stalls (measured: lengths 1–4 not fitted in 2,500 steps with "he", fitted in ~600 with "scaled").',
    ),
    microBatch: int(-1, "Examples per forward/backward pass (gradient accumulation over the minibatch, train/trainer.ts; the gradient is the full batch's); 0 = the whole minibatch at once; -1 = the largest that fits memory, measured at the start (Trainer.fitMicroBatch: 1 GiB of activations on wasm, whose heap is 4 GiB; 80 % of the GPU's memory on webgpu). C.1's step (42 layers, S = 2) keeps ≈ 65 MB of activations per example, so ≈ 15 on wasm and the whole batch on a large GPU.", { min: -1 }),
    workers: int(0, "Gradient worker threads (Trainer `workers`): the NLL gradients of the weight samples / batch slices on this many threads while the main thread computes the KL — the second core of a 2-core machine (bench: variational step 1.7× faster when the core is free). Same gradients up to float rounding, so not bit-identical to a run with 0 (the default; the committed figures)."),
  },
  optimizer: trainerOptimizer({ beta1: 0.9, beta2: 0.999, eps: 1e-8 }, "C.1: Adam; it gives no β or ε, so Adam's usual defaults"),
  sweep: {
    attentionScales: nums([1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20], "Attention scales A tried (paramScale fixed at manual.paramScale).", { min: 0, nonEmpty: true }),
    paramScales: nums([1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 70, 100], "Parameter scales s tried (attentionScale fixed at manual.attentionScale).", { min: 0, nonEmpty: true }),
    lengths: nums([1, 2, 20, 40], "Lengths checked at every sweep point (the longest is the hardest).", { integer: true, min: 1, nonEmpty: true }),
    perLength: int(4, "Examples per length per sweep point.", { min: 1 }),
  },
  figureInput: nums([1, 0, 1, 1, 0, 0, 1, 0], "Input shown in the attention and residual figures.", { integer: true, min: 0, max: 1, nonEmpty: true }),
};

export type ParityConfig = ConfigOf<typeof schema>;

/** The default config (C.1's hyperparameters). */
export const defaults: ParityConfig = defaultsOf(schema);

export const presets: Record<"smoke" | "cpu" | "paper", DeepPartial<ParityConfig>> = {
  // smoke: seconds, for tests — a tiny model (d 16, MLP 16, 2 prompts, 5 layers) on lengths 1–2
  // (OOD 3–4), 3 training steps per row, small evaluation sets, a 2-point sweep; nothing cached.
  smoke: {
    model: { dModel: 16, dHead: 8, dMlp: 16, promptTokens: 2, layers: 5 },
    data: { trainSize: 1000, trainMaxLen: 2, cache: false },
    eval: { trainExamples: 16, oodExamples: 16, perLength: 1, batchSize: 64 },
    prior: { klSamples: 0 },
    sweep: { attentionScales: [2, 20], paramScales: [1, 100], lengths: [4], perLength: 2 },
    train: { steps: 3, manualSteps: 2, batchSize: 8, warmupSteps: 1, klSamples: 4, evalEvery: 2, evalExamples: 8, checkpointEvery: 0, microBatch: 4 },
  },
  // cpu: all four rows in about 14 minutes on 2 cores (wasm, one thread; measured 817 s). Scaled from C.1, each for speed:
  // - data: train lengths 1–4, OOD 5–8 (C.1: 1–20 / 21–40), 100,000 training examples as in C.1;
  // - model: d_model 32 (2 heads of 16), MLP 128, 2 prompt tokens, 9 layers = 2·4 + 1, the fewest the
  //   sequential solution needs for length 8 (C.1: 128, 512, 20, 42);
  // - training: 2,500 steps of 64 examples (C.1: 50,000 of 128) with C.1's learning rate 10⁻³ (decaying to
  //   10⁻⁴) and 50 warmup steps (C.1: 1,000); KL coefficient 6.4·10⁻⁴ = batch / training-set size, C.1's
  //   rule (128 / 100,000 ≈ 10⁻³); 10 Monte-Carlo samples per weight for the training KL (C.1: 100; the
  //   reported KL uses 100); the manual solution trained on for 300 steps;
  // - evaluation: 512 train / 512 OOD examples, 64 per length, sweeps at lengths 1, 4, 8.
  // Two weight samples, ν = −10, prior ν = 1 and the 2-component prompt posteriors are C.1's.
  // (Measured: a peak rate of 3·10⁻³ left both random rows at chance for 1,000+ steps; 10⁻² too.)
  cpu: {
    model: { dModel: 32, dHead: 16, dMlp: 128, promptTokens: 2, layers: 9 },
    data: { trainMaxLen: 4 },
    eval: { trainExamples: 512, oodExamples: 512, perLength: 64, batchSize: 64 },
    sweep: { lengths: [1, 4, 8], perLength: 8 },
    train: {
      steps: 2500,
      manualSteps: 300,
      batchSize: 64,
      warmupSteps: 50,
      klSamples: 10,
      klCoef: 6.4e-4,
      evalEvery: 100,
      evalExamples: 128,
      checkpointEvery: 250,
      microBatch: 0,
    },
  },
  // paper: C.1's hyperparameters throughout (the defaults), larger evaluation samples.
  paper: { eval: { trainExamples: 4096, oodExamples: 4000, perLength: 50, batchSize: 128 } },
};
