/**
 * Checkpoints of the parity Transformer (C.1) at the parity experiment's cpu preset
 * (parity.preset: its model, data and training settings, its learning-rate schedule;
 * the first parity.steps steps): MLE and
 * variational training from one He-normal draw, the compiled ALTA solution itself
 * ("manual", KL under its optimal prior, B.9.3) and variational training from it. The
 * variational runs use Gaussian posteriors on every weight (C.1 gives the prompt
 * embeddings 2-component GMM posteriors; a GMM posterior has no single point w* at
 * which to localise SGLD). The runs use the parity experiment's RNG streams (initial
 * weights, prior, minibatches), so the MLE run's first parity.steps steps are that
 * experiment's. Each checkpoint is measured (measure.ts) on L_n = the mean
 * NLL (nats) over the first parity.examples examples of the training split; SGLD draws
 * minibatches of sgld.batchSize from them.
 */
import * as tf from "@tensorflow/tfjs";
import type { RunContext } from "../../lab/experiment";
import { resolveSchema } from "../../lab/schema";
import { trainerOptions } from "../../lab/vocabulary";
import { opSeed, rngStream } from "../../core/rng";
import { ParamSpec, PointWeights, Weights } from "../../nn/param-tree";
import { TransformerConfig, makeBatch, randomInit, transformerParamSpecs, weightsFromValues } from "../../nn/transformer";
import { generateParitySplit, parity, paritySplits } from "../../tasks/parity-data";
import { AdaptivePrior, Posterior, klByGroup, sampledPriorInit } from "../../variational";
import { Trainer, TrainModel } from "../../train/trainer";
import { flatten, treeTarget } from "../../slt";
import { presets as parityPresets, schema as paritySchema } from "../parity/config";
import type { ParityConfig } from "../parity/config";
import { acc, modelConfig, score } from "../parity/evaluate";
import { compileManual, manualPriorInit } from "../parity/manual-row";
import { ParityBatch, parityProblem } from "../parity/problem";
import type { LlcConfig } from "./config";
import { measure, sgldOptions } from "./measure";
import type { CheckpointRecord } from "./types";

const BATCH = 64;

/** The LLC target: L_n over `xs` (nats per example), minibatches drawn from them. */
function parityTarget(cfg: TransformerConfig, layers: number, specs: ParamSpec[], xs: number[][]) {
  const problem = parityProblem(cfg, layers, xs);
  const batchOf = (ys: number[][]): ParityBatch => ({ tokens: makeBatch(cfg, ys), labels: Int32Array.from(ys, (x) => parity(x)) });
  const chunks: { batch: ParityBatch; count: number }[] = [];
  for (let i = 0; i < xs.length; i += BATCH) chunks.push({ batch: batchOf(xs.slice(i, i + BATCH)), count: Math.min(BATCH, xs.length - i) });
  return treeTarget(
    specs,
    { n: xs.length, sample: (rng, size) => batchOf(Array.from({ length: size }, () => xs[Math.floor(rng() * xs.length)])), all: () => chunks },
    (w, b) => tf.mul(problem.nllBits(w, b), Math.LN2) as tf.Scalar,
  );
}

interface Snapshot {
  step: number;
  w: Float64Array;
  accuracy: number;
  klBits: number | null;
}

/** The runs' shared state. */
interface ParityState {
  c: LlcConfig;
  ctx: RunContext;
  pc: ParityConfig;
  train: number[][];
  xs: number[][];
}

/** Accuracy at the flat weights w (over the LLC examples). */
function accuracyAt(st: ParityState, cfg: TransformerConfig, values: Record<string, ArrayLike<number>>): number {
  const w: Weights = weightsFromValues(cfg, values);
  const a = acc(score(cfg, st.pc.model.layers, st.xs, BATCH, () => ({ w, owned: false })));
  tf.dispose(Object.values(w));
  return a;
}

/** Trains one run for `steps` steps, snapshotting w* every `every` steps (and at the start and the end). */
async function trainRun(st: ParityState, key: string, cfg: TransformerConfig, specs: ParamSpec[], model: TrainModel, steps: number, every: number): Promise<Snapshot[]> {
  const { c, ctx, pc } = st;
  const snaps: Snapshot[] = [];
  const snapshot = (_t: unknown, step: number) => {
    if (model.kind === "mle") {
      const v = model.point.values();
      snaps.push({ step, w: flatten(specs, v), accuracy: accuracyAt(st, cfg, v), klBits: null });
    } else {
      const means = model.posterior.means();
      const v = Object.fromEntries(specs.map((s) => [s.name, Float32Array.from(means[s.name].dataSync())]));
      tf.dispose(Object.values(means));
      const kl = klByGroup(model.posterior, model.prior, { samples: c.klSamples, seed: opSeed(ctx.seed, `llc/parity/${key}/${step}/kl`) }).total;
      snaps.push({ step, w: flatten(specs, v), accuracy: accuracyAt(st, cfg, v), klBits: kl });
    }
    return {};
  };
  const t = pc.train;
  const trainer = new Trainer<ParityBatch>({
    problem: parityProblem(cfg, pc.model.layers, st.train),
    model,
    // the parity run's schedule (decay over its train.steps), stopped after `steps`
    options: trainerOptions({ ...t, decaySteps: t.decaySteps > 0 ? t.decaySteps : Math.max(1, t.steps - 1 - t.warmupSteps) }, pc.optimizer, {
      objective: model.kind,
      klCoef: t.klCoef,
      steps,
      evalEvery: every,
      ...(t.microBatch > 0 && t.microBatch < t.batchSize ? { microBatchSize: t.microBatch } : {}),
    }),
    seed: opSeed(ctx.seed, `parity/${key}`),
    progress: ctx.progress,
    label: `llc: parity ${key} (train)`,
    evaluate: snapshot,
  });
  const t0 = Date.now();
  await trainer.run();
  ctx.timings[`parity/${key}.trainSeconds`] = (Date.now() - t0) / 1000;
  trainer.dispose();
  return snaps;
}

/** Every parity checkpoint, measured. */
export async function parityCheckpoints(c: LlcConfig, ctx: RunContext): Promise<CheckpointRecord[]> {
  const pc = resolveSchema(paritySchema, [parityPresets[c.parity.preset]]) as ParityConfig;
  const [trainSpec] = paritySplits(ctx.seed, { trainSize: pc.data.trainSize, trainMaxLen: pc.data.trainMaxLen });
  const train = generateParitySplit(trainSpec).map((x) => Array.from(x));
  const st: ParityState = { c, ctx, pc, train, xs: train.slice(0, Math.min(c.parity.examples, train.length)) };
  const randomCfg = modelConfig(pc);
  const randomSpecs = transformerParamSpecs(randomCfg);
  // the parity experiment's streams: its He-normal draw, prior init and minibatches, so the MLE run is its run
  const init = randomInit(randomCfg, pc.train.qkInit, rngStream(ctx.seed, "parity/init"));
  const compiled = compileManual(pc);
  const manualSpecs = transformerParamSpecs(compiled.config);
  const every = Math.max(1, Math.ceil(c.parity.steps / c.parity.checkpoints));
  const nu = pc.posterior.nu;
  const random = { init: "random" as const, cfg: randomCfg, specs: randomSpecs, steps: c.parity.steps, every };
  const runs: { key: string; init: "random" | "manual"; cfg: TransformerConfig; specs: ParamSpec[]; steps: number; every: number; make: () => { model: TrainModel; dispose: () => void } }[] = [
    {
      key: "random/mle",
      ...random,
      make: () => {
        const point = new PointWeights(randomSpecs, init);
        return { model: { kind: "mle", point }, dispose: () => point.dispose() };
      },
    },
    {
      key: "random/variational",
      ...random,
      make: () => {
        const posterior = new Posterior(randomSpecs, { means: init, nu });
        const K = pc.prior.components;
        const prior = new AdaptivePrior(randomSpecs, init, { grouping: pc.prior.grouping, components: K, init: sampledPriorInit(rngStream(ctx.seed, "parity/prior"), K, pc.prior.nu) });
        return { model: { kind: "variational", posterior, prior }, dispose: () => (posterior.dispose(), prior.dispose()) };
      },
    },
    {
      key: "manual/variational",
      init: "manual",
      cfg: compiled.config,
      specs: manualSpecs,
      steps: c.parity.manualSteps,
      every: c.parity.manualSteps,
      make: () => {
        const posterior = new Posterior(manualSpecs, { means: compiled.values, nu });
        const p = manualPriorInit(manualSpecs, compiled.values, pc.prior.grouping, nu);
        const prior = new AdaptivePrior(manualSpecs, compiled.values, { grouping: pc.prior.grouping, components: p.components, init: p.init });
        return { model: { kind: "variational", posterior, prior }, dispose: () => (posterior.dispose(), prior.dispose()) };
      },
    },
  ];
  const out: CheckpointRecord[] = [];
  for (const r of runs) {
    const m = r.make();
    const snaps = await trainRun(st, r.key, r.cfg, r.specs, m.model, r.steps, r.every);
    m.dispose();
    const target = parityTarget(r.cfg, pc.model.layers, r.specs, st.xs);
    for (const s of snaps) {
      if (s.step === 0 && r.init === "random") continue; // the initialisation is no critical point
      const isCompiled = s.step === 0;
      const label = `llc: parity ${isCompiled ? "compiled" : r.key} step ${s.step} (SGLD)`;
      const measured = measure(c, ctx, { name: `parity/${r.key}/${s.step}`, label }, target, r.specs, s.w, sgldOptions(c, c.sgld.batchSize));
      out.push({
        family: "parity",
        run: isCompiled ? "manual" : r.key,
        init: r.init,
        objective: isCompiled ? "compiled" : (r.key.split("/")[1] as "mle" | "variational"),
        step: s.step,
        accuracy: s.accuracy,
        klBits: s.klBits,
        ...measured,
      });
    }
  }
  return out;
}
