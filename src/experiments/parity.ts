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
import { Experiment, Results, RunContext } from "./experiment";
import { paperReference } from "./paper-reference";
import { CompiledProgram, compile, parityProgram } from "../alta";
import { PAPER_TRANSFORMER, TransformerConfig, disposeForward, forward, makeBatch, transformerParamSpecs, weightsFromValues } from "../nn/transformer";
import { Posterior, AdaptivePrior, klByGroup, PriorGrouping, ParamSpec, Weights } from "../variational";
import { gaussian, gmm } from "../codes/gmm";
import { optimalPrior } from "../codes/optimal-prior";
import { klQuadratureBits } from "../codes/quadrature";
import { generateParitySplit, parity, paritySplits } from "../tasks/parity-data";
import { opSeed, rngStream } from "../core/rng";
import { UsageError } from "../core/errors";
import type { Progress } from "../core/progress";
import type { FigureSpec } from "../report/figure";
import type { Table } from "../report/table";

export interface ParityConfig {
  /** Table 1 rows to produce; "manual" = the compiled ALTA program (trained rows come later). */
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
    /** ν of every posterior component, σ² = softplus(ν) (C.1: −10). */
    nu: number;
  };
  prior: {
    /** Prior grouping of the reported KL: "tensor" (one GMM per parameter tensor), "all" or "column". */
    grouping: string;
    /** Monte-Carlo samples per weight for the KL cross-check (C.1: 100; 0 = skip). */
    klSamples: number;
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
  rows: ["manual"],
  model: { dModel: 128, heads: 2, dHead: 64, dMlp: 512, promptTokens: 20, relWindow: 8, layers: 42, normScale: "fixed", normAlpha: 1 },
  manual: { attentionScale: 20, paramScale: 100, saturation: 3, headSaturation: 1, centerHeads: true },
  data: { trainSize: 100_000, trainMaxLen: 20 },
  eval: { trainExamples: 512, oodExamples: 512, perLength: 8, batchSize: 64 },
  posterior: { nu: -10 },
  prior: { grouping: "tensor", klSamples: 100 },
  sweep: {
    attentionScales: [1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20],
    paramScales: [1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 70, 100],
    lengths: [1, 2, 20, 40],
    perLength: 4,
  },
  figureInput: [1, 0, 1, 1, 0, 0, 1, 0],
};

const presets: Experiment<ParityConfig, ParityMetrics>["presets"] = {
  // smoke: seconds — fewer examples, short lengths, a 3-point sweep (still the paper's model and 42 layers).
  smoke: {
    eval: { trainExamples: 16, oodExamples: 16, perLength: 1, batchSize: 64 },
    prior: { klSamples: 0 },
    sweep: { attentionScales: [2, 20], paramScales: [1, 100], lengths: [40], perLength: 2 },
  },
  // cpu: the defaults; a few minutes on 2 cores (the 42-layer forward runs ~10 examples/s on wasm).
  cpu: {},
  // paper: larger evaluation samples (the manual row has no training hyperparameters).
  paper: { eval: { trainExamples: 4096, oodExamples: 4000, perLength: 50, batchSize: 128 } },
};

/** One Table 1 row (bits; accuracies in [0, 1]). */
export interface ParityRow {
  init: "manual" | "random";
  objective: "variational" | "mle";
  klBits: number | null;
  trainNllBits: number;
  codelengthBits: number | null;
  trainAcc: number;
  oodAcc: number;
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
  /** Accuracy per length 1…2·trainMaxLen, with compiled weights and with posterior samples. */
  accuracyByLength: { length: number; accuracy: number; sampledAccuracy: number; examples: number }[];
  manual: {
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

async function run(config: ParityConfig, ctx: RunContext): Promise<ParityMetrics> {
  modelConfig(config); // validates the model block
  const compiled = compileManual(config);
  const cfg = compiled.config; // the manual row's model: its DyT α is saturation / s
  const L = config.model.layers;
  for (const r of config.rows) if (r !== "manual") throw new UsageError(`parity: unknown row '${r}'; available now: manual`);
  const grouping = config.prior.grouping as PriorGrouping;
  if (!["all", "tensor", "column"].includes(grouping)) throw new UsageError(`prior.grouping must be "all", "tensor" or "column", got '${grouping}'`);
  const maxLen = 2 * config.data.trainMaxLen;
  const specs = transformerParamSpecs(cfg);
  const values = compiled.values;
  const meanW = weightsFromValues(cfg, values);
  const fixed = () => ({ w: meanW, owned: false });
  const post = new Posterior(specs, { means: values, nu: config.posterior.nu });

  // data: train / OOD samples from the C.1 splits, and a balanced per-length set
  const [trainSpec, oodSpec] = paritySplits(ctx.seed, { trainSize: config.data.trainSize, trainMaxLen: config.data.trainMaxLen, testSize: config.eval.oodExamples });
  const train = generateParitySplit({ ...trainSpec, size: Math.min(config.eval.trainExamples, trainSpec.size) }).map((x) => Array.from(x));
  const ood = generateParitySplit(oodSpec).map((x) => Array.from(x));
  const rng = rngStream(ctx.seed, "parity/by-length");
  const byLength = Array.from({ length: maxLen }, (_, i) => Array.from({ length: config.eval.perLength }, () => Array.from({ length: i + 1 }, () => (rng() < 0.5 ? 1 : 0))));

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
  const ref = paperReference().table1Parity as { caption: string; rows: ParityRow[] };
  return {
    rows: [
      {
        init: "manual",
        objective: "variational",
        klBits,
        trainNllBits,
        codelengthBits: klBits + trainNllBits,
        trainAcc: acc(trainPost),
        oodAcc: acc(oodPost),
      },
    ],
    accuracyByLength,
    manual: {
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
    paper: { caption: ref.caption, rows: ref.rows },
    forwardExamplesPerSecond: train.length / seconds,
  };
}

/** The used block of every compiled weight matrix (rows/cols up to the program's minimal sizes). */
function weightBlocks(c: CompiledProgram): ParityMetrics["manual"]["weights"] {
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
function traceInput(c: CompiledProgram, cfg: TransformerConfig, w: Weights, input: number[], layers: number): ParityMetrics["manual"]["trace"] {
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
  const entries = Object.entries(r.manual.weights);
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
  const t = { ...r.manual.trace, tokens: positionLabels(r) };
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
  const t = r.manual.trace;
  return ["START", ...Array.from({ length: r.config.model.promptTokens }, (_, i) => `p${i + 1}`), "SEP", ...t.input.map((b, i) => `x${i + 1}=${b}`), "END"];
}

function walkFigure(r: ParityResults): FigureSpec {
  const t = { ...r.manual.trace, tokens: positionLabels(r) };
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

function accuracyFigure(r: ParityResults): FigureSpec {
  const a = r.accuracyByLength;
  return {
    data: [
      { type: "scatter", mode: "lines+markers", name: "compiled weights", x: a.map((p) => p.length), y: a.map((p) => p.accuracy) },
      { type: "scatter", mode: "lines+markers", name: `posterior samples (ν = ${r.config.posterior.nu})`, x: a.map((p) => p.length), y: a.map((p) => p.sampledAccuracy), line: { dash: "dot" } },
    ],
    layout: {
      title: { text: "Manual (ALTA-compiled) parity: accuracy by input length (train 1–20, OOD 21–40)" },
      xaxis: { title: { text: "input length" } },
      yaxis: { title: { text: "accuracy" }, range: [0, 1.05] },
      shapes: [{ type: "line", x0: r.config.data.trainMaxLen + 0.5, x1: r.config.data.trainMaxLen + 0.5, y0: 0, y1: 1.05, line: { dash: "dash", color: "gray" } }],
      width: 800,
      height: 400,
    },
  };
}

function sweepFigure(r: ParityResults): FigureSpec {
  const s = r.manual.sweeps;
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
  return {
    "compiled-weights": weightsFigure(r),
    "attention-per-layer": attentionFigure(r),
    "residual-walk": walkFigure(r),
    "accuracy-by-length": accuracyFigure(r),
    "scale-sweeps": sweepFigure(r),
  };
}

function tables(r: ParityResults): Record<string, Table> {
  const row = (x: ParityRow, who: string) => [who, x.init, x.objective, x.klBits, x.trainNllBits, x.codelengthBits, x.trainAcc, x.oodAcc];
  return {
    table1: {
      title: "Table 1 — parity: ours beside the paper (bits; accuracies)",
      columns: ["source", "init", "objective", "klBits", "trainNllBits", "codelengthBits", "trainAcc", "oodAcc"],
      rows: [
        ...r.rows.map((x) => row(x, "kcdl")),
        ...r.paper.rows.map((x) => row(x, "paper")),
      ],
    },
    "accuracy-by-length": {
      title: "Manual solution: accuracy by input length",
      columns: ["length", "accuracy", "sampledAccuracy", "examples"],
      rows: r.accuracyByLength.map((a) => [a.length, a.accuracy, a.sampledAccuracy, a.examples]),
    },
    "kl-by-grouping": {
      title: `KL (bits) of the manual posterior (ν = ${r.config.posterior.nu}) under the optimal prior (B.9.3), by prior grouping`,
      columns: ["grouping", "groups", "klBits", "entropyBits"],
      rows: r.manual.klByGrouping.map((k) => [k.grouping, k.groups, k.klBits, k.entropyBits]),
    },
    "kl-by-group": {
      title: `KL (bits) per prior group (${r.manual.kl.grouping})`,
      columns: ["group", "size", "distinct", "klBits", "entropyBits"],
      rows: r.manual.kl.groups.map((g) => [g.group, g.size, g.distinct, g.klBits, g.entropyBits]),
    },
    "scale-sweeps": {
      title: "Accuracy against the compile scales",
      columns: ["knob", "scale", "accuracy", "sampledAccuracy", "minMarginNats"],
      rows: [
        ...r.manual.sweeps.attention.map((p) => ["attentionScale", p.scale, p.accuracy, p.sampledAccuracy, p.minMargin]),
        ...r.manual.sweeps.param.map((p) => ["paramScale", p.scale, p.accuracy, p.sampledAccuracy, p.minMargin]),
      ],
    },
  };
}

export const parityExperiment: Experiment<ParityConfig, ParityMetrics> = {
  name: "parity",
  title: "Looped Transformer on parity: the manual (ALTA-compiled) solution",
  reproduces: "Table 1 (manual row), C.1",
  defaults,
  presets,
  run,
  figures,
  tables,
};
