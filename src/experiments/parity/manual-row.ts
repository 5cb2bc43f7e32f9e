/**
 * The "manual" row of Table 1: the right-to-left sequential parity program of C.1
 * compiled by `src/alta/` and zero-padded to the model; its compiled scalars become
 * the means of a Gaussian posterior with ν = posterior.nu (C.1: −10), each prior
 * group's GMM is set optimally (B.9.3: a component at every distinct weight value
 * with mixing coefficient = its frequency, and the posterior's own variance), and
 * KL[β ‖ α] is computed exactly per weight by quadrature (plus N·H(p), the
 * delta-posterior limit, and a Monte-Carlo cross-check through `variational/`).
 * The data NLL is the expectation under posterior samples. Besides the row: the
 * smallest attention and parameter scales at which the compiled model stays
 * exact, the KL under each prior grouping, the compiled weights and one input's
 * attention and residual stream.
 */
import * as tf from "@tensorflow/tfjs";
import { CompiledProgram, compile, optionsForModel, parityProgram, traceInput, weightBlocks } from "../../alta";
import { transformerParamSpecs, weightsFromValues } from "../../nn/transformer";
import type { ParamSpec, Weights } from "../../nn/param-tree";
import { AdaptivePrior, Posterior, PRIOR_GROUPINGS, PriorGrouping, PriorOptions, klByGroup, summarizePrior, weightGroups } from "../../variational";
import { gmm } from "../../codes/gmm";
import { OptimalPriorKl, optimalPrior, optimalPriorKl } from "../../codes/optimal-prior";
import { codelength, priorParameterBits } from "../../codes/codelength";
import { opSeed } from "../../core/rng";
import type { RunContext } from "../../lab/experiment";
import type { ParityConfig } from "./config";
import { EvalSets, Scored, WeightsFor, acc, accuracyByLength, mean, modelConfig, sampler, score } from "./evaluate";
import type { LengthAccuracy, ManualRecord, ParityRow, ParityTrace, ScaleSweeps, SweepPoint } from "./types";

/** Compiles the C.1 parity program into the configured model (DyT α = manual.saturation / s). */
export function compileManual(c: ParityConfig, scales: { attentionScale?: number; paramScale?: number } = {}): CompiledProgram {
  const ps = scales.paramScale ?? c.manual.paramScale;
  const m = modelConfig(c, c.manual.saturation / ps);
  return compile(
    parityProgram(),
    optionsForModel(m, { attentionScale: scales.attentionScale ?? c.manual.attentionScale, paramScale: ps, headSaturation: c.manual.headSaturation, centerHeads: c.manual.centerHeads }),
  );
}

/**
 * An adaptive prior's init from each group's optimal prior (B.9.3 at the posterior's ν), padded to
 * the largest group's component count with components of negligible weight (an AdaptivePrior has
 * one K for every group).
 */
export function optimalPriorInit(res: readonly OptimalPriorKl[], nu: number): { components: number; init: PriorOptions["init"] } {
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

/** The compiled solution's scores: train/OOD at the compiled weights and under posterior samples, and by length. */
interface ManualScores {
  trainMean: Scored;
  oodMean: Scored;
  trainPost: Scored;
  oodPost: Scored;
  byLength: LengthAccuracy[];
  /** Seconds of the first scoring pass (forward throughput). */
  seconds: number;
}

function scoreManual(c: CompiledProgram, meanW: Weights, post: Posterior, config: ParityConfig, ctx: RunContext, sets: EvalSets): ManualScores {
  const cfg = c.config;
  const L = config.model.layers;
  const B = config.eval.batchSize;
  const fixed: WeightsFor = () => ({ w: meanW, owned: false });
  const samples = (tag: string) => sampler(post, opSeed(ctx.seed, `parity/${tag}-samples`));
  const { progress } = ctx;
  const stage = <T>(label: string, n: number, f: () => T): T => {
    progress.start(`parity manual: ${label}`, n);
    const r = f();
    progress.stop();
    return r;
  };
  const t0 = Date.now();
  const trainMean = stage("train (compiled weights)", sets.train.length, () => score(cfg, L, sets.train, B, fixed, progress));
  const seconds = (Date.now() - t0) / 1000;
  const oodMean = stage("OOD (compiled weights)", sets.ood.length, () => score(cfg, L, sets.ood, B, fixed, progress));
  const trainPost = stage(`train (posterior samples, ν = ${config.posterior.nu})`, sets.train.length, () => score(cfg, L, sets.train, B, samples("train"), progress));
  const oodPost = stage("OOD (posterior samples)", sets.ood.length, () => score(cfg, L, sets.ood, B, samples("ood"), progress));
  const flat = sets.byLength.flat();
  const [lenMean, lenPost] = stage("accuracy by length", flat.length * 2, () => {
    const m = score(cfg, L, flat, B, fixed);
    progress.update(flat.length);
    return [m, score(cfg, L, flat, B, samples("length"))];
  });
  return { trainMean, oodMean, trainPost, oodPost, byLength: accuracyByLength(sets.byLength, config.eval.perLength, lenMean, lenPost), seconds };
}

/** The exact KL under each grouping's optimal priors, and the Monte-Carlo cross-check of the configured grouping. */
function manualKl(config: ParityConfig, ctx: RunContext, specs: ParamSpec[], values: Record<string, Float32Array>, post: Posterior) {
  const nu = config.posterior.nu;
  const klByGrouping = PRIOR_GROUPINGS.map((g) => {
    const res = optimalPriorKl(weightGroups(specs, values, g), nu);
    return { grouping: g, groups: res.length, klBits: res.reduce((a, r) => a + r.klBits, 0), entropyBits: res.reduce((a, r) => a + r.entropyBits, 0), res };
  });
  const chosen = klByGrouping.find((k) => k.grouping === config.prior.grouping)!;
  let monteCarloBits: number | null = null;
  if (config.prior.klSamples > 0) {
    const prior = new AdaptivePrior(specs, values, { grouping: config.prior.grouping, ...optimalPriorInit(chosen.res, nu) });
    monteCarloBits = klByGroup(post, prior, { samples: config.prior.klSamples, seed: opSeed(ctx.seed, "parity/kl") }).total;
    prior.dispose();
  }
  return { klByGrouping, chosen, monteCarloBits };
}

/** Smallest scale from which every larger scale tried is exact. */
function minimalExact(pts: SweepPoint[], key: "accuracy" | "sampledAccuracy"): number | null {
  const sorted = [...pts].sort((a, b) => a.scale - b.scale);
  let best: number | null = null;
  for (let i = sorted.length - 1; i >= 0 && sorted[i][key] === 1; i--) best = sorted[i].scale;
  return best;
}

/** Accuracy of the compiled model (means and one posterior sample) against the attention scale A and the parameter scale s. */
function scaleSweeps(config: ParityConfig, ctx: RunContext, specs: ParamSpec[], rng: () => number): ScaleSweeps {
  const L = config.model.layers;
  const inputs = config.sweep.lengths.flatMap((n) => Array.from({ length: config.sweep.perLength }, () => Array.from({ length: n }, () => (rng() < 0.5 ? 1 : 0))));
  const point = (scales: { attentionScale?: number; paramScale?: number }, scale: number, tag: string): SweepPoint => {
    const c = compileManual(config, scales);
    const w = weightsFromValues(c.config, c.values);
    const s = score(c.config, L, inputs, config.eval.batchSize, () => ({ w, owned: false }));
    tf.dispose(Object.values(w));
    const p = new Posterior(specs, { means: c.values, nu: config.posterior.nu });
    const ps = score(c.config, L, inputs, config.eval.batchSize, sampler(p, opSeed(ctx.seed, `parity/sweep/${tag}/${scale}`)));
    p.dispose();
    return { scale, accuracy: acc(s), sampledAccuracy: acc(ps), minMargin: Math.min(...s.margin) };
  };
  const { attentionScales, paramScales } = config.sweep;
  ctx.progress.start("parity manual: scale sweeps", attentionScales.length + paramScales.length);
  const attention = attentionScales.map((a, i) => {
    const r = point({ attentionScale: a }, a, "attention");
    ctx.progress.update(i + 1);
    return r;
  });
  const param = paramScales.map((s, i) => {
    const r = point({ paramScale: s }, s, "param");
    ctx.progress.update(attentionScales.length + i + 1);
    return r;
  });
  ctx.progress.stop();
  return {
    attention,
    param,
    minimalAttentionScale: minimalExact(attention, "accuracy"),
    minimalAttentionScaleSampled: minimalExact(attention, "sampledAccuracy"),
    minimalParamScale: minimalExact(param, "accuracy"),
    minimalParamScaleSampled: minimalExact(param, "sampledAccuracy"),
  };
}

/** The figure input's attention and `done` / `parity` residual dims, layer by layer. */
function parityTrace(c: CompiledProgram, w: Weights, config: ParityConfig): ParityTrace {
  const t = traceInput(c, c.config, w, config.figureInput, config.model.layers, ["done", "parity"]);
  return { input: t.input, tokens: t.tokens, attention: t.attention, done: t.readouts.done, parity: t.readouts.parity };
}

export interface ManualRow {
  row: ParityRow;
  byLength: LengthAccuracy[];
  manual: ManualRecord;
  forwardExamplesPerSecond: number;
}

/** The "manual" row: the compiled solution as a posterior (ν = posterior.nu) under its optimal prior, plus its analyses. */
export async function runManual(config: ParityConfig, ctx: RunContext, sets: EvalSets): Promise<ManualRow> {
  const compiled = compileManual(config);
  const specs = transformerParamSpecs(compiled.config);
  const values = compiled.values;
  const meanW = weightsFromValues(compiled.config, values);
  const post = new Posterior(specs, { means: values, nu: config.posterior.nu });
  const s = scoreManual(compiled, meanW, post, config, ctx, sets);
  const kl = manualKl(config, ctx, specs, values, post);
  const hist = optimalPrior(specs.flatMap((sp) => Array.from(values[sp.name]))).histogram;
  const sweeps = scaleSweeps(config, ctx, specs, sets.rng);
  const trace = parityTrace(compiled, meanW, config);
  const weights = weightBlocks(compiled);
  tf.dispose(Object.values(meanW));
  post.dispose();

  const trainNllBits = mean(s.trainPost.nllBits) * config.data.trainSize;
  const klBits = kl.chosen.klBits;
  // L_Ψ of the optimal prior: group g has M_g components (one per distinct value)
  const priorBits = kl.chosen.res.reduce((a, r) => a + priorParameterBits({ groups: 1, components: r.prior.mu.length }), 0);
  const row: ParityRow = {
    key: "manual",
    init: "manual",
    objective: "variational",
    klBits,
    trainNllBits,
    codelengthBits: klBits + trainNllBits,
    trainAcc: acc(s.trainPost),
    oodAcc: acc(s.oodPost),
    steps: 0,
    codelength: codelength(klBits, trainNllBits, priorBits),
  };
  const manual: ManualRecord = {
    priors: kl.chosen.res.map((r) => summarizePrior(r.group, r.prior)),
    minimal: compiled.minimal,
    rules: compiled.rules.map((r) => `${r.atoms.map((a) => `${a.variable}=${a.value}`).join(" ∧ ")} → ${r.target}: ${r.from} ↦ ${r.to ?? "null"}`),
    meanWeights: { trainAcc: acc(s.trainMean), oodAcc: acc(s.oodMean), trainNllBits: mean(s.trainMean.nllBits) * config.data.trainSize },
    histogram: { values: hist.values, counts: hist.counts },
    nonzeroWeights: hist.values.reduce((a, v, i) => a + (v !== 0 ? hist.counts[i] : 0), 0),
    totalWeights: hist.n,
    kl: { grouping: config.prior.grouping, groups: kl.chosen.res.map(({ group, size, distinct, klBits: k, entropyBits: e }) => ({ group, size, distinct, klBits: k, entropyBits: e })), monteCarloBits: kl.monteCarloBits },
    klByGrouping: kl.klByGrouping.map(({ grouping: g, groups, klBits: k, entropyBits: e }) => ({ grouping: g, groups, klBits: k, entropyBits: e })),
    sweeps,
    weights,
    trace,
  };
  return { row, byLength: s.byLength, manual, forwardExamplesPerSecond: sets.train.length / s.seconds };
}

/** The initial prior of the "manual/variational" row: each group's optimal prior (B.9.3 at the posterior's ν), padded (`optimalPriorInit`). */
export function manualPriorInit(specs: ParamSpec[], values: Record<string, ArrayLike<number>>, grouping: PriorGrouping, nu: number): { components: number; init: PriorOptions["init"] } {
  return optimalPriorInit(optimalPriorKl(weightGroups(specs, values, grouping), nu), nu);
}
