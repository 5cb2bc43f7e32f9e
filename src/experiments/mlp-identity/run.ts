/**
 * Training and evaluation for `mlp-identity` (C.2): a 4 → 16 → 4 MLP (eq. 104)
 * learns the identity on {0,1}⁴, by maximum likelihood and by the adaptive
 * variational objective (eq. 86) with a GMM prior per `prior.grouping` group
 * (C.2: one 3-component prior shared by all 148 weights) and a Gaussian
 * posterior per weight.
 * - Rows of Table 2: MLE from He-normal init; variational from random init at
 *   each `train.klCoef`; variational from the manual solution (λ) at `manual.klCoef`.
 * - Fig. 9: prior density and aggregated posterior (the equal-weight mixture of
 *   all per-weight posteriors) for the manual and a learned solution; and the
 *   learned prior's components over training steps (the collapse to one mode).
 * The figures and traces show the first prior group (the only one under "all").
 */
import { adaptivePriorOptions, trainerOptions } from "../../lab/vocabulary";
import * as tf from "@tensorflow/tfjs";
import type { RunContext } from "../../lab/experiment";
import { paperReference } from "../../lab/paper-reference";
import { Gmm, countModes, densityGrid, gaussian, gmm, gmmPdf, softplus } from "../../codes/gmm";
import { klQuadratureBits } from "../../codes/quadrature";
import { optimalPrior, weightHistogram } from "../../codes/optimal-prior";
import { codelength, priorParameterBits } from "../../codes/codelength";
import { opSeed, rngStream } from "../../core/rng";
import { Posterior, AdaptivePrior, PriorOptions, PriorGrouping, weightGroups } from "../../variational";
import { ParamSpec, PointWeights, Weights, WeightValues } from "../../nn/param-tree";
import { Trainer, TrainOptions, TrainProblem, TrainModel } from "../../train/trainer";
import { heNormalInit, manualIdentityWeights, mlpNllBits, mlpNllBitsPerExample, mlpLogits, mlpSpecs } from "../../nn/mlp";
import { identityAll, identityBatch, IdentityBatch } from "../../tasks/identity";
import { MlpIdentityConfig, klCoefList, learnedKlCoef } from "./config";
import type { DensityCurve, MlpIdentityMetrics, PriorTrace, Row } from "./types";

const SHAPE = (c: MlpIdentityConfig) => ({ inputs: 4, hidden: c.hidden, outputs: 4 });

const problem: TrainProblem<IdentityBatch> = {
  batch: (rng, size) => identityBatch(4, rng, size),
  nllBits: (w, b) => mlpNllBits(w, b.x, b.y),
};

/** Expected per-example NLL (bits) and accuracy over the 16 vectors for weights drawn by `draw(s)`. */
function evaluateOn(draw: (s: number) => { w: Weights; owned: boolean }, samples: number): { nllPerExample: number; accuracy: number } {
  const all = identityAll(4);
  let nll = 0;
  let correct = 0;
  for (let s = 0; s < samples; s++) {
    const { w, owned } = draw(s);
    const [n, c] = tf.tidy(() => {
      const perEx = mlpNllBitsPerExample(w, all.x, all.y);
      const right = tf.equal(tf.cast(tf.greater(mlpLogits(w, all.x), 0), "float32"), all.y);
      return [tf.mean(perEx).dataSync()[0], tf.mean(tf.cast(right, "float32")).dataSync()[0]];
    });
    nll += n;
    correct += c;
    if (owned) tf.dispose(w);
  }
  tf.dispose([all.x, all.y]);
  return { nllPerExample: nll / samples, accuracy: correct / samples };
}

/**
 * The prior group of weight i of parameter k (k in spec order), in the order
 * `AdaptivePrior.groups()` and `weightGroups` lay groups under one grouping.
 */
function groupIndexer(specs: readonly ParamSpec[], grouping: PriorGrouping): (k: number, i: number) => number {
  if (grouping === "all") return () => 0;
  const cols = specs.map((s) => (grouping === "column" && s.shape.length >= 2 ? s.shape[s.shape.length - 1] : 1));
  const bases = cols.map((_, k) => cols.slice(0, k).reduce((a, b) => a + b, 0));
  return (k, i) => bases[k] + (i % cols[k]);
}

/** Exact KL (bits) of every weight's Gaussian posterior against its group's prior, by quadrature. */
function exactKlBits(post: Posterior, priors: readonly Gmm[], groupOf: (k: number, i: number) => number): number {
  let total = 0;
  post.snapshot().forEach((s, k) => {
    for (let i = 0; i < s.mu.length; i++) total += klQuadratureBits(gaussian(s.mu[i][0], s.sigma2[i][0]), priors[groupOf(k, i)]);
  });
  return total;
}

/** Prior density and aggregated posterior (equal-weight mixture of the per-weight Gaussians) on a grid. */
function densityCurve(post: Posterior, prior: Gmm): DensityCurve {
  const ws = post.snapshot().flatMap((s) => s.mu.map((m, i) => ({ mu: m[0], sigma: Math.sqrt(s.sigma2[i][0]) })));
  const pc = prior.mu.map((mu, k) => ({ mu, sigma: Math.sqrt(softplus(prior.nu[k])) }));
  const lo = Math.min(-12, ...ws.map((w) => w.mu - 1));
  const hi = Math.max(22, ...ws.map((w) => w.mu + 1));
  const xs = densityGrid([...ws, ...pc], lo, hi, { points: 801, reach: 4, perSigma: 2, dedupe: (c) => `${c.mu.toPrecision(4)}/${c.sigma.toPrecision(2)}` });
  const agg = gmm(
    ws.map((w) => w.mu),
    ws.map((w) => Math.log(Math.expm1(w.sigma * w.sigma))),
  );
  const r = (y: number) => Number(y.toPrecision(5));
  return { x: xs.map(r), prior: xs.map((x) => r(gmmPdf(prior, x))), aggregatedPosterior: xs.map((x) => r(gmmPdf(agg, x))) };
}

/** The trainer's options from the config's train.* and optimizer.* keys. */
export function trainOptions(c: MlpIdentityConfig, objective: "mle" | "variational", klCoef: number): TrainOptions {
  return trainerOptions(c.train, c.optimizer, { objective, klCoef }, c.prior);
}

const thin = <T extends { step: number }>(xs: T[]) => xs.filter((p) => p.step % 5 === 0 || p.step === 1);

/** What the rows share while the experiment runs. */
interface RunState {
  config: MlpIdentityConfig;
  ctx: RunContext;
  specs: ParamSpec[];
  rows: Row[];
  priorTraces: Record<string, PriorTrace[]>;
  curves: MlpIdentityMetrics["curves"];
  stepSeconds: number;
  stepCount: number;
}

/** The MLE baseline from He-normal init. */
async function mleRow(st: RunState, init: WeightValues): Promise<void> {
  const { config, ctx } = st;
  const point = new PointWeights(st.specs, init);
  const t0 = Date.now();
  const trainer = new Trainer({
    problem,
    model: { kind: "mle", point },
    options: trainOptions(config, "mle", 1),
    seed: opSeed(ctx.seed, "mlp-identity/mle"),
    progress: ctx.progress,
    label: "mlp-identity: MLE",
  });
  const r = await trainer.run();
  const secs = (Date.now() - t0) / 1000;
  const e = evaluateOn(() => ({ w: point.weights(), owned: false }), 1);
  const D = config.trainSetSize;
  st.rows.push({
    objective: "mle",
    init: "random",
    klCoef: null,
    klBits: null,
    trainNllBits: D * e.nllPerExample,
    codelengthBits: null,
    accuracy: e.accuracy,
    nllBitsPerExample: e.nllPerExample,
    accuracyAtMean: e.accuracy,
    codelength: null,
  });
  ctx.timings["mle.trainSeconds"] = secs;
  st.curves["mle"] = thin(r.curve);
  trainer.dispose();
  point.dispose();
}

/** How a variational row's prior starts: its components per group, its initial GMMs (and zero component, hyper-prior), and its L_Ψ in bits. */
type PriorSetup = Omit<PriorOptions, "grouping"> & { priorBits: number };

/** Trains one variational row; pushes the row, its prior trace and curve; returns its Fig. 9 curve. */
async function variationalRow(st: RunState, initKind: "random" | "manual", klCoef: number, means: WeightValues, ps: PriorSetup): Promise<DensityCurve> {
  const { config, ctx, specs } = st;
  const key = `${initKind}/${klCoef}`;
  const posterior = new Posterior(specs, { means, nu: config.posterior.nu });
  const { priorBits: _bits, ...priorOptions } = ps;
  const prior = new AdaptivePrior(specs, means, { grouping: config.prior.grouping, ...priorOptions });
  const model: TrainModel = { kind: "variational", posterior, prior };
  const trace = (t: Trainer<IdentityBatch>, step: number) => {
    const s = prior.summary()[0];
    const last = t.curve[t.curve.length - 1];
    return { mu: s.mu, sigma2: s.sigma2, pi: s.pi, modes: countModes(prior.gmms()[0]), klBits: step === 0 ? null : last.klBits };
  };
  const t0 = Date.now();
  const trainer = new Trainer({
    problem,
    model,
    options: trainOptions(config, "variational", klCoef),
    seed: opSeed(ctx.seed, `mlp-identity/${key}`),
    progress: ctx.progress,
    label: `mlp-identity: variational ${initKind} klCoef=${klCoef}`,
    evaluate: trace,
  });
  const r = await trainer.run();
  const secs = (Date.now() - t0) / 1000;
  ctx.timings[`${key}.trainSeconds`] = secs;
  st.stepSeconds += secs;
  st.stepCount += r.steps;
  const gmms = prior.gmms();
  const klBits = exactKlBits(posterior, gmms, groupIndexer(specs, config.prior.grouping));
  const evalSeed = opSeed(ctx.seed, `mlp-identity/${key}/eval`);
  const e = evaluateOn((s) => ({ w: posterior.sample(evalSeed + s), owned: true }), config.eval.weightSamples);
  const m = evaluateOn(() => ({ w: posterior.means(), owned: true }), 1);
  const s = prior.summary()[0];
  const nllBits = config.trainSetSize * e.nllPerExample;
  st.rows.push({
    objective: "variational",
    init: initKind,
    klCoef,
    klBits,
    trainNllBits: nllBits,
    codelengthBits: klBits + nllBits,
    accuracy: e.accuracy,
    nllBitsPerExample: e.nllPerExample,
    accuracyAtMean: m.accuracy,
    prior: { mu: s.mu, sigma2: s.sigma2, pi: s.pi },
    codelength: codelength(klBits, nllBits, ps.priorBits),
  });
  st.priorTraces[key] = r.history as unknown as PriorTrace[];
  st.curves[key] = thin(r.curve);
  const curve = densityCurve(posterior, gmms[0]);
  trainer.dispose();
  posterior.dispose();
  prior.dispose();
  return curve;
}

/**
 * The manual solution's optimal prior (B.9.3), per prior group: a component at each
 * of the group's M distinct values with weight count/N, at the posterior's ν. Its
 * component count is what the weights need (the largest M over groups; a group with
 * fewer values gets zero-weight components), independent of prior.components.
 */
function manualPriorSetup(c: MlpIdentityConfig, specs: ParamSpec[], weights: WeightValues) {
  const groups = weightGroups(specs, weights, c.prior.grouping);
  const distinct = groups.map((g) => weightHistogram(g.weights).values.length);
  const components = Math.max(...distinct);
  const opts = groups.map((g) => optimalPrior(g.weights, { components }));
  const priors = opts.map((o) => gmm(o.prior.mu, o.prior.mu.map(() => c.posterior.nu), o.prior.w));
  const byName = new Map(groups.map((g, i) => [g.group, priors[i]]));
  const setup: PriorSetup = {
    components,
    init: (group) => byName.get(group.name)!,
    // L_Ψ counts the components each group's optimal prior has (M per group), not the zero-weight padding.
    priorBits: priorParameterBits({ groups: 1, components: distinct.reduce((a, b) => a + b, 0) }),
  };
  return { setup, priors, klBits: opts.reduce((a, o) => a + o.klBits, 0) };
}

/** The manual solution before training and its trained variational row. */
async function manualRows(st: RunState): Promise<{ manual: MlpIdentityMetrics["manual"]; curve: DensityCurve }> {
  const { config, ctx, specs } = st;
  const manualWeights = manualIdentityWeights(SHAPE(config), config.manual.lambda);
  const hist = weightHistogram(specs.flatMap((s) => Array.from(manualWeights[s.name])));
  const m = manualPriorSetup(config, specs, manualWeights);
  const post = new Posterior(specs, { means: manualWeights, nu: config.posterior.nu });
  const klBits = exactKlBits(post, m.priors, groupIndexer(specs, config.prior.grouping));
  const e = evaluateOn((s) => ({ w: post.sample(opSeed(ctx.seed, "mlp-identity/manual-init/eval") + s), owned: true }), config.eval.weightSamples);
  post.dispose();
  const D = config.trainSetSize;
  const atInit = { klBits, trainNllBits: D * e.nllPerExample, codelengthBits: klBits + D * e.nllPerExample, accuracy: e.accuracy, codelength: codelength(klBits, D * e.nllPerExample, m.setup.priorBits) };
  const curve = await variationalRow(st, "manual", config.manual.klCoef, manualWeights, m.setup);
  const manual = { optimalPriorKlBits: m.klBits, histogram: { values: hist.values, counts: hist.counts }, atInit, priorComponents: m.setup.components };
  return { manual, curve };
}

/** One sentence on the modality of each run's prior at the start and the end of training. */
function fig9Summary(traces: Record<string, PriorTrace[]>, c: MlpIdentityConfig): string {
  const parts = Object.entries(traces).map(([k, t]) => {
    const peak = Math.max(...t.map((p) => p.modes));
    return `${k}: ${t[0].modes} → ${t[t.length - 1].modes} modes (max ${peak})`;
  });
  return `Modes of the prior density at step 0 → step ${c.train.steps}: ${parts.join("; ")}.`;
}

/** Our rows beside the paper's Table 2 rows, and Fig. 9's claim beside our traces. */
function paperSection(rows: Row[], traces: Record<string, PriorTrace[]>, c: MlpIdentityConfig): MlpIdentityMetrics["paper"] {
  const ref = paperReference().table2MlpIdentity as { caption: string; rows: Record<string, unknown>[] };
  const comparison = ref.rows.map((p) => {
    const ours = rows.find((r) => r.objective === p.objective && r.init === p.init && r.klCoef === p.klCoef) ?? null;
    return { key: `${p.objective}/${p.init}/${p.klCoef ?? "-"}`, ours, paper: p };
  });
  return { caption: ref.caption, comparison, fig9: { claim: (paperReference().fig9MlpIdentity as { claim: string }).claim, ours: fig9Summary(traces, c) } };
}

export async function run(config: MlpIdentityConfig, ctx: RunContext): Promise<MlpIdentityMetrics> {
  const specs = mlpSpecs(SHAPE(config));
  const st: RunState = { config, ctx, specs, rows: [], priorTraces: {}, curves: {}, stepSeconds: 0, stepCount: 0 };
  const init: WeightValues = heNormalInit(specs, rngStream(ctx.seed, "mlp-identity/init"));
  await mleRow(st, init);
  const K = config.prior.components;
  const fixedPerGroup = config.prior.zeroComponent === null ? 0 : 2;
  const priorBits = priorParameterBits({ groups: weightGroups(specs, init, config.prior.grouping).length, components: K, fixedPerGroup });
  let learned: (DensityCurve & { klCoef: number }) | undefined;
  for (const klCoef of klCoefList(config)) {
    // Every random-init row starts from the same prior (a fresh stream per row), C.1's "sampled" init.
    const random: PriorSetup = { ...adaptivePriorOptions(config.prior, rngStream(ctx.seed, "mlp-identity/prior")), priorBits };
    const curve = await variationalRow(st, "random", klCoef, init, random);
    if (klCoef === learnedKlCoef(config)) learned = { ...curve, klCoef };
  }
  const { manual, curve } = await manualRows(st);
  ctx.timings.secondsPerStep = st.stepSeconds / Math.max(1, st.stepCount);
  return {
    rows: st.rows,
    manual,
    priorTraces: st.priorTraces,
    curves: st.curves,
    fig9: { manual: curve, learned: learned! },
    paper: paperSection(st.rows, st.priorTraces, config),
  };
}
