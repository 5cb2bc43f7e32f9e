/**
 * Experiment `parity` (Table 1, C.1): a looped Transformer encoder (2 heads,
 * d_model 128, MLP 512, 20 prompt tokens, 42 applications of the shared block)
 * on parity, trained on lengths 1–20 and tested out of distribution on 21–40.
 *
 * Rows (config `rows`), one per Table 1 row:
 * - `manual`: the right-to-left sequential parity program of C.1 compiled by
 *   `src/alta/` and zero-padded to the model; its compiled scalars become the
 *   means of a Gaussian posterior with ν = −10 (C.1), each prior group's GMM is
 *   set optimally (B.9.3: a component at every distinct weight value with
 *   mixing coefficient = its frequency, and the posterior's own variance), and
 *   KL[β ‖ α] is computed exactly per weight by quadrature (plus N·H(p), the
 *   delta-posterior limit, and a Monte-Carlo cross-check through
 *   `variational/`). The data NLL is the expectation under posterior samples.
 * - trained rows (random init, MLE / variational) are added by the training issue.
 *
 * Besides the row: accuracy by length 1–40, the smallest attention scale and
 * parameter scale (`alta/compiler.ts`) at which the compiled model stays exact
 * (with the posterior means and with a posterior sample), the KL under each
 * prior grouping, heatmaps of the compiled weights, and the attention pattern
 * and residual stream layer by layer on one input.
 */
import * as tf from "@tensorflow/tfjs";
import { Experiment, Results, RunContext } from "../../lab/experiment";
import { schemaFromDefaults } from "../../lab/legacy";
import { paperReference } from "../../lab/paper-reference";
import { CompiledProgram, compile, parityProgram } from "../../alta";
import { PAPER_TRANSFORMER, TokenBatch, TransformerConfig, disposeForward, forward, heNormalInit, makeBatch, sliceBatch, transformerParamSpecs, weightsFromValues } from "../../nn/transformer";
import * as path from "node:path";
import { Posterior, AdaptivePrior, klByGroup, sampledPriorInit, PriorGrouping, PriorOptions } from "../../variational";
import { PointWeights, ParamSpec, Weights } from "../../nn/param-tree";
import { Gmm, countModes, densityGrid, gaussian, gmm, logMixing, softplus } from "../../codes/gmm";
import { Trainer, TrainModel, TrainOptions, TrainProblem, CurvePoint } from "../../train/trainer";
import { optimalPrior } from "../../codes/optimal-prior";
import { klQuadratureBits } from "../../codes/quadrature";
import { generateParitySplit, loadParitySplit, parity, paritySplits } from "../../tasks/parity-data";
import { opSeed, rngStream } from "../../core/rng";
import { UsageError } from "../../core/errors";
import type { Progress } from "../../core/progress";
import type { FigureSpec } from "../../report/figure";
import type { Table } from "../../report/table";

export interface ParityConfig {
  /**
   * Table 1 rows to produce (ROW_KEYS): "manual" = the compiled ALTA program as a
   * posterior (ν = posterior.nu) under its optimal prior, not trained;
   * "random/mle", "random/variational" = trained from He-normal init (C.1);
   * "manual/variational" = the compiled solution trained on with the variational objective.
   */
  rows: string[];
  model: {
    /** Residual width (C.1: 128). */
    dModel: number;
    /** Attention heads (C.1: 2). */
    heads: number;
    /** Per-head width (128 / 2). */
    dHead: number;
    /** MLP width (C.1: 512). */
    dMlp: number;
    /** Prompt tokens R_s (C.1: 20). */
    promptTokens: number;
    /** Relative-position window W of the T5 biases. */
    relWindow: number;
    /** Applications of the shared block (C.1: 42 ≥ 41 needed for length 40). */
    layers: number;
    /** DyT α: "fixed" or "learnable" (C.1 found both work). */
    normScale: string;
    /** DyT α value (fixed) or initial value (learnable) for trained rows; the manual row uses manual.saturation / s. */
    normAlpha: number;
  };
  manual: {
    /** A: logit margin of the compiled attention (hard attention as A → ∞). */
    attentionScale: number;
    /**
     * s: magnitude of compiled variables in the residual stream (and of the logits);
     * the MLP and value scales are √s (compiler.ts).
     */
    paramScale: number;
    /**
     * α·s of the compiled solution: the DyT α is set to saturation / s, so a
     * compiled variable normalises to tanh(saturation) ≈ ±1 while the junk that
     * posterior noise accumulates in the zero-padded dims stays in tanh's linear range.
     */
    saturation: number;
    /** α·s_h of head outputs (compiler.ts `headSaturation`): ≈ 1 keeps resets error-correcting under weight noise. */
    headSaturation: number;
    /** Centering units on head outputs (compiler.ts `centerHeads`): removes the common-mode drift resets cannot see. */
    centerHeads: boolean;
  };
  data: {
    /** Training-set size (C.1: 100,000); the train NLL is reported for this many examples. */
    trainSize: number;
    /** Longest training length (C.1: 20); OOD lengths run to 2× this. */
    trainMaxLen: number;
    /** Cache the training split under data/parity with its manifest (false: generate it in memory). */
    cache: boolean;
  };
  eval: {
    /** Examples drawn from the training split for train accuracy and NLL. */
    trainExamples: number;
    /** Examples drawn from the OOD split (lengths 21–40). */
    oodExamples: number;
    /** Examples per length 1…2·trainMaxLen for accuracy by length. */
    perLength: number;
    /** Forward batch size. */
    batchSize: number;
  };
  posterior: {
    /** ν of every posterior component, σ² = softplus(ν) (C.1: −10), for the manual row and the initial posteriors of trained rows. */
    nu: number;
    /** GMM components of the prompt-embedding posteriors of variational rows (C.1: 2); 1 = Gaussian. */
    promptComponents: number;
    /** Straight-through Gumbel-softmax temperature of those GMM posteriors (C.1: 0.1). */
    temperature: number;
  };
  prior: {
    /** Prior grouping of the reported KL and of trained rows' adaptive priors: "tensor" (one GMM per parameter tensor), "all" or "column" (C.1 does not say). */
    grouping: string;
    /** Monte-Carlo samples per weight for the KL: the manual cross-check and trained rows' reported KL (C.1: 100; 0 = skip the manual cross-check). */
    klSamples: number;
    /** Components of each adaptive prior GMM of the random-init variational row (C.1 does not say; C.2 uses 3). */
    components: number;
    /** Initial prior ν of random-init variational rows (C.1: 1, "to avoid instability in KL estimates at initialization"). */
    initNu: number;
  };
  /** Training of the rows "random/mle", "random/variational", "manual/variational" (C.1). */
  train: {
    /** Optimisation steps (C.1: 50,000). */
    steps: number;
    /** Steps of the "manual/variational" row (it starts at a solution; C.1 does not say). */
    manualSteps: number;
    /** Examples per minibatch (C.1: 128). */
    batchSize: number;
    /** Peak Adam learning rate (C.1: 10⁻³). */
    learningRate: number;
    /** Linear warmup steps (C.1: 1,000). */
    warmupSteps: number;
    /** Learning rate at the last step; C.1 decays exponentially but does not give the end point (ours: peak/10). */
    finalLearningRate: number;
    /** Monte-Carlo weight samples per minibatch (C.1: 2). */
    weightSamples: number;
    /** Monte-Carlo samples per weight for the KL of GMM posteriors/priors during training (C.1: 100). */
    klSamples: number;
    /** Weight of the KL term (C.1: 10⁻³ ≈ batch / training-set size). */
    klCoef: number;
    /** Record accuracy (at the posterior means) on fixed train/OOD subsets every this many steps. */
    evalEvery: number;
    /** Examples per split in those recordings. */
    evalExamples: number;
    /** Write a checkpoint every this many steps (`kcdl run parity --resume` continues from it). */
    checkpointEvery: number;
    /**
     * Initial W_Q, W_K of random rows: "he" = He-normal as every other matrix; "scaled" = He-normal
     * × d_head^(−1/4) each. Our attention has no 1/√d_head factor (the compiler's parameterisation,
     * nn/transformer.ts), so "scaled" gives at init exactly the scores of a standard Transformer
     * (scores / √d_head) with He-normal weights. With "he" the initial scores have a standard deviation
     * of several nats, attention starts near one-hot, and from-scratch training stalls (measured:
     * lengths 1–4 not fitted in 2,500 steps with "he", fitted in ~600 with "scaled").
     */
    qkInit: string;
    /**
     * Examples per forward/backward pass (gradient accumulation over the minibatch, train/trainer.ts;
     * the gradient is the full batch's); 0 = the whole minibatch at once. C.1's step (42 layers,
     * 2 × 128 sequences) keeps ~6 GB of activations, beyond wasm's 4 GiB heap: 16 fits.
     */
    microBatch: number;
    /**
     * Gradient worker threads (Trainer `workers`): the NLL gradients of the weight samples / batch
     * slices on this many threads while the main thread computes the KL — the second core of a
     * 2-core machine (bench: variational step 1.7× faster when the core is free). Same gradients up
     * to float rounding, so not bit-identical to a run with 0 (the default; the committed figures).
     */
    workers: number;
  };
  sweep: {
    /** Attention scales A tried (paramScale fixed at manual.paramScale). */
    attentionScales: number[];
    /** Parameter scales s tried (attentionScale fixed at manual.attentionScale). */
    paramScales: number[];
    /** Lengths checked at every sweep point (the longest is the hardest). */
    lengths: number[];
    /** Examples per length per sweep point. */
    perLength: number;
  };
  /** Input shown in the attention and residual figures. */
  figureInput: number[];
}

export const defaults: ParityConfig = {
  rows: ["random/mle", "random/variational", "manual", "manual/variational"],
  model: { dModel: 128, heads: 2, dHead: 64, dMlp: 512, promptTokens: 20, relWindow: 8, layers: 42, normScale: "fixed", normAlpha: 1 },
  manual: { attentionScale: 20, paramScale: 100, saturation: 3, headSaturation: 1, centerHeads: true },
  data: { trainSize: 100_000, trainMaxLen: 20, cache: true },
  eval: { trainExamples: 512, oodExamples: 512, perLength: 8, batchSize: 64 },
  posterior: { nu: -10, promptComponents: 2, temperature: 0.1 },
  prior: { grouping: "tensor", klSamples: 100, components: 3, initNu: 1 },
  train: {
    steps: 50_000,
    manualSteps: 50_000,
    batchSize: 128,
    learningRate: 1e-3,
    warmupSteps: 1_000,
    finalLearningRate: 1e-4,
    weightSamples: 2,
    klSamples: 100,
    klCoef: 1e-3,
    evalEvery: 500,
    evalExamples: 256,
    checkpointEvery: 500,
    qkInit: "scaled",
    microBatch: 16,
    workers: 0,
  },
  sweep: {
    attentionScales: [1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20],
    paramScales: [1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 70, 100],
    lengths: [1, 2, 20, 40],
    perLength: 4,
  },
  figureInput: [1, 0, 1, 1, 0, 0, 1, 0],
};

const presets: Experiment<ParityConfig, ParityMetrics>["presets"] = {
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
      learningRate: 1e-3,
      warmupSteps: 50,
      finalLearningRate: 1e-4,
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

/** The rows this experiment can produce, in Table 1 order (see `ParityConfig.rows`). */
export const ROW_KEYS = ["random/mle", "random/variational", "manual", "manual/variational"] as const;

/**
 * One Table 1 row (bits; accuracies in [0, 1]). Variational rows: KL[β ‖ α] under the
 * adaptive prior, and train NLL / accuracies as expectations under posterior samples
 * (one sample per evaluation batch, as in training); MLE rows: the point weights, KL null.
 * `trainNllBits` totals over `data.trainSize` examples (the mean over the evaluation sample × size).
 */
export interface ParityRow {
  /** Row key (ROW_KEYS); the paper's rows carry none. */
  key?: string;
  init: "manual" | "random";
  objective: "variational" | "mle";
  klBits: number | null;
  trainNllBits: number;
  codelengthBits: number | null;
  trainAcc: number;
  oodAcc: number;
  /** Training steps taken (0: the compiled solution as is). */
  steps?: number;
}

/** Accuracy at one input length. */
export interface LengthAccuracy {
  length: number;
  /** With the point weights (MLE) or the posterior means (compiled weights for the manual row). */
  accuracy: number;
  /** With posterior samples (null for MLE rows). */
  sampledAccuracy: number | null;
  examples: number;
}

/** What training a row records besides its Table 1 numbers. */
export interface TrainedRowRecord {
  steps: number;
  /** Step the run resumed from (0: from the start). */
  resumedFrom: number;
  /** Wall-clock seconds of this call's training (excludes steps done before a resume). */
  seconds: number;
  secondsPerStep: number;
  /** Accuracy and NLL at the posterior means / point weights. */
  meanWeights: { trainAcc: number; oodAcc: number; trainNllBits: number };
  /** Minibatch loss, KL and NLL per step (bits; thinned to ≤ 500 points). */
  curve: CurvePoint[];
  /** Accuracy at the means on fixed train / OOD subsets every `train.evalEvery` steps, and the live tensor count then. */
  history: { step: number; trainAcc: number; oodAcc: number; tensors: number }[];
  /** Adaptive prior per group at the start and the end (variational rows). */
  priorAtInit: PriorSummary[] | null;
  prior: PriorSummary[] | null;
  /** Final KL per prior group (bits; variational rows). */
  klByGroup: { group: string; bits: number }[] | null;
  /**
   * Tensors alive before and after the row (the difference is the initial-value tensors that the
   * PointWeights/Posterior/AdaptivePrior constructors keep, one per variable), live tensors at the
   * second and the last evaluation during training (equal: the steps leak nothing), and the process's
   * peak resident memory seen.
   */
  memory: { tensorsBefore: number; tensorsAfter: number; tensorsDuringTraining: [number, number] | null; peakRssMb: number };
}

/** A prior group's GMM as (μ, σ², π), with the modes of its density. */
export interface PriorSummary {
  group: string;
  mu: number[];
  sigma2: number[];
  pi: number[];
  modes: number;
}

export interface SweepPoint {
  scale: number;
  /** Accuracy with the compiled (posterior-mean) weights. */
  accuracy: number;
  /** Accuracy with one posterior sample (ν = posterior.nu). */
  sampledAccuracy: number;
  /** Smallest SEP log-odds margin (mean weights), in nats. */
  minMargin: number;
}

export interface ParityMetrics {
  rows: ParityRow[];
  /** Per row key: accuracy per length 1…2·trainMaxLen, at the means/point weights and with posterior samples. */
  accuracyByLength: Record<string, LengthAccuracy[]>;
  /** Per trained row key: training record. */
  trained: Record<string, TrainedRowRecord>;
  /** The compiled solution (null when neither manual row is asked for). */
  manual: null | {
    /** The optimal prior (B.9.3, ν = posterior.nu) of every group under `prior.grouping`. */
    priors: PriorSummary[];
    minimal: { dModel: number; heads: number; dHead: number; dMlp: number };
    rules: string[];
    /** Accuracies with the posterior means (the compiled weights). */
    meanWeights: { trainAcc: number; oodAcc: number; trainNllBits: number };
    /** Distinct values among the compiled weights, with counts. */
    histogram: { values: number[]; counts: number[] };
    nonzeroWeights: number;
    totalWeights: number;
    kl: {
      grouping: string;
      /** Exact KL by quadrature, per group, with N·H(p) beside it. */
      groups: { group: string; size: number; distinct: number; klBits: number; entropyBits: number }[];
      /** Monte-Carlo estimate through variational/ (null when klSamples = 0). */
      monteCarloBits: number | null;
    };
    /** Total KL (exact) under each grouping. */
    klByGrouping: { grouping: string; groups: number; klBits: number; entropyBits: number }[];
    sweeps: {
      attention: SweepPoint[];
      param: SweepPoint[];
      /** Smallest scale from which every larger scale tried is exact (mean weights / posterior sample). */
      minimalAttentionScale: number | null;
      minimalAttentionScaleSampled: number | null;
      minimalParamScale: number | null;
      minimalParamScaleSampled: number | null;
    };
    /** Figure data: compiled weight blocks and one input's attention/residual per layer. */
    weights: Record<string, { rows: number; cols: number; values: number[][] }>;
    trace: { input: number[]; tokens: string[]; attention: number[][][][]; done: number[][]; parity: number[][] };
  };
  paper: { caption: string; rows: ParityRow[] };
  forwardExamplesPerSecond: number;
}

type ParityResults = Results<ParityConfig, ParityMetrics>;

function modelConfig(c: ParityConfig, alpha = c.model.normAlpha): TransformerConfig {
  if (c.model.normScale !== "fixed" && c.model.normScale !== "learnable") throw new UsageError(`model.normScale must be "fixed" or "learnable", got '${c.model.normScale}'`);
  const { layers: _layers, ...m } = c.model;
  return { ...PAPER_TRANSFORMER, ...m, normScale: c.model.normScale as TransformerConfig["normScale"], normAlpha: alpha, inputVocab: 2, classes: 2 };
}

/** Compiles the C.1 parity program into the configured model. */
export function compileManual(c: ParityConfig, scales: { attentionScale?: number; paramScale?: number } = {}): CompiledProgram {
  const ps = scales.paramScale ?? c.manual.paramScale;
  const m = modelConfig(c, c.manual.saturation / ps);
  return compile(parityProgram(), {
    promptTokens: m.promptTokens,
    dModel: m.dModel,
    heads: m.heads,
    dHead: m.dHead,
    dMlp: m.dMlp,
    relWindow: m.relWindow,
    normScale: m.normScale,
    normAlpha: m.normAlpha,
    attentionScale: scales.attentionScale ?? c.manual.attentionScale,
    paramScale: ps,
    headSaturation: c.manual.headSaturation,
    centerHeads: c.manual.centerHeads,
  });
}

/** Per-example results of a forward pass. */
interface Scored {
  correct: boolean[];
  nllBits: number[];
  margin: number[];
}

/**
 * Scores inputs with the weights `weightsFor(batchIndex)` (a fresh posterior
 * sample per batch, as C.1 shares one sample across a minibatch); batches group
 * equal lengths so no compute is spent on padding.
 */
function score(cfg: TransformerConfig, layers: number, inputs: number[][], batchSize: number, weightsFor: (b: number) => { w: Weights; owned: boolean }, progress?: Progress): Scored {
  const order = inputs.map((_, i) => i).sort((a, b) => inputs[a].length - inputs[b].length);
  const out: Scored = { correct: new Array(inputs.length), nllBits: new Array(inputs.length), margin: new Array(inputs.length) };
  let b = 0;
  for (let i = 0; i < order.length; ) {
    const len = inputs[order[i]].length;
    const idx: number[] = [];
    while (i < order.length && inputs[order[i]].length === len && idx.length < batchSize) idx.push(order[i++]);
    const { w, owned } = weightsFor(b++);
    const r = forward(cfg, w, makeBatch(cfg, idx.map((k) => inputs[k])), { layers });
    const logits = r.logits.arraySync();
    disposeForward(r);
    if (owned) tf.dispose(Object.values(w));
    idx.forEach((k, j) => {
      const y = parity(inputs[k]);
      const [l0, l1] = logits[j];
      const z = y === 1 ? l1 - l0 : l0 - l1; // log-odds of the true label
      out.correct[k] = z > 0;
      out.nllBits[k] = (Math.max(0, -z) + Math.log1p(Math.exp(-Math.abs(z)))) / Math.LN2;
      out.margin[k] = z;
    });
    progress?.update(i);
  }
  return out;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const acc = (s: Scored) => mean(s.correct.map(Number));

/** Weight groups of a parameter tree under a prior grouping (as `variational/prior.ts` lays them). */
export function weightGroups(specs: ParamSpec[], values: Record<string, ArrayLike<number>>, grouping: PriorGrouping): { group: string; weights: number[] }[] {
  if (grouping === "all") return [{ group: "all", weights: specs.flatMap((s) => Array.from(values[s.name])) }];
  return specs.flatMap((s) => {
    const v = Array.from(values[s.name]);
    if (grouping === "tensor" || s.shape.length < 2) return [{ group: s.name, weights: v }];
    const c = s.shape[s.shape.length - 1];
    return Array.from({ length: c }, (_, j) => ({ group: `${s.name}[:, ${j}]`, weights: v.filter((_, i) => i % c === j) }));
  });
}

/**
 * Exact KL (bits) of Gaussian posteriors N(w_i, softplus ν) at the compiled
 * weights against each group's optimal prior (B.9.3 with the posterior's
 * variance): computed by quadrature once per distinct value, times its count.
 */
export function optimalPriorKl(groups: { group: string; weights: number[] }[], nu: number) {
  const sigma2 = Math.log1p(Math.exp(nu));
  return groups.map(({ group, weights }) => {
    const opt = optimalPrior(weights);
    const prior = gmm(opt.prior.mu, opt.prior.mu.map(() => nu), opt.prior.w);
    const klBits = opt.histogram.values.reduce((a, v, i) => a + opt.histogram.counts[i] * klQuadratureBits(gaussian(v, sigma2), prior), 0);
    return { group, size: weights.length, distinct: opt.histogram.values.length, klBits, entropyBits: opt.klBits, prior };
  });
}

function sampler(cfg: TransformerConfig, post: Posterior, seed: number) {
  return (b: number) => ({ w: post.sample(seed + b), owned: true });
}

/** Evaluation inputs shared by every row: a prefix of the training split, the OOD split, a balanced set per length 1…2·trainMaxLen. */
interface EvalSets {
  train: number[][];
  ood: number[][];
  byLength: number[][][];
  /** Continues the per-length stream (the manual row's sweep inputs come from it). */
  rng: () => number;
}

function evalSets(config: ParityConfig, seed: number): EvalSets {
  const maxLen = 2 * config.data.trainMaxLen;
  const [trainSpec, oodSpec] = paritySplits(seed, { trainSize: config.data.trainSize, trainMaxLen: config.data.trainMaxLen, testSize: config.eval.oodExamples });
  const train = generateParitySplit({ ...trainSpec, size: Math.min(config.eval.trainExamples, trainSpec.size) }).map((x) => Array.from(x));
  const ood = generateParitySplit(oodSpec).map((x) => Array.from(x));
  const rng = rngStream(seed, "parity/by-length");
  const byLength = Array.from({ length: maxLen }, (_, i) => Array.from({ length: config.eval.perLength }, () => Array.from({ length: i + 1 }, () => (rng() < 0.5 ? 1 : 0))));
  return { train, ood, byLength, rng };
}

function checkConfig(config: ParityConfig): void {
  modelConfig(config); // validates the model block
  const known: readonly string[] = ROW_KEYS;
  if (config.rows.length === 0) throw new UsageError(`parity: rows is empty; choose from ${ROW_KEYS.join(", ")}`);
  for (const r of config.rows) if (!known.includes(r)) throw new UsageError(`parity: unknown row '${r}'; choose from ${ROW_KEYS.join(", ")}`);
  const grouping = config.prior.grouping;
  if (!["all", "tensor", "column"].includes(grouping)) throw new UsageError(`prior.grouping must be "all", "tensor" or "column", got '${grouping}'`);
  if (!(Number.isInteger(config.data.trainMaxLen) && config.data.trainMaxLen >= 1)) throw new UsageError(`data.trainMaxLen must be an integer ≥ 1, got ${config.data.trainMaxLen}`);
  if (config.model.layers < 2 * config.data.trainMaxLen + 1 && config.rows.some((r) => r.startsWith("manual"))) {
    throw new UsageError(`parity: the manual solution needs layers ≥ 2·trainMaxLen + 1 = ${2 * config.data.trainMaxLen + 1} to reach the longest OOD input, got model.layers = ${config.model.layers}`);
  }
  if (!(Number.isInteger(config.posterior.promptComponents) && config.posterior.promptComponents >= 1)) {
    throw new UsageError(`posterior.promptComponents must be an integer ≥ 1, got ${config.posterior.promptComponents}`);
  }
  for (const k of ["evalEvery", "evalExamples", "checkpointEvery", "manualSteps", "microBatch", "workers"] as const) {
    const v = config.train[k];
    if (!(Number.isInteger(v) && v >= 0)) throw new UsageError(`train.${k} must be an integer ≥ 0, got ${v}`);
  }
}

async function run(config: ParityConfig, ctx: RunContext): Promise<ParityMetrics> {
  checkConfig(config);
  const sets = evalSets(config, ctx.seed);
  const rows: ParityRow[] = [];
  const accuracyByLength: Record<string, LengthAccuracy[]> = {};
  const trained: Record<string, TrainedRowRecord> = {};
  const wants = (k: string) => config.rows.includes(k);
  let manual: ParityMetrics["manual"] = null;
  let forwardExamplesPerSecond = 0;
  if (wants("manual") || wants("manual/variational")) {
    const m = await runManual(config, ctx, sets);
    manual = m.manual;
    forwardExamplesPerSecond = m.forwardExamplesPerSecond;
    if (wants("manual")) {
      rows.push(m.row);
      accuracyByLength["manual"] = m.byLength;
    }
  }
  for (const key of ROW_KEYS) {
    if (key === "manual" || !wants(key)) continue;
    const t = await trainRow(key, config, ctx, sets);
    rows.push(t.row);
    accuracyByLength[key] = t.byLength;
    trained[key] = t.record;
  }
  rows.sort((a, b) => ROW_KEYS.indexOf(a.key as (typeof ROW_KEYS)[number]) - ROW_KEYS.indexOf(b.key as (typeof ROW_KEYS)[number]));
  const ref = paperReference().table1Parity as { caption: string; rows: ParityRow[] };
  return { rows, accuracyByLength, trained, manual, paper: { caption: ref.caption, rows: ref.rows }, forwardExamplesPerSecond };
}

/** The "manual" row: the compiled solution as a posterior (ν = posterior.nu) under its optimal prior, plus its analyses. */
async function runManual(config: ParityConfig, ctx: RunContext, sets: EvalSets): Promise<{ row: ParityRow; byLength: LengthAccuracy[]; manual: NonNullable<ParityMetrics["manual"]>; forwardExamplesPerSecond: number }> {
  const compiled = compileManual(config);
  const cfg = compiled.config; // the manual row's model: its DyT α is saturation / s
  const L = config.model.layers;
  const grouping = config.prior.grouping as PriorGrouping;
  const specs = transformerParamSpecs(cfg);
  const values = compiled.values;
  const meanW = weightsFromValues(cfg, values);
  const fixed = () => ({ w: meanW, owned: false });
  const post = new Posterior(specs, { means: values, nu: config.posterior.nu });
  const { train, ood, byLength, rng } = sets;

  const progress = ctx.progress;
  const stage = (label: string, n: number) => progress.start(label, n);
  const t0 = Date.now();
  stage("parity manual: train (compiled weights)", train.length);
  const trainMean = score(cfg, L, train, config.eval.batchSize, fixed, progress);
  progress.stop();
  const seconds = (Date.now() - t0) / 1000;
  stage("parity manual: OOD (compiled weights)", ood.length);
  const oodMean = score(cfg, L, ood, config.eval.batchSize, fixed, progress);
  progress.stop();
  stage(`parity manual: train (posterior samples, ν = ${config.posterior.nu})`, train.length);
  const trainPost = score(cfg, L, train, config.eval.batchSize, sampler(cfg, post, opSeed(ctx.seed, "parity/train-samples")), progress);
  progress.stop();
  stage("parity manual: OOD (posterior samples)", ood.length);
  const oodPost = score(cfg, L, ood, config.eval.batchSize, sampler(cfg, post, opSeed(ctx.seed, "parity/ood-samples")), progress);
  progress.stop();
  const flatByLength = byLength.flat();
  stage("parity manual: accuracy by length", flatByLength.length * 2);
  const lenMean = score(cfg, L, flatByLength, config.eval.batchSize, fixed);
  progress.update(flatByLength.length);
  const lenPost = score(cfg, L, flatByLength, config.eval.batchSize, sampler(cfg, post, opSeed(ctx.seed, "parity/length-samples")));
  progress.stop();
  const accuracyByLength = byLength.map((xs, i) => {
    const k = xs.map((_, j) => i * config.eval.perLength + j);
    return {
      length: i + 1,
      accuracy: mean(k.map((j) => Number(lenMean.correct[j]))),
      sampledAccuracy: mean(k.map((j) => Number(lenPost.correct[j]))),
      examples: xs.length,
    };
  });

  // KL: exact per group under the optimal prior, for every grouping; MC cross-check for the reported one
  const klByGrouping = (["all", "tensor", "column"] as PriorGrouping[]).map((g) => {
    const res = optimalPriorKl(weightGroups(specs, values, g), config.posterior.nu);
    return { grouping: g, groups: res.length, klBits: res.reduce((a, r) => a + r.klBits, 0), entropyBits: res.reduce((a, r) => a + r.entropyBits, 0), res };
  });
  const chosen = klByGrouping.find((k) => k.grouping === grouping)!;
  let monteCarloBits: number | null = null;
  if (config.prior.klSamples > 0) {
    const K = Math.max(...chosen.res.map((r) => r.prior.mu.length));
    const priors = new Map(chosen.res.map((r) => [r.group, r.prior]));
    const prior = new AdaptivePrior(specs, values, {
      grouping,
      components: K,
      init: (group) => {
        const g = priors.get(group.name)!;
        const pad = K - g.mu.length;
        return gmm([...g.mu, ...Array(pad).fill(0)], [...g.nu, ...Array(pad).fill(config.posterior.nu)], [...g.w, ...Array(pad).fill(-1e9)]);
      },
    });
    monteCarloBits = klByGroup(post, prior, { samples: config.prior.klSamples, seed: opSeed(ctx.seed, "parity/kl") }).total;
    prior.dispose();
  }
  const hist = optimalPrior(specs.flatMap((s) => Array.from(values[s.name]))).histogram;

  // scale sweeps (smaller sets: the hardest lengths)
  const sweepInputs = config.sweep.lengths.flatMap((n) => Array.from({ length: config.sweep.perLength }, () => Array.from({ length: n }, () => (rng() < 0.5 ? 1 : 0))));
  const sweepPoint = (scales: { attentionScale?: number; paramScale?: number }, scale: number, tag: string): SweepPoint => {
    const c = compileManual(config, scales);
    const w = weightsFromValues(c.config, c.values);
    const s = score(c.config, L, sweepInputs, config.eval.batchSize, () => ({ w, owned: false }));
    tf.dispose(Object.values(w));
    const p = new Posterior(specs, { means: c.values, nu: config.posterior.nu });
    const ps = score(c.config, L, sweepInputs, config.eval.batchSize, sampler(c.config, p, opSeed(ctx.seed, `parity/sweep/${tag}/${scale}`)));
    p.dispose();
    return { scale, accuracy: acc(s), sampledAccuracy: acc(ps), minMargin: Math.min(...s.margin) };
  };
  const nSweep = config.sweep.attentionScales.length + config.sweep.paramScales.length;
  stage("parity manual: scale sweeps", nSweep);
  const attention = config.sweep.attentionScales.map((a, i) => {
    const r = sweepPoint({ attentionScale: a }, a, "attention");
    progress.update(i + 1);
    return r;
  });
  const param = config.sweep.paramScales.map((s, i) => {
    const r = sweepPoint({ paramScale: s }, s, "param");
    progress.update(config.sweep.attentionScales.length + i + 1);
    return r;
  });
  progress.stop();
  const minimal = (pts: SweepPoint[], key: "accuracy" | "sampledAccuracy") => {
    const sorted = [...pts].sort((a, b) => a.scale - b.scale);
    let best: number | null = null;
    for (let i = sorted.length - 1; i >= 0 && sorted[i][key] === 1; i--) best = sorted[i].scale;
    return best;
  };

  // figure data
  const trace = traceInput(compiled, cfg, meanW, config.figureInput, L);
  const weights = weightBlocks(compiled);
  tf.dispose(Object.values(meanW));
  post.dispose();

  const trainNllBits = mean(trainPost.nllBits) * config.data.trainSize;
  const klBits = chosen.klBits;
  return {
    row: {
      key: "manual",
      init: "manual",
      objective: "variational",
      klBits,
      trainNllBits,
      codelengthBits: klBits + trainNllBits,
      trainAcc: acc(trainPost),
      oodAcc: acc(oodPost),
      steps: 0,
    },
    byLength: accuracyByLength,
    manual: {
      priors: chosen.res.map((r) => summarize(r.group, r.prior)),
      minimal: compiled.minimal,
      rules: compiled.rules.map((r) => `${r.atoms.map((a) => `${a.variable}=${a.value}`).join(" ∧ ")} → ${r.target}: ${r.from} ↦ ${r.to ?? "null"}`),
      meanWeights: { trainAcc: acc(trainMean), oodAcc: acc(oodMean), trainNllBits: mean(trainMean.nllBits) * config.data.trainSize },
      histogram: { values: hist.values, counts: hist.counts },
      nonzeroWeights: hist.values.reduce((a, v, i) => a + (v !== 0 ? hist.counts[i] : 0), 0),
      totalWeights: hist.n,
      kl: { grouping, groups: chosen.res.map(({ group, size, distinct, klBits: k, entropyBits: e }) => ({ group, size, distinct, klBits: k, entropyBits: e })), monteCarloBits },
      klByGrouping: klByGrouping.map(({ grouping: g, groups, klBits: k, entropyBits: e }) => ({ grouping: g, groups, klBits: k, entropyBits: e })),
      sweeps: {
        attention,
        param,
        minimalAttentionScale: minimal(attention, "accuracy"),
        minimalAttentionScaleSampled: minimal(attention, "sampledAccuracy"),
        minimalParamScale: minimal(param, "accuracy"),
        minimalParamScaleSampled: minimal(param, "sampledAccuracy"),
      },
      weights,
      trace,
    },
    forwardExamplesPerSecond: train.length / seconds,
  };
}

function summarize(group: string, g: Gmm): PriorSummary {
  return { group, mu: [...g.mu], sigma2: g.nu.map(softplus), pi: logMixing(g.w).map(Math.exp), modes: countModes(g) };
}

/** A training minibatch: the token layout and the parity labels. */
interface ParityBatch {
  tokens: TokenBatch;
  labels: Int32Array;
}

/**
 * The parity learning problem (C.1) for the Trainer: minibatches drawn uniformly
 * with replacement from the training split; NLL = Σ −log₂ softmax(logits at SEP)[parity].
 */
export function parityProblem(cfg: TransformerConfig, layers: number, train: readonly (readonly number[])[]): TrainProblem<ParityBatch> {
  return {
    batch: (rng, size) => {
      const xs = Array.from({ length: size }, () => train[Math.floor(rng() * train.length)]);
      return { tokens: makeBatch(cfg, xs), labels: Int32Array.from(xs, (x) => parity(x)) };
    },
    slice: (b, start, end) => ({ tokens: sliceBatch(b.tokens, start, end), labels: b.labels.slice(start, end) }),
    nllBits: (w, b) =>
      tf.tidy(() => {
        const r = forward(cfg, w, b.tokens, { layers });
        const logp = tf.logSoftmax(r.logits);
        const y = tf.oneHot(tf.tensor1d(b.labels, "int32"), cfg.classes);
        return tf.div(tf.neg(tf.sum(tf.mul(logp, y))), Math.LN2) as tf.Scalar;
      }),
  };
}

/**
 * `parityProblem` as a gradient worker thread rebuilds it (Trainer `workers`, `train.workers`): a
 * worker only evaluates the NLL of the minibatches it is sent, so it needs no training set.
 */
export function parityWorkerProblem(args: { cfg: TransformerConfig; layers: number }): TrainProblem<ParityBatch> {
  return parityProblem(args.cfg, args.layers, []);
}

/**
 * The initial prior of the "manual/variational" row: each group's optimal prior
 * (B.9.3 with the posterior's ν), padded to the largest group's component count
 * with components of negligible weight.
 */
function manualPriorInit(specs: ParamSpec[], values: Record<string, ArrayLike<number>>, grouping: PriorGrouping, nu: number): { components: number; init: PriorOptions["init"] } {
  const res = optimalPriorKl(weightGroups(specs, values, grouping), nu);
  const K = Math.max(...res.map((r) => r.prior.mu.length));
  const priors = new Map(res.map((r) => [r.group, r.prior]));
  return {
    components: K,
    init: (group) => {
      const g = priors.get(group.name)!;
      const pad = K - g.mu.length;
      return gmm([...g.mu, ...Array(pad).fill(0)], [...g.nu, ...Array(pad).fill(nu)], [...g.w, ...Array(pad).fill(-1e9)]);
    },
  };
}

/** He-normal initial weights of the random rows (C.1), with W_Q, W_K scaled as `train.qkInit` says. */
export function randomInit(cfg: TransformerConfig, qkInit: string, seed: number): Record<string, Float32Array> {
  const w = heNormalInit(cfg, rngStream(seed, "parity/init"));
  if (qkInit === "he") return w;
  if (qkInit !== "scaled") throw new UsageError(`train.qkInit must be "scaled" or "he", got '${qkInit}'`);
  const f = Math.pow(cfg.dHead, -0.25);
  for (const n of ["attn/Wq", "attn/Wk"]) w[n] = w[n].map((v) => v * f);
  return w;
}

/** Peak resident memory seen so far in this process (MB), sampled by trainRow. */
let peakRss = 0;
const sampleRss = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss / 2 ** 20));

/**
 * Trains one row of Table 1 (C.1): He-normal init (random rows; MLE and
 * variational start from the same draw) or the compiled solution (manual row),
 * Adam with warmup and exponential decay; variational rows with Gaussian
 * posteriors at ν = posterior.nu (prompt embeddings: K-component GMMs with
 * straight-through Gumbel-softmax), adaptive GMM priors per `prior.grouping`
 * (random: means drawn from the initial weights, ν = prior.initNu, equal
 * weights; manual: the optimal prior). Checkpoints under `ctx.checkpointDir`.
 */
async function trainRow(key: string, config: ParityConfig, ctx: RunContext, sets: EvalSets): Promise<{ row: ParityRow; byLength: LengthAccuracy[]; record: TrainedRowRecord }> {
  const [init, objective] = key.split("/") as ["random" | "manual", "mle" | "variational"];
  const tensorsBefore = tf.memory().numTensors;
  const compiled = init === "manual" ? compileManual(config) : null;
  const cfg = compiled ? compiled.config : modelConfig(config);
  const L = config.model.layers;
  const specs = transformerParamSpecs(cfg);
  const means: Record<string, ArrayLike<number>> = compiled ? compiled.values : randomInit(cfg, config.train.qkInit, ctx.seed);
  const grouping = config.prior.grouping as PriorGrouping;
  const [trainSpec] = paritySplits(ctx.seed, { trainSize: config.data.trainSize, trainMaxLen: config.data.trainMaxLen });
  const trainSet = (config.data.cache ? loadParitySplit(trainSpec) : generateParitySplit(trainSpec)).map((x) => Array.from(x));
  const problem = parityProblem(cfg, L, trainSet);
  const steps = init === "manual" ? config.train.manualSteps : config.train.steps;
  const t = config.train;
  const options: TrainOptions = {
    objective,
    steps: Math.max(1, steps),
    batchSize: t.batchSize,
    klCoef: t.klCoef,
    weightSamples: t.weightSamples,
    klSamples: t.klSamples,
    learningRate: t.learningRate,
    warmupSteps: t.warmupSteps,
    finalLearningRate: t.finalLearningRate,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-8,
    evalEvery: t.evalEvery,
    ...(t.microBatch > 0 && t.microBatch < t.batchSize ? { microBatchSize: t.microBatch } : {}),
  };
  let point: PointWeights | null = null;
  let posterior: Posterior | null = null;
  let prior: AdaptivePrior | null = null;
  let model: TrainModel;
  if (objective === "mle") {
    point = new PointWeights(specs, means);
    model = { kind: "mle", point };
  } else {
    const K = config.posterior.promptComponents;
    posterior = new Posterior(specs, { means, nu: config.posterior.nu, components: cfg.promptTokens > 0 && K > 1 ? { "embed/prompt": K } : {}, temperature: config.posterior.temperature });
    const p = compiled
      ? manualPriorInit(specs, means, grouping, config.posterior.nu)
      : { components: config.prior.components, init: sampledPriorInit(rngStream(ctx.seed, "parity/prior"), config.prior.components, config.prior.initNu) };
    prior = new AdaptivePrior(specs, means, { grouping, components: p.components, init: p.init });
    model = { kind: "variational", posterior, prior };
  }
  const priorSummary = () => {
    const groups = prior!.groups();
    return prior!.gmms().map((g, i) => summarize(groups[i].name, g));
  };
  const priorAtInit = prior ? priorSummary() : null;
  /** Weights at the posterior means / point weights, for one scoring call. */
  const withMeans = <T>(f: (get: () => { w: Weights; owned: boolean }) => T): T => {
    if (point) return f(() => ({ w: point!.weights(), owned: false }));
    const w = posterior!.means();
    try {
      return f(() => ({ w, owned: false }));
    } finally {
      tf.dispose(Object.values(w));
    }
  };
  const n = Math.min(t.evalExamples, sets.train.length);
  const curveTrain = sets.train.slice(0, n);
  const curveOod = sets.ood.slice(0, Math.min(t.evalExamples, sets.ood.length));
  const evaluate = () => {
    sampleRss();
    const tensors = tf.memory().numTensors;
    return withMeans((get) => ({
      trainAcc: acc(score(cfg, L, curveTrain, config.eval.batchSize, get)),
      oodAcc: acc(score(cfg, L, curveOod, config.eval.batchSize, get)),
      tensors,
    }));
  };
  const trainer = new Trainer<ParityBatch>({
    problem,
    model,
    options,
    seed: opSeed(ctx.seed, `parity/${key}`),
    progress: ctx.progress,
    label: `parity ${key}: train`,
    evaluate: t.evalEvery > 0 ? evaluate : undefined,
    checkpoint: ctx.checkpointDir ? { path: path.join(ctx.checkpointDir, `${key.replace("/", "-")}.json`), every: t.checkpointEvery, resume: ctx.resume ?? false } : undefined,
    identity: { experiment: "parity", key, model: cfg, layers: L, data: config.data, initNu: config.prior.initNu, posterior: config.posterior, grouping },
    workers: t.workers > 0 ? { count: t.workers, source: { module: __filename, factory: "parityWorkerProblem", args: { cfg, layers: L } } } : undefined,
  });
  const t0 = Date.now();
  const result = await trainer.run();
  const seconds = (Date.now() - t0) / 1000;
  const trainedSteps = result.steps - result.resumedFrom;
  sampleRss();

  // Final evaluation: Table 1 numbers (posterior samples / point weights), means, by length.
  const progress = ctx.progress;
  const stage = (label: string, total: number) => progress.start(`parity ${key}: ${label}`, total);
  const evalSeed = (tag: string) => opSeed(ctx.seed, `parity/${key}/${tag}`);
  const reported = (tag: string) => (posterior ? sampler(cfg, posterior, evalSeed(tag)) : () => ({ w: point!.weights(), owned: false }));
  stage("train accuracy", sets.train.length);
  const trainS = score(cfg, L, sets.train, config.eval.batchSize, reported("train"), progress);
  progress.stop();
  stage("OOD accuracy", sets.ood.length);
  const oodS = score(cfg, L, sets.ood, config.eval.batchSize, reported("ood"), progress);
  progress.stop();
  const flat = sets.byLength.flat();
  stage("accuracy by length", flat.length * (posterior ? 2 : 1));
  const lenS = posterior ? score(cfg, L, flat, config.eval.batchSize, reported("length")) : null;
  const [trainM, oodM, lenM] = withMeans((get) => [score(cfg, L, sets.train, config.eval.batchSize, get), score(cfg, L, sets.ood, config.eval.batchSize, get), score(cfg, L, flat, config.eval.batchSize, get)]);
  progress.stop();
  const per = config.eval.perLength;
  const byLength = sets.byLength.map((xs, i) => {
    const k = xs.map((_, j) => i * per + j);
    return {
      length: i + 1,
      accuracy: mean(k.map((j) => Number(lenM.correct[j]))),
      sampledAccuracy: lenS ? mean(k.map((j) => Number(lenS.correct[j]))) : null,
      examples: xs.length,
    };
  });
  let klBits: number | null = null;
  let klGroups: TrainedRowRecord["klByGroup"] = null;
  if (posterior && prior) {
    const kl = klByGroup(posterior, prior, { samples: Math.max(1, config.prior.klSamples), seed: evalSeed("kl") });
    klBits = kl.total;
    klGroups = kl.groups;
  }
  const trainNllBits = mean(trainS.nllBits) * config.data.trainSize;
  const finalPrior = prior ? priorSummary() : null;
  const every = Math.max(1, Math.floor(result.curve.length / 500));
  const curve = result.curve.filter((p, i) => i % every === 0 || i === result.curve.length - 1);
  const history = result.history.map((h) => ({ step: h.step as number, trainAcc: h.trainAcc as number, oodAcc: h.oodAcc as number, tensors: h.tensors as number }));
  trainer.dispose();
  point?.dispose();
  posterior?.dispose();
  prior?.dispose();
  const record: TrainedRowRecord = {
    steps: result.steps,
    resumedFrom: result.resumedFrom,
    seconds,
    secondsPerStep: trainedSteps > 0 ? seconds / trainedSteps : 0,
    meanWeights: { trainAcc: acc(trainM), oodAcc: acc(oodM), trainNllBits: mean(trainM.nllBits) * config.data.trainSize },
    curve,
    history,
    priorAtInit,
    prior: finalPrior,
    klByGroup: klGroups,
    memory: {
      tensorsBefore,
      tensorsAfter: tf.memory().numTensors,
      tensorsDuringTraining: history.length >= 3 ? [history[1].tensors, history[history.length - 1].tensors] : null,
      peakRssMb: Math.round(peakRss),
    },
  };
  return {
    row: {
      key,
      init,
      objective,
      klBits,
      trainNllBits,
      codelengthBits: klBits === null ? null : klBits + trainNllBits,
      trainAcc: acc(trainS),
      oodAcc: acc(oodS),
      steps: result.steps,
    },
    byLength,
    record,
  };
}

/** The used block of every compiled weight matrix (rows/cols up to the program's minimal sizes). */
function weightBlocks(c: CompiledProgram): NonNullable<ParityMetrics["manual"]>["weights"] {
  const cfg = c.config;
  const D = c.minimal.dModel;
  const A = cfg.dHead;
  const block = (name: string, cols: number, rows: number[], colIdx: number[]) => ({
    rows: rows.length,
    cols: colIdx.length,
    values: rows.map((r) => colIdx.map((k) => c.values[name][r * cols + k])),
  });
  const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);
  const headCols = range(c.minimal.heads).flatMap((h) => range(c.minimal.dHead, h * A));
  return {
    "embed/tokens": block("embed/tokens", cfg.dModel, range(2 + 3), range(D)),
    "embed/prompt": block("embed/prompt", cfg.dModel, range(cfg.promptTokens), range(D)),
    "attn/Wv": block("attn/Wv", cfg.heads * A, range(D), headCols),
    "attn/Wo": block("attn/Wo", cfg.dModel, headCols, range(D)),
    "attn/relBias": block("attn/relBias", 2 * cfg.relWindow + 1, range(cfg.heads), range(2 * cfg.relWindow + 1)),
    "mlp/W1": block("mlp/W1", cfg.dMlp, range(D), range(c.minimal.dMlp)),
    "mlp/b1": block("mlp/b1", cfg.dMlp, [0], range(c.minimal.dMlp)),
    "mlp/W2": block("mlp/W2", cfg.dModel, range(c.minimal.dMlp), range(D)),
    "out/W": block("out/W", cfg.classes, range(D), range(cfg.classes)),
  };
}

/** Attention of every layer and the residual `done`/`parity` dims at every position, for one input. */
function traceInput(c: CompiledProgram, cfg: TransformerConfig, w: Weights, input: number[], layers: number): NonNullable<ParityMetrics["manual"]>["trace"] {
  const r = forward(cfg, w, makeBatch(cfg, [input]), { layers, returnAttention: true, returnResidual: true });
  const attention = r.attention!.map((a) => (a.arraySync() as number[][][][])[0]);
  const res = r.residual!.map((t) => (t.arraySync() as number[][][])[0]);
  disposeForward(r);
  const at = (name: string) => c.layout.find((l) => l.spec.name === name)!.start;
  const s = c.options.paramScale;
  // signed one-hot: value 1 ⇔ dim start+1 positive; report (x[1] − x[0]) / 2s ∈ [−1, 1]
  const readout = (name: string) => res.map((row) => row.map((x) => (x[at(name) + 1] - x[at(name)]) / (2 * s)));
  const tokens = ["START", ...Array.from({ length: cfg.promptTokens }, (_, i) => `p${i + 1}`), "SEP", ...input.map((b, i) => `x${i + 1}=${b}`), "END"];
  return { input, tokens, attention, done: readout("done"), parity: readout("parity") };
}

// ---------------------------------------------------------------------------
// Figures and tables (pure functions of the results).

function heatmapPanel(name: string, b: { rows: number; cols: number; values: number[][] }, i: number, n: number, perRow: number) {
  const row = Math.floor(i / perRow);
  const col = i % perRow;
  const rowsN = Math.ceil(n / perRow);
  const w = 1 / perRow;
  const h = 1 / rowsN;
  const ax = i === 0 ? "" : String(i + 1);
  return {
    trace: { type: "heatmap", z: b.values, xaxis: `x${ax}`, yaxis: `y${ax}`, colorscale: "RdBu", zmid: 0, showscale: i === 0, name },
    layout: {
      [`xaxis${ax}`]: { domain: [col * w + 0.03, (col + 1) * w - 0.03], anchor: `y${ax}`, title: { text: name, font: { size: 11 } } },
      [`yaxis${ax}`]: { domain: [1 - (row + 1) * h + 0.06, 1 - row * h - 0.02], anchor: `x${ax}`, autorange: "reversed" },
    },
  };
}

function weightsFigure(r: ParityResults): FigureSpec {
  const entries = Object.entries(r.manual!.weights);
  const panels = entries.map(([name, b], i) => heatmapPanel(name, b, i, entries.length, 3));
  return {
    data: panels.map((p) => p.trace),
    layout: Object.assign(
      {
        title: { text: `Compiled parity weights (used block; rest zero-padded to d=${r.config.model.dModel}, MLP ${r.config.model.dMlp}), s = ${r.config.manual.paramScale}, A = ${r.config.manual.attentionScale}, α = ${r.config.manual.saturation}/s` },
        width: 1100,
        height: 900,
      },
      ...panels.map((p) => p.layout),
    ),
  };
}

function attentionFigure(r: ParityResults): FigureSpec {
  const t = { ...r.manual!.trace, tokens: positionLabels(r) };
  const n = t.input.length;
  const layers = [1, Math.max(1, Math.ceil((n + 1) / 2)), n + 1].filter((l, i, a) => a.indexOf(l) === i && l <= t.attention.length);
  const heads = t.attention[0].length;
  const names = ["parityRight", "doneRight"];
  const panels = layers.flatMap((l) =>
    Array.from({ length: heads }, (_, h) => ({ name: `layer ${l}, head ${h} (${names[h] ?? ""})`, b: { rows: 0, cols: 0, values: t.attention[l - 1][h] } })),
  );
  const built = panels.map((p, i) => heatmapPanel(p.name, p.b, i, panels.length, heads));
  for (const b of built) Object.assign(b.trace, { x: t.tokens, y: t.tokens, colorscale: "Blues", reversescale: true, zmid: undefined, zmin: 0, zmax: 1 });
  return {
    data: built.map((b) => b.trace),
    layout: Object.assign({ title: { text: `Attention (query rows × key columns) on ${t.input.join("")}: each head reads position i + 1` }, width: 1100, height: 350 * layers.length }, ...built.map((b) => b.layout)),
  };
}

/** Unique axis labels of the traced input's positions (plotly merges repeated category names). */
function positionLabels(r: ParityResults): string[] {
  const t = r.manual!.trace;
  return ["START", ...Array.from({ length: r.config.model.promptTokens }, (_, i) => `p${i + 1}`), "SEP", ...t.input.map((b, i) => `x${i + 1}=${b}`), "END"];
}

function walkFigure(r: ParityResults): FigureSpec {
  const t = { ...r.manual!.trace, tokens: positionLabels(r) };
  const n = t.input.length;
  const upto = Math.min(t.done.length, n + 4);
  const mk = (z: number[][], name: string, ax: string, show: boolean) => ({
    type: "heatmap",
    z: z.slice(0, upto),
    x: t.tokens,
    y: Array.from({ length: upto }, (_, l) => l),
    colorscale: "RdBu",
    zmid: 0,
    zmin: -1,
    zmax: 1,
    xaxis: `x${ax}`,
    yaxis: `y${ax}`,
    showscale: show,
    name,
  });
  return {
    data: [mk(t.done, "done", "", true), mk(t.parity, "parity", "2", false)],
    layout: {
      title: { text: `The done front walks right to left, one position per layer (input ${t.input.join("")}); residual (x₁ − x₀)/2s` },
      xaxis: { domain: [0, 0.48], title: { text: "done" } },
      xaxis2: { domain: [0.52, 1], anchor: "y2", title: { text: "parity" } },
      yaxis: { title: { text: "layer" }, autorange: "reversed" },
      yaxis2: { anchor: "x2", autorange: "reversed" },
      width: 1100,
      height: 420,
    },
  };
}

const ROW_COLORS: Record<string, string> = { "random/mle": "#1f77b4", "random/variational": "#d62728", manual: "#2ca02c", "manual/variational": "#9467bd" };

function rowLabel(key: string): string {
  return { "random/mle": "random init, MLE", "random/variational": "random init, variational", manual: "manual (compiled), not trained", "manual/variational": "manual, trained on (variational)" }[key] ?? key;
}

function accuracyFigure(r: ParityResults): FigureSpec {
  const data: Record<string, unknown>[] = [];
  for (const [key, a] of Object.entries(r.accuracyByLength)) {
    const color = ROW_COLORS[key];
    const sampled = a[0]?.sampledAccuracy !== null;
    data.push({
      type: "scatter",
      mode: "lines+markers",
      name: sampled ? `${rowLabel(key)}: posterior samples (ν₀ = ${r.config.posterior.nu})` : `${rowLabel(key)}: point weights`,
      x: a.map((p) => p.length),
      y: a.map((p) => (sampled ? p.sampledAccuracy : p.accuracy)),
      line: { color },
    });
    if (sampled) {
      data.push({ type: "scatter", mode: "lines", name: `${rowLabel(key)}: ${key === "manual" ? "compiled weights" : "posterior means"}`, x: a.map((p) => p.length), y: a.map((p) => p.accuracy), line: { color, dash: "dot" } });
    }
  }
  const T = r.config.data.trainMaxLen;
  return {
    data,
    layout: {
      title: { text: `Parity accuracy by input length (train 1–${T}, OOD ${T + 1}–${2 * T})` },
      xaxis: { title: { text: "input length" } },
      yaxis: { title: { text: "accuracy" }, range: [0, 1.05] },
      shapes: [{ type: "line", x0: T + 0.5, x1: T + 0.5, y0: 0, y1: 1.05, line: { dash: "dash", color: "gray" } }],
      width: 900,
      height: 450,
      legend: { orientation: "h", y: -0.2 },
    },
  };
}

function trainingCurvesFigure(r: ParityResults): FigureSpec {
  const data: Record<string, unknown>[] = [];
  const B = r.config.train.batchSize;
  for (const [key, t] of Object.entries(r.trained)) {
    const color = ROW_COLORS[key];
    const x = t.curve.map((p) => p.step);
    data.push({ type: "scatter", mode: "lines", name: `${rowLabel(key)}: NLL`, x, y: t.curve.map((p) => p.nllBits / B), line: { color, width: 1 }, xaxis: "x", yaxis: "y", legendgroup: key });
    if (t.curve.some((p) => p.klBits !== null)) {
      data.push({ type: "scatter", mode: "lines", name: `${rowLabel(key)}: KL`, x, y: t.curve.map((p) => p.klBits), line: { color }, xaxis: "x2", yaxis: "y2", legendgroup: key, showlegend: false });
    }
    const h = t.history;
    data.push({ type: "scatter", mode: "lines+markers", name: `${rowLabel(key)}: train acc.`, x: h.map((p) => p.step), y: h.map((p) => p.trainAcc), line: { color }, xaxis: "x3", yaxis: "y3", legendgroup: key, showlegend: false });
    data.push({ type: "scatter", mode: "lines+markers", name: `${rowLabel(key)}: OOD acc.`, x: h.map((p) => p.step), y: h.map((p) => p.oodAcc), line: { color, dash: "dot" }, xaxis: "x3", yaxis: "y3", legendgroup: key, showlegend: false });
  }
  return {
    data,
    layout: {
      title: { text: "Training: minibatch NLL per example, KL[β ‖ α], accuracy at the means (solid train, dotted OOD)" },
      xaxis: { domain: [0, 0.29], title: { text: "step" } },
      yaxis: { type: "log", title: { text: "NLL (bits / example)" } },
      xaxis2: { domain: [0.36, 0.64], anchor: "y2", title: { text: "step" } },
      yaxis2: { anchor: "x2", type: "log", title: { text: "KL (bits)" } },
      xaxis3: { domain: [0.71, 1], anchor: "y3", title: { text: "step" } },
      yaxis3: { anchor: "x3", range: [0, 1.05], title: { text: "accuracy" } },
      width: 1200,
      height: 430,
      legend: { orientation: "h", y: -0.25 },
    },
  };
}

/** Density of a prior summary at x. */
function summaryPdf(g: PriorSummary, x: number): number {
  return g.mu.reduce((a, m, k) => a + (g.pi[k] * Math.exp(-((x - m) ** 2) / (2 * g.sigma2[k]))) / Math.sqrt(2 * Math.PI * g.sigma2[k]), 0);
}

/** x grid: uniform over [lo, hi] plus dense points around every component, so narrow spikes show. */
function priorGrid(gs: PriorSummary[], lo: number, hi: number): number[] {
  const centres = gs.flatMap((g) => g.mu.flatMap((mu, k) => (g.pi[k] > 1e-6 ? [{ mu, sigma: Math.sqrt(g.sigma2[k]) }] : [])));
  return densityGrid(centres, lo, hi, { points: 601, reach: 3, perSigma: 2 });
}

/** The learned prior of the random-init variational model beside the manual solution's (optimal, B.9.3), per tensor. */
function learnedPriorFigure(r: ParityResults): FigureSpec | null {
  const learned = r.trained["random/variational"]?.prior;
  if (!learned) return null;
  const manual = r.manual?.priors ?? null;
  const manualTrained = r.trained["manual/variational"]?.prior ?? null;
  const wanted = ["embed/tokens", "embed/prompt", "attn/Wq", "attn/Wk", "attn/Wv", "attn/Wo", "mlp/W1", "mlp/W2", "out/W"];
  const groups = wanted.filter((g) => learned.some((p) => p.group === g)).slice(0, 9);
  const data: Record<string, unknown>[] = [];
  const layout: Record<string, unknown> = {};
  const perRow = 3;
  const rowsN = Math.ceil(groups.length / perRow);
  groups.forEach((name, i) => {
    const ax = i === 0 ? "" : String(i + 1);
    // [legend label, prior, colour, dash, short name for the mode count]
    const series: [string, PriorSummary | undefined, string, string, string][] = [
      ["random init, variational (learned)", learned.find((p) => p.group === name), "#d62728", "solid", "random"],
      ["manual: optimal prior (B.9.3)", manual?.find((p) => p.group === name), "#2ca02c", "dot", "manual"],
      ["manual, trained on (learned)", manualTrained?.find((p) => p.group === name) ?? undefined, "#9467bd", "dash", "trained on"],
    ];
    const present = series.filter((s) => s[1]) as [string, PriorSummary, string, string, string][];
    const spread = Math.max(3, ...present.flatMap(([, g]) => g.mu.map((m, k) => (g.pi[k] > 1e-3 ? Math.abs(m) + 3 * Math.sqrt(g.sigma2[k]) : 0))));
    const xs = priorGrid(present.map((s) => s[1]), -spread, spread);
    for (const [label, g, color, dash] of present) {
      data.push({ type: "scatter", mode: "lines", name: label, x: xs, y: xs.map((x) => Math.max(1e-4, summaryPdf(g, x))), line: { color, dash, width: 1.5 }, xaxis: `x${ax}`, yaxis: `y${ax}`, legendgroup: label, showlegend: i === 0 });
    }
    const c = i % perRow;
    const row = Math.floor(i / perRow);
    const modes = present.map(([, g, , , short]) => `${short} ${g.modes}`).join(", ");
    layout[`xaxis${ax}`] = { domain: [c / perRow + 0.03, (c + 1) / perRow - 0.03], anchor: `y${ax}`, title: { text: `${name} (modes: ${modes})`, font: { size: 11 } } };
    layout[`yaxis${ax}`] = { domain: [1 - (row + 1) / rowsN + 0.08, 1 - row / rowsN - 0.02], anchor: `x${ax}`, type: "log", range: [-4, 3] };
  });
  return {
    data,
    layout: {
      title: { text: "Prior densities per tensor: learned from random init vs the manual solution's (log scale)" },
      width: 1200,
      height: 330 * rowsN + 80,
      legend: { orientation: "h", y: -0.08 },
      ...layout,
    },
  };
}

function sweepFigure(r: ParityResults): FigureSpec {
  const s = r.manual!.sweeps;
  const line = (pts: SweepPoint[], key: "accuracy" | "sampledAccuracy", name: string, ax: string, dash?: string) => ({
    type: "scatter",
    mode: "lines+markers",
    name,
    x: pts.map((p) => p.scale),
    y: pts.map((p) => p[key]),
    xaxis: `x${ax}`,
    yaxis: `y${ax}`,
    line: dash ? { dash } : {},
  });
  return {
    data: [
      line(s.attention, "accuracy", "attention scale A: compiled", ""),
      line(s.attention, "sampledAccuracy", "attention scale A: posterior sample", "", "dot"),
      line(s.param, "accuracy", "parameter scale s: compiled", "2"),
      line(s.param, "sampledAccuracy", "parameter scale s: posterior sample", "2", "dot"),
    ],
    layout: {
      title: { text: `Smallest scales that stay exact (lengths ${r.config.sweep.lengths.join(", ")}): A ≥ ${s.minimalAttentionScale} (posterior sample: ${s.minimalAttentionScaleSampled}), s ≥ ${s.minimalParamScale} (posterior sample: ${s.minimalParamScaleSampled})` },
      xaxis: { domain: [0, 0.46], type: "log", title: { text: `attention scale A (s = ${r.config.manual.paramScale})` } },
      xaxis2: { domain: [0.54, 1], anchor: "y2", type: "log", title: { text: `parameter scale s (A = ${r.config.manual.attentionScale}, α = ${r.config.manual.saturation}/s, m = v = √s)` } },
      yaxis: { title: { text: "accuracy" }, range: [0, 1.05] },
      yaxis2: { anchor: "x2", range: [0, 1.05] },
      width: 1000,
      height: 420,
      legend: { orientation: "h", y: -0.25 },
    },
  };
}

function figures(r: ParityResults): Record<string, FigureSpec> {
  const out: Record<string, FigureSpec> = { "accuracy-by-length": accuracyFigure(r) };
  if (Object.keys(r.trained).length > 0) out["training-curves"] = trainingCurvesFigure(r);
  const lp = learnedPriorFigure(r);
  if (lp) out["learned-prior"] = lp;
  if (r.manual) {
    out["compiled-weights"] = weightsFigure(r);
    out["attention-per-layer"] = attentionFigure(r);
    out["residual-walk"] = walkFigure(r);
    out["scale-sweeps"] = sweepFigure(r);
  }
  return out;
}

function tables(r: ParityResults): Record<string, Table> {
  const row = (x: ParityRow, who: string) => [who, x.init, x.objective, x.steps ?? null, x.klBits, x.trainNllBits, x.codelengthBits, x.trainAcc, x.oodAcc];
  const T = r.config.data.trainMaxLen;
  const out: Record<string, Table> = {
    table1: {
      title: `Table 1 — parity: ours (train lengths 1–${T}, OOD ${T + 1}–${2 * T}, ${r.preset} preset) beside the paper (train 1–20, OOD 21–40); bits, accuracies`,
      columns: ["source", "init", "objective", "steps", "klBits", "trainNllBits", "codelengthBits", "trainAcc", "oodAcc"],
      rows: [
        ...r.rows.map((x) => row(x, x.key === "manual" ? "kcdl (compiled, not trained)" : "kcdl")),
        ...r.paper.rows.map((x) => row(x, "paper")),
      ],
    },
    "accuracy-by-length": {
      title: "Accuracy by input length (point weights / posterior means; posterior samples)",
      columns: ["row", "length", "accuracy", "sampledAccuracy", "examples"],
      rows: Object.entries(r.accuracyByLength).flatMap(([k, a]) => a.map((p) => [k, p.length, p.accuracy, p.sampledAccuracy, p.examples])),
    },
  };
  if (Object.keys(r.trained).length > 0) {
    out.training = {
      title: "Training runs (steps, time, accuracy at the means, memory)",
      columns: ["row", "steps", "secondsPerStep", "trainAccAtMeans", "oodAccAtMeans", "trainNllBitsAtMeans", "liveTensorsEarly", "liveTensorsLast", "peakRssMb"],
      rows: Object.entries(r.trained).map(([k, t]) => [k, t.steps, t.secondsPerStep, t.meanWeights.trainAcc, t.meanWeights.oodAcc, t.meanWeights.trainNllBits, t.memory.tensorsDuringTraining?.[0] ?? null, t.memory.tensorsDuringTraining?.[1] ?? null, t.memory.peakRssMb]),
    };
  }
  const m = r.manual;
  if (m) {
    out["kl-by-grouping"] = {
      title: `KL (bits) of the manual posterior (ν = ${r.config.posterior.nu}) under the optimal prior (B.9.3), by prior grouping`,
      columns: ["grouping", "groups", "klBits", "entropyBits"],
      rows: m.klByGrouping.map((k) => [k.grouping, k.groups, k.klBits, k.entropyBits]),
    };
    out["kl-by-group"] = {
      title: `KL (bits) per prior group (${m.kl.grouping})`,
      columns: ["group", "size", "distinct", "klBits", "entropyBits"],
      rows: m.kl.groups.map((g) => [g.group, g.size, g.distinct, g.klBits, g.entropyBits]),
    };
    out["scale-sweeps"] = {
      title: "Accuracy against the compile scales",
      columns: ["knob", "scale", "accuracy", "sampledAccuracy", "minMarginNats"],
      rows: [
        ...m.sweeps.attention.map((p) => ["attentionScale", p.scale, p.accuracy, p.sampledAccuracy, p.minMargin]),
        ...m.sweeps.param.map((p) => ["paramScale", p.scale, p.accuracy, p.sampledAccuracy, p.minMargin]),
      ],
    };
  }
  return out;
}

export const parityExperiment: Experiment<ParityConfig, ParityMetrics> = {
  name: "parity",
  title: "Looped Transformer on parity: random init (MLE, variational) vs the ALTA-compiled solution",
  reproduces: "Table 1 (C.1)",
  schema: schemaFromDefaults(defaults),
  claims: () => [],
  readme: () => "",
  presets,
  run,
  figures,
  tables,
};
