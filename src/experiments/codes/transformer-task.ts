/**
 * The codes of one Transformer task (parity, at-least-two, ones-mod-3) on one dataset: uniform;
 * variational (eq. 86) from the compiled ALTA solution (posterior at the compiled weights with
 * ν = posterior.nu, each tensor's optimal prior, B.9.3) and from random init (a short run of the
 * adaptive variational objective, C.1); prequential (Blier & Ollivier 2018: a model trained from
 * random init on each doubling prefix encodes the next block); two-part with quantised weights
 * (codes/quantised.ts) for the compiled and the last prequential model; zmap's |z| + c_T
 * (zmap-row.ts). Inputs are the parity split generator's (C.1), labels the task's.
 */
import * as tf from "@tensorflow/tfjs";
import { CompiledProgram, compile, onesModProgram, optionsForModel, parityProgram, thresholdProgram } from "../../alta";
import type { Program } from "../../alta/program";
import { PAPER_TRANSFORMER, TransformerConfig, forward, makeBatch, randomInit, transformerParamSpecs, weightsFromValues, disposeForward } from "../../nn/transformer";
import { PointWeights, Weights, WeightValues } from "../../nn/param-tree";
import { AdaptivePrior, Posterior, klByGroup, sampledPriorInit, weightGroups } from "../../variational";
import { Trainer, TrainProblem } from "../../train/trainer";
import { trainerOptions } from "../../lab/vocabulary";
import { codelength, priorParameterBits } from "../../codes/codelength";
import { optimalPriorKl } from "../../codes/optimal-prior";
import { quantise, quantisedModelBits } from "../../codes/quantised";
import { doublingBlocks, prequentialCode } from "../../codes/prequential";
import { uniformCodeBits } from "../../codes/two-part";
import { generateParitySplit, paritySplits } from "../../tasks/parity-data";
import { SequenceTask, sequenceTask } from "../../tasks/sequence-tasks";
import { opSeed, rngStream } from "../../core/rng";
import type { RunContext } from "../../lab/experiment";
import type { CodesConfig } from "./config";
import type { CodeRow, TaskRecord } from "./types";
import { zmapRow } from "./zmap-row";

/** Inputs and labels of one split. */
export interface LabelledSet {
  xs: number[][];
  ys: number[];
}

/** The ALTA program of each Transformer task (module doc). */
export const TASK_PROGRAMS: Record<string, () => Program> = {
  parity: () => parityProgram(),
  "at-least-two": () => thresholdProgram(2),
  "ones-mod-3": () => onesModProgram(3),
};

/** The training set (a prefix of the cpu preset's parity split) and the OOD split, labelled by `task`. */
export function taskData(config: CodesConfig, seed: number, task: SequenceTask): { train: LabelledSet; ood: LabelledSet } {
  const [trainSpec, oodSpec] = paritySplits(seed, { trainSize: config.data.trainSize, trainMaxLen: config.data.trainMaxLen, testSize: config.data.oodExamples });
  const label = (xs: number[][]): LabelledSet => ({ xs, ys: xs.map((x) => task.label(x)) });
  return { train: label(generateParitySplit(trainSpec).map((x) => Array.from(x))), ood: label(generateParitySplit(oodSpec).map((x) => Array.from(x))) };
}

/** The Transformer of the codes (DyT α: 1 for trained models, saturation / s for the compiled one). */
export function transformerConfig(c: CodesConfig, classes: number, alpha = 1): TransformerConfig {
  const { layers: _l, qkInit: _q, ...m } = c.model;
  return { ...PAPER_TRANSFORMER, ...m, normAlpha: alpha, normScale: "fixed", inputVocab: 2, classes };
}

/** The task's ALTA program compiled into the configured model (parity's compile settings, manual.*). */
export function compileTask(c: CodesConfig, taskName: string): CompiledProgram {
  const m = transformerConfig(c, 2, c.manual.saturation / c.manual.paramScale);
  const { attentionScale, paramScale, headSaturation, centerHeads } = c.manual;
  return compile(TASK_PROGRAMS[taskName](), optionsForModel(m, { attentionScale, paramScale, headSaturation, centerHeads }));
}

/** Per-example correctness and NLL (bits) of `set` under weights `w` (batches of equal length). */
export function scoreSet(cfg: TransformerConfig, layers: number, set: LabelledSet, batchSize: number, w: Weights): { correct: boolean[]; nllBits: number[] } {
  const order = set.xs.map((_, i) => i).sort((a, b) => set.xs[a].length - set.xs[b].length || a - b);
  const correct = new Array<boolean>(set.xs.length);
  const nllBits = new Array<number>(set.xs.length);
  for (let i = 0; i < order.length; ) {
    const len = set.xs[order[i]].length;
    const idx: number[] = [];
    while (i < order.length && set.xs[order[i]].length === len && idx.length < batchSize) idx.push(order[i++]);
    const r = forward(cfg, w, makeBatch(cfg, idx.map((k) => set.xs[k])), { layers });
    const logp = tf.tidy(() => tf.logSoftmax(r.logits).arraySync() as number[][]);
    disposeForward(r);
    idx.forEach((k, j) => {
      const y = set.ys[k];
      const row = logp[j];
      correct[k] = row.every((v, c) => c === y || v < row[y]);
      nllBits[k] = -row[y] / Math.LN2;
    });
  }
  return { correct, nllBits };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const accuracy = (s: { correct: boolean[] }) => s.correct.filter(Boolean).length / Math.max(1, s.correct.length);

/** Minibatches drawn uniformly with replacement from the first `end` examples of `set`; NLL = Σ −log₂ softmax(logits)[y]. */
export function labelledProblem(cfg: TransformerConfig, layers: number, set: LabelledSet, end = set.xs.length): TrainProblem<{ xs: number[][]; ys: Int32Array }> {
  return {
    batch: (rng, size) => {
      const idx = Array.from({ length: size }, () => Math.floor(rng() * end));
      return { xs: idx.map((i) => set.xs[i]), ys: Int32Array.from(idx, (i) => set.ys[i]) };
    },
    nllBits: (w, b) =>
      tf.tidy(() => {
        const r = forward(cfg, w, makeBatch(cfg, b.xs), { layers });
        const y = tf.oneHot(tf.tensor1d(b.ys, "int32"), cfg.classes);
        return tf.div(tf.neg(tf.sum(tf.mul(tf.logSoftmax(r.logits), y))), Math.LN2) as tf.Scalar;
      }),
  };
}

/** Mean NLL total and accuracies over `samples` posterior samples. */
function posteriorScores(post: Posterior, cfg: TransformerConfig, c: CodesConfig, data: { train: LabelledSet; ood: LabelledSet }, seed: number) {
  let nll = 0;
  let trainAcc = 0;
  let oodAcc = 0;
  const S = c.eval.posteriorSamples;
  for (let s = 0; s < S; s++) {
    const w = post.sample(seed + s);
    const tr = scoreSet(cfg, c.model.layers, data.train, c.eval.batchSize, w);
    const od = scoreSet(cfg, c.model.layers, data.ood, c.eval.batchSize, w);
    tf.dispose(Object.values(w));
    nll += sum(tr.nllBits) / S;
    trainAcc += accuracy(tr) / S;
    oodAcc += accuracy(od) / S;
  }
  return { nll, trainAcc, oodAcc };
}

/** Point-weight scores on both splits. */
function pointScores(cfg: TransformerConfig, c: CodesConfig, data: { train: LabelledSet; ood: LabelledSet }, values: WeightValues) {
  const w = weightsFromValues(cfg, values);
  const tr = scoreSet(cfg, c.model.layers, data.train, c.eval.batchSize, w);
  const od = scoreSet(cfg, c.model.layers, data.ood, c.eval.batchSize, w);
  tf.dispose(Object.values(w));
  return { nll: sum(tr.nllBits), trainAcc: accuracy(tr), oodAcc: accuracy(od) };
}

/** Trains point weights from `init` by MLE on the first `end` training examples. */
async function trainMle(cfg: TransformerConfig, c: CodesConfig, ctx: RunContext, train: LabelledSet, end: number, init: WeightValues, tag: string): Promise<Record<string, Float32Array>> {
  const point = new PointWeights(transformerParamSpecs(cfg), init);
  const trainer = new Trainer({
    problem: labelledProblem(cfg, c.model.layers, train, end),
    model: { kind: "mle", point },
    options: trainerOptions(c.train, c.optimizer, { objective: "mle", klCoef: c.train.klCoef, steps: c.prequential.steps }),
    seed: opSeed(ctx.seed, tag),
    progress: ctx.progress,
    label: tag,
  });
  await trainer.run();
  const values = Object.fromEntries(Object.entries(point.values()).map(([k, v]) => [k, Float32Array.from(v)]));
  trainer.dispose();
  point.dispose();
  return values;
}

/** Every code of one Transformer task (module doc). */
export async function transformerTask(taskName: string, c: CodesConfig, ctx: RunContext): Promise<{ rows: CodeRow[]; record: TaskRecord }> {
  const task = sequenceTask(taskName);
  const data = taskData(c, ctx.seed, task);
  const n = data.train.xs.length;
  const L = c.model.layers;
  const arch = `Transformer d ${c.model.dModel}, ${c.model.heads} heads, MLP ${c.model.dMlp}, ${L} layers`;
  const rows: CodeRow[] = [];
  const row = (r: Omit<CodeRow, "task">) => rows.push({ task: taskName, ...r });
  row({ code: "uniform", model: "none", init: null, seed: null, steps: null, modelBits: null, dataBits: null, totalBits: uniformCodeBits(n, task.classes), codelength: null, trainAcc: null, oodAcc: null, note: `n · log₂ ${task.classes}` });

  // compiled solution: eq. 86 with the optimal prior per tensor, and the quantised two-part code of its exact weights
  ctx.progress.start(`codes ${taskName}: compiled solution`, 2);
  const compiled = compileTask(c, taskName);
  const cfgC = compiled.config;
  const specs = transformerParamSpecs(cfgC);
  const kl = optimalPriorKl(weightGroups(specs, compiled.values, c.prior.grouping), c.posterior.nu);
  const klBits = sum(kl.map((g) => g.klBits));
  const priorBits = sum(kl.map((g) => priorParameterBits({ groups: 1, components: g.prior.mu.length })));
  const post = new Posterior(specs, { means: compiled.values, nu: c.posterior.nu });
  const ps = posteriorScores(post, cfgC, c, data, opSeed(ctx.seed, `codes/${taskName}/compiled`));
  post.dispose();
  ctx.progress.update(1);
  row({ code: "variational", model: `${arch} (compiled ALTA program, posterior ν = ${c.posterior.nu})`, init: "compiled", seed: ctx.seed, steps: 0, modelBits: klBits, dataBits: ps.nll, totalBits: klBits + ps.nll, codelength: codelength(klBits, ps.nll, priorBits), trainAcc: ps.trainAcc, oodAcc: ps.oodAcc, note: "KL under each tensor's optimal prior (B.9.3), exact by quadrature; NLL and accuracies averaged over posterior samples" });
  const qc = quantisedModelBits(specs.map((s) => ({ group: s.name, weights: compiled.values[s.name] })));
  const pc = pointScores(cfgC, c, data, compiled.values);
  row({ code: "two-part (quantised)", model: `${arch} (compiled weights as they are, δ = 0)`, init: "compiled", seed: null, steps: 0, modelBits: qc.bits, dataBits: pc.nll, totalBits: qc.bits + pc.nll, codelength: null, trainAcc: pc.trainAcc, oodAcc: pc.oodAcc, note: "levels, counts and the enumerative code of each tensor's weights (≤ N·H(p)); NLL at the compiled weights" });
  ctx.progress.update(2);
  ctx.progress.stop();

  // random init, variational (a short run of C.1's objective)
  const cfgR = transformerConfig(c, task.classes);
  const specsR = transformerParamSpecs(cfgR);
  const init = randomInit(cfgR, c.model.qkInit, rngStream(ctx.seed, `codes/${taskName}/init`));
  const posterior = new Posterior(specsR, { means: init, nu: c.posterior.nu });
  const priorR = new AdaptivePrior(specsR, init, { grouping: c.prior.grouping, components: c.prior.components, init: sampledPriorInit(rngStream(ctx.seed, `codes/${taskName}/prior`), c.prior.components, c.prior.nu) });
  const trainer = new Trainer({
    problem: labelledProblem(cfgR, L, data.train),
    model: { kind: "variational", posterior, prior: priorR },
    options: trainerOptions(c.train, c.optimizer, { objective: "variational", klCoef: c.train.klCoef }),
    seed: opSeed(ctx.seed, `codes/${taskName}/variational`),
    progress: ctx.progress,
    label: `codes ${taskName}: variational from random init`,
  });
  await trainer.run();
  trainer.dispose();
  const klR = klByGroup(posterior, priorR, { samples: 100, seed: opSeed(ctx.seed, `codes/${taskName}/kl`) }).total;
  const psR = posteriorScores(posterior, cfgR, c, data, opSeed(ctx.seed, `codes/${taskName}/variational-eval`));
  const priorBitsR = priorParameterBits({ groups: priorR.groups().length, components: c.prior.components });
  posterior.dispose();
  priorR.dispose();
  row({ code: "variational", model: `${arch} (He-normal init, ${c.prior.components}-component prior per ${c.prior.grouping})`, init: "random", seed: ctx.seed, steps: c.train.steps, modelBits: klR, dataBits: psR.nll, totalBits: klR + psR.nll, codelength: codelength(klR, psR.nll, priorBitsR), trainAcc: psR.trainAcc, oodAcc: psR.oodAcc, note: `${c.train.steps} steps; KL by Monte Carlo (100 samples per weight)` });

  // prequential: each prefix's model from random init, trained by MLE, encodes the next block
  const ends = doublingBlocks(n, Math.min(c.prequential.firstBlock, n));
  let last: Record<string, Float32Array> | null = null;
  const preq = await prequentialCode(ends, task.classes, async (start, end) => {
    const initB = randomInit(cfgR, c.model.qkInit, rngStream(ctx.seed, `codes/${taskName}/prequential/${start}`));
    last = await trainMle(cfgR, c, ctx, data.train, start, initB, `codes ${taskName}: prequential model on ${start} examples`);
    const w = weightsFromValues(cfgR, last);
    const s = scoreSet(cfgR, L, { xs: data.train.xs.slice(start, end), ys: data.train.ys.slice(start, end) }, c.eval.batchSize, w);
    tf.dispose(Object.values(w));
    return sum(s.nllBits);
  });
  const lastStart = ends.length > 1 ? ends[ends.length - 2] : 0;
  const lastScores = last ? pointScores(cfgR, c, data, last) : null;
  row({ code: "prequential", model: `${arch} (He-normal init per block, MLE)`, init: "random", seed: ctx.seed, steps: c.prequential.steps, modelBits: null, dataBits: preq.bits, totalBits: preq.bits, codelength: null, trainAcc: lastScores?.trainAcc ?? null, oodAcc: lastScores?.oodAcc ?? null, note: `blocks ending at ${ends.join(", ")}; accuracies of the last block's model (trained on ${lastStart} examples)` });

  // two-part with quantised weights of that last model: the best δ
  const quantised: TaskRecord["quantised"] = [];
  if (last) {
    const lastValues: Record<string, Float32Array> = last;
    let best: { step: number; modelBits: number; s: ReturnType<typeof pointScores> } | null = null;
    for (const step of c.quantise.steps) {
      const q = Object.fromEntries(specsR.map((s) => [s.name, quantise(lastValues[s.name], step)]));
      const modelBits = quantisedModelBits(specsR.map((s) => ({ group: s.name, weights: q[s.name] }))).bits;
      const sq = pointScores(cfgR, c, data, q);
      quantised.push({ step, totalBits: modelBits + sq.nll, trainAcc: sq.trainAcc, oodAcc: sq.oodAcc });
      if (!best || modelBits + sq.nll < best.modelBits + best.s.nll) best = { step, modelBits, s: sq };
    }
    row({ code: "two-part (quantised)", model: `${arch} (the last prequential model, weights rounded to multiples of δ = ${best!.step})`, init: "random", seed: ctx.seed, steps: c.prequential.steps, modelBits: best!.modelBits, dataBits: best!.s.nll, totalBits: best!.modelBits + best!.s.nll, codelength: null, trainAcc: best!.s.trainAcc, oodAcc: best!.s.oodAcc, note: `best of δ ∈ {${c.quantise.steps.join(", ")}}` });
  }

  const z = c.zmap.enabled ? await zmapRow(taskName, task, c, ctx, data) : null;
  if (z?.row) rows.push(z.row);
  return {
    rows,
    record: {
      task: taskName,
      classes: task.classes,
      trainSize: n,
      oodSize: data.ood.xs.length,
      compiled: { ...compiled.minimal, rules: compiled.rules.length },
      prequential: { ends, blocks: preq.blocks },
      quantised,
      zmap: z?.record ?? null,
    },
  };
}
