/**
 * The trained rows of Table 1 (C.1): "random/mle", "random/variational" from one
 * He-normal draw (MLE and variational start from the same weights), and
 * "manual/variational" from the compiled solution. Adam (optimizer.*) with linear
 * warmup and exponential decay; variational rows with Gaussian posteriors at
 * ν = posterior.nu (prompt embeddings: posterior.components-component GMMs with
 * straight-through Gumbel-softmax), adaptive GMM priors per prior.grouping
 * (random: prior.init "sampled" — means drawn from the initial weights, ν = prior.nu,
 * equal weights; manual: the optimal prior). Checkpoints under `ctx.checkpointDir`.
 */
import { adaptivePriorOptions, trainerOptions } from "../../lab/vocabulary";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { TransformerConfig, randomInit, transformerParamSpecs } from "../../nn/transformer";
import { PointWeights, ParamSpec, Weights } from "../../nn/param-tree";
import { AdaptivePrior, Posterior, klByGroup, summarizePrior } from "../../variational";
import { Trainer, TrainModel, TrainOptions, TrainResult } from "../../train/trainer";
import { codelength, priorParameterBits } from "../../codes/codelength";
import { generateParitySplit, loadParitySplit, paritySplits } from "../../tasks/parity-data";
import { opSeed, rngStream } from "../../core/rng";
import type { RunContext } from "../../lab/experiment";
import type { ParityConfig } from "./config";
import { EvalSets, Scored, WeightsFor, acc, accuracyByLength, mean, modelConfig, sampler, score } from "./evaluate";
import { compileManual, manualPriorInit } from "./manual-row";
import { ParityBatch, parityProblem, parityProblemSource } from "./problem";
import type { LengthAccuracy, ParityRow, TrainedRowRecord } from "./types";

/** Peak resident memory seen so far in this process (MB), sampled by trainRow. */
let peakRss = 0;
const sampleRss = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss / 2 ** 20));

/** What a row trains: point weights (MLE) or a posterior with its adaptive prior, and how to score at the means. */
interface RowModel {
  cfg: TransformerConfig;
  model: TrainModel;
  point: PointWeights | null;
  posterior: Posterior | null;
  prior: AdaptivePrior | null;
  dispose(): void;
}

/** The row's model at its initial weights: He-normal (random) or compiled (manual). */
function rowModel(init: "random" | "manual", objective: "mle" | "variational", config: ParityConfig, seed: number): RowModel {
  const compiled = init === "manual" ? compileManual(config) : null;
  const cfg = compiled ? compiled.config : modelConfig(config);
  const specs: ParamSpec[] = transformerParamSpecs(cfg);
  const means: Record<string, ArrayLike<number>> = compiled ? compiled.values : randomInit(cfg, config.train.qkInit, rngStream(seed, "parity/init"));
  const nothing = { point: null, posterior: null, prior: null };
  if (objective === "mle") {
    const point = new PointWeights(specs, means);
    return { ...nothing, cfg, model: { kind: "mle", point }, point, dispose: () => point.dispose() };
  }
  const K = config.posterior.components;
  const posterior = new Posterior(specs, { means, nu: config.posterior.nu, components: cfg.promptTokens > 0 && K > 1 ? { "embed/prompt": K } : {}, temperature: config.posterior.temperature });
  const grouping = config.prior.grouping;
  const p = compiled
    ? manualPriorInit(specs, means, grouping, config.posterior.nu)
    : adaptivePriorOptions(config.prior, rngStream(seed, "parity/prior"));
  const prior = new AdaptivePrior(specs, means, { grouping, ...p });
  return { ...nothing, cfg, model: { kind: "variational", posterior, prior }, posterior, prior, dispose: () => (posterior.dispose(), prior.dispose()) };
}

/** Runs `f` with a getter of the posterior means / point weights (disposed after). */
function withMeans<T>(m: RowModel, f: (get: WeightsFor) => T): T {
  if (m.point) return f(() => ({ w: m.point!.weights(), owned: false }));
  const w: Weights = m.posterior!.means();
  try {
    return f(() => ({ w, owned: false }));
  } finally {
    tf.dispose(Object.values(w));
  }
}

/** Adam (optimizer.*) with C.1's schedule (train.*) for `steps` steps. */
function trainOptions(config: ParityConfig, objective: "mle" | "variational", steps: number): TrainOptions {
  const t = config.train;
  return trainerOptions(t, config.optimizer, {
    objective,
    klCoef: t.klCoef,
    steps: Math.max(1, steps),
    ...(t.microBatch > 0 && t.microBatch < t.batchSize ? { microBatchSize: t.microBatch } : {}),
  }, config.prior);
}

/** The Trainer of row `key`: its problem, schedule, evaluation hook, checkpoint and workers. */
function makeTrainer(key: string, m: RowModel, config: ParityConfig, ctx: RunContext, sets: EvalSets): Trainer<ParityBatch> {
  const [init, objective] = key.split("/") as ["random" | "manual", "mle" | "variational"];
  const L = config.model.layers;
  const t = config.train;
  const [trainSpec] = paritySplits(ctx.seed, { trainSize: config.data.trainSize, trainMaxLen: config.data.trainMaxLen });
  const trainSet = (config.data.cache ? loadParitySplit(trainSpec) : generateParitySplit(trainSpec)).map((x) => Array.from(x));
  const curveTrain = sets.train.slice(0, Math.min(t.evalExamples, sets.train.length));
  const curveOod = sets.ood.slice(0, Math.min(t.evalExamples, sets.ood.length));
  const evaluate = () => {
    sampleRss();
    const tensors = tf.memory().numTensors;
    return withMeans(m, (get) => ({ trainAcc: acc(score(m.cfg, L, curveTrain, config.eval.batchSize, get)), oodAcc: acc(score(m.cfg, L, curveOod, config.eval.batchSize, get)), tensors }));
  };
  // the identity keeps its pre-rename shape, so checkpoints written before the config renames still resume
  const posteriorId = { nu: config.posterior.nu, promptComponents: config.posterior.components, temperature: config.posterior.temperature };
  const identity = { experiment: "parity", key, model: m.cfg, layers: L, data: config.data, initNu: config.prior.nu, posterior: posteriorId, grouping: config.prior.grouping, ...(t.decaySteps > 0 ? { decaySteps: t.decaySteps } : {}) };
  const trainer = new Trainer<ParityBatch>({
    problem: parityProblem(m.cfg, L, trainSet),
    model: m.model,
    options: trainOptions(config, objective, init === "manual" ? t.manualSteps : t.steps),
    seed: opSeed(ctx.seed, `parity/${key}`),
    progress: ctx.progress,
    label: `parity ${key}: train`,
    evaluate: t.evalEvery > 0 ? evaluate : undefined,
    checkpoint: ctx.checkpointDir ? { path: path.join(ctx.checkpointDir, `${key.replace("/", "-")}.json`), every: t.checkpointEvery, resume: ctx.resume ?? false } : undefined,
    identity,
    workers: t.workers > 0 ? { count: t.workers, source: parityProblemSource(m.cfg, L) } : undefined,
  });
  return trainer;
}

/** Table 1's numbers after training (posterior samples / point weights), the scores at the means, accuracy by length. */
function finalScores(key: string, m: RowModel, config: ParityConfig, ctx: RunContext, sets: EvalSets) {
  const { cfg, posterior, point } = m;
  const L = config.model.layers;
  const B = config.eval.batchSize;
  const progress = ctx.progress;
  const stage = <T>(label: string, total: number, f: () => T): T => {
    progress.start(`parity ${key}: ${label}`, total);
    const r = f();
    progress.stop();
    return r;
  };
  const evalSeed = (tag: string) => opSeed(ctx.seed, `parity/${key}/${tag}`);
  const reported = (tag: string): WeightsFor => (posterior ? sampler(posterior, evalSeed(tag)) : () => ({ w: point!.weights(), owned: false }));
  const trainS = stage("train accuracy", sets.train.length, () => score(cfg, L, sets.train, B, reported("train"), progress));
  const oodS = stage("OOD accuracy", sets.ood.length, () => score(cfg, L, sets.ood, B, reported("ood"), progress));
  const flat = sets.byLength.flat();
  const [lenS, trainM, oodM, lenM] = stage("accuracy by length", flat.length * (posterior ? 2 : 1), (): [Scored | null, Scored, Scored, Scored] => {
    const s = posterior ? score(cfg, L, flat, B, reported("length")) : null;
    return [s, ...withMeans(m, (get) => [score(cfg, L, sets.train, B, get), score(cfg, L, sets.ood, B, get), score(cfg, L, flat, B, get)] as [Scored, Scored, Scored])];
  });
  const kl = posterior && m.prior ? klByGroup(posterior, m.prior, { samples: Math.max(1, config.prior.klSamples), seed: evalSeed("kl") }) : null;
  return { trainS, oodS, trainM, oodM, byLength: accuracyByLength(sets.byLength, config.eval.perLength, lenM, lenS), kl };
}

/** The training record of a row (curves thinned to ≤ 500 points, memory, priors). */
function trainedRecord(result: TrainResult, s: ReturnType<typeof finalScores>, priors: { atInit: TrainedRowRecord["prior"]; final: TrainedRowRecord["prior"] }, tensorsBefore: number, trainSize: number): TrainedRowRecord {
  const every = Math.max(1, Math.floor(result.curve.length / 500));
  const curve = result.curve.filter((p, i) => i % every === 0 || i === result.curve.length - 1);
  const history = result.history.map((h) => ({ step: h.step as number, trainAcc: h.trainAcc as number, oodAcc: h.oodAcc as number, tensors: h.tensors as number }));
  return {
    steps: result.steps,
    resumedFrom: result.resumedFrom,
    meanWeights: { trainAcc: acc(s.trainM), oodAcc: acc(s.oodM), trainNllBits: mean(s.trainM.nllBits) * trainSize },
    curve,
    history,
    priorAtInit: priors.atInit,
    prior: priors.final,
    klByGroup: s.kl ? s.kl.groups : null,
    memory: {
      tensorsBefore,
      tensorsAfter: tf.memory().numTensors,
      tensorsDuringTraining: history.length >= 3 ? [history[1].tensors, history[history.length - 1].tensors] : null,
    },
  };
}

/** Trains one row of Table 1 (module doc) and evaluates it. */
export async function trainRow(key: string, config: ParityConfig, ctx: RunContext, sets: EvalSets): Promise<{ row: ParityRow; byLength: LengthAccuracy[]; record: TrainedRowRecord }> {
  const [init, objective] = key.split("/") as ["random" | "manual", "mle" | "variational"];
  const tensorsBefore = tf.memory().numTensors;
  const m = rowModel(init, objective, config, ctx.seed);
  const priorSummary = () => {
    if (!m.prior) return null;
    const groups = m.prior.groups();
    return m.prior.gmms().map((g, i) => summarizePrior(groups[i].name, g));
  };
  const atInit = priorSummary();
  const trainer = makeTrainer(key, m, config, ctx, sets);
  if (config.train.microBatch < 0) {
    const fit = await trainer.fitMicroBatch();
    ctx.progress.log(
      `parity ${key}: micro-batches of ${fit.microBatchSize} (${(fit.perExampleBytes / 2 ** 20).toFixed(1)} MiB per example kept for the backward pass; budget ${fit.budget.source})`,
    );
    ctx.timings[`${key}.microBatch`] = fit.microBatchSize;
  }
  const t0 = Date.now();
  const result = await trainer.run();
  const seconds = (Date.now() - t0) / 1000;
  sampleRss();
  const s = finalScores(key, m, config, ctx, sets);
  const final = priorSummary();
  // L_Ψ: every prior group has the adaptive prior's K components
  const priorBits = m.prior ? priorParameterBits({ groups: m.prior.groups().length, components: m.prior.components, fixedPerGroup: m.prior.zeroComponent === undefined ? 0 : 2 }) : 0;
  trainer.dispose();
  m.dispose();
  const record = trainedRecord(result, s, { atInit, final }, tensorsBefore, config.data.trainSize);
  const trainedSteps = result.steps - result.resumedFrom;
  ctx.timings[`${key}.seconds`] = seconds;
  ctx.timings[`${key}.secondsPerStep`] = trainedSteps > 0 ? seconds / trainedSteps : 0;
  ctx.timings[`${key}.peakRssMb`] = Math.round(peakRss);
  const trainNllBits = mean(s.trainS.nllBits) * config.data.trainSize;
  const klBits = s.kl ? s.kl.total : null;
  const row: ParityRow = {
    key,
    init,
    objective,
    klBits,
    trainNllBits,
    codelengthBits: klBits === null ? null : klBits + trainNllBits,
    trainAcc: acc(s.trainS),
    oodAcc: acc(s.oodS),
    steps: result.steps,
    codelength: klBits === null ? null : codelength(klBits, trainNllBits, priorBits),
  };
  return { row, byLength: s.byLength, record };
}
