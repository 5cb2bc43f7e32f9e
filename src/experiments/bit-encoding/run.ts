/**
 * `bit-encoding`'s measurements (B.9.2):
 * - Frontiers: the closed form for the unimodal prior and the numerical one for any
 *   prior (codes/bit-code.ts), on a grid 0.5 ≤ P(correct) ≤ pMax.
 * - Optimised: the same trade-off found by gradient descent over (μ, ν) with the
 *   Monte-Carlo KL estimator of C.1 (codes/kl.ts), checked against the frontier.
 * - The multimodal cost as a function of the prior's component variance σ̂².
 */
import * as tf from "@tensorflow/tfjs";
import type { RunContext } from "../../lab/experiment";
import { Gmm, densityGrid, gaussian, gmmPdf, gmmToTensors, disposeGmm, inverseSoftplus, softplus } from "../../codes/gmm";
import { klMonteCarloTermsT } from "../../codes/kl";
import { klQuadratureBits } from "../../codes/quadrature";
import { FrontierPoint, bimodalPrior, frontierAtRatio, numericFrontier, pCorrect, pCorrectGrid, unconstrainedMinima, unimodalFrontierPoint } from "../../codes/bit-code";
import { normalQuantile } from "../../codes/normal";
import { opSeed } from "../../core/rng";
import { ScheduledAdam, learningRateAt } from "../../train/adam";
import { paperReference } from "../../lab/paper-reference";
import type { BitEncodingConfig } from "./config";
import type { BitEncodingMetrics, Figure7Panel, OptimizedPoint } from "./types";

/** The P(correct) values of `selected` (the README's and the notes' rows). */
const SELECTED = [0.6, 0.75, 0.9, 0.99, 0.999, 0.9999, 1 - 1e-6];
/** Where the unimodal frontier's slow growth is quoted. */
const FAR_P = 1 - 1e-12;

/** The gradient-descent settings of one constrained solve. */
export type BitOptimizeSettings = Pick<BitEncodingConfig, "train" | "optimizer" | "optimize">;

/** The ScheduledAdam and learning-rate schedule of `s` (train.decaySteps passed through to learningRateAt). */
function optimiserOf(s: BitOptimizeSettings) {
  const { train, optimizer } = s;
  const opt = new ScheduledAdam(train.lr, optimizer.beta1, optimizer.beta2, optimizer.eps);
  const schedule = { learningRate: train.lr, warmupSteps: train.warmupSteps, totalSteps: train.steps, finalLearningRate: train.finalLr, decaySteps: train.decaySteps };
  return { opt, schedule };
}

/** Mean and standard error of the final KL estimate (evalSamples terms). */
function meanAndStdErr(v: number[]): [number, number] {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1));
  return [mean, sd / Math.sqrt(v.length)];
}

/**
 * Minimises KL_MC[N(μ, σ²) ‖ prior] + penalty·max(0, t − μ/σ)² over (μ, ν) with Adam,
 * t = Φ⁻¹(target); returns the solution with its MC and quadrature KL.
 */
export function optimizeBitPosterior(
  prior: Gmm,
  target: number,
  s: BitOptimizeSettings,
  seed: number,
  onStep?: (step: number, lossBits: number) => void,
): Omit<OptimizedPoint, "frontierKlBits"> {
  const { steps } = s.train;
  const o = s.optimize;
  const t = normalQuantile(target);
  const p = gmmToTensors(prior);
  const sigma0 = 0.5;
  const [mu, nu] = tf.tidy(() => [tf.variable(tf.tensor2d([[t * sigma0]]), true), tf.variable(tf.tensor2d([[inverseSoftplus(sigma0 * sigma0)]]), true)]);
  const w = tf.zeros([1, 1]);
  const { opt, schedule } = optimiserOf(s);
  // Polyak–Ruppert averaging of (μ, ν) over the last quarter of the steps removes
  // the optimiser's jitter from the reported solution.
  const averageFrom = Math.floor(0.75 * steps);
  let [muSum, nuSum] = [0, 0];
  for (let step = 0; step < steps; step++) {
    opt.setLearningRate(learningRateAt(step, schedule));
    const loss = opt.minimize(() => {
      const kl = tf.mean(klMonteCarloTermsT({ mu, nu, w }, p, { samples: o.mcSamples, seed: opSeed(seed, `step${step}`) }));
      const violation = tf.relu(tf.sub(t, tf.div(mu, tf.sqrt(tf.softplus(nu)))));
      return tf.add(kl, tf.mul(o.penalty, tf.sum(tf.square(violation)))) as tf.Scalar;
    }, true);
    if (onStep && (step % 25 === 0 || step === steps - 1)) onStep(step + 1, loss!.dataSync()[0]);
    loss?.dispose();
    if (step >= averageFrom) {
      muSum += mu.dataSync()[0];
      nuSum += nu.dataSync()[0];
    }
  }
  const muV = muSum / (steps - averageFrom);
  const nuV = nuSum / (steps - averageFrom);
  tf.tidy(() => {
    mu.assign(tf.tensor2d([[muV]]));
    nu.assign(tf.tensor2d([[nuV]]));
  });
  const terms = klMonteCarloTermsT({ mu, nu, w }, p, { samples: o.evalSamples, seed: opSeed(seed, "eval") });
  const [klBits, klBitsStdErr] = meanAndStdErr(Array.from(terms.dataSync()));
  tf.dispose([terms, mu, nu, w]);
  opt.dispose();
  disposeGmm(p);
  const sigma2 = softplus(nuV);
  return { target, pCorrect: pCorrect(muV, sigma2), klBits, klBitsStdErr, klBitsExact: klQuadratureBits(gaussian(muV, sigma2), prior), mu: muV, sigma2 };
}

/** The p at which the unimodal frontier reaches `bits`: t² = 4^bits − 1. */
export function frontierCrossing(bits: number): number {
  return pCorrect(Math.sqrt(Math.pow(4, bits) - 1), 1);
}

/** One panel of Fig. 7: the prior and the posteriors N(±μ, σ²) of `point`, on a grid that resolves every component. */
export function figure7Panel(prior: Gmm, point: FrontierPoint): Figure7Panel {
  const sigma = Math.sqrt(point.sigma2);
  const centres = [...prior.mu.map((mu, k) => ({ mu, sigma: Math.sqrt(softplus(prior.nu[k])) })), { mu: point.mu, sigma }, { mu: -point.mu, sigma }];
  const x = densityGrid(centres, -3, 3, { points: 601, reach: 6, perSigma: 10 });
  const pdf = (g: Gmm) => x.map((v) => gmmPdf(g, v));
  return { point, x, prior: pdf(prior), b1: pdf(gaussian(point.mu, point.sigma2)), b0: pdf(gaussian(-point.mu, point.sigma2)) };
}

/** Fig. 7's data at P(correct) = p. */
export function figure7Data(unimodalPrior: Gmm, multimodalPrior: Gmm, p: number): BitEncodingMetrics["figure7"] {
  return { pCorrect: p, panels: [figure7Panel(unimodalPrior, unimodalFrontierPoint(p)), figure7Panel(multimodalPrior, numericFrontier(multimodalPrior, [p])[0])] };
}

/** The frontiers (closed form, numerical, and the σ̂² sweep). */
function frontiers(config: BitEncodingConfig, ctx: RunContext, unimodalPrior: Gmm, multimodalPrior: Gmm) {
  const ps = pCorrectGrid(config.frontierPoints, config.pMax);
  const sweep = config.multimodal.varianceSweep;
  ctx.progress.start("bit-encoding: frontiers", 2 + sweep.length);
  const unimodal = ps.map(unimodalFrontierPoint);
  const unimodalNumeric = numericFrontier(unimodalPrior, ps);
  ctx.progress.update(1);
  const multimodal = numericFrontier(multimodalPrior, ps);
  ctx.progress.update(2);
  const varianceSweep = sweep.map((v, i) => {
    const frontier = numericFrontier(bimodalPrior(v, config.multimodal.mean), ps);
    ctx.progress.update(3 + i, { variance: v });
    return { componentVariance: v, frontier };
  });
  ctx.progress.stop();
  const numericVsClosedFormMaxAbsBits = Math.max(...unimodalNumeric.map((x, i) => Math.abs(x.klBits - unimodal[i].klBits)));
  return { unimodal, multimodal, varianceSweep, numericVsClosedFormMaxAbsBits };
}

/** Gradient descent at every target under `prior`, each solution beside the frontier at its own ratio t = μ/σ. */
function optimizeAll(config: BitEncodingConfig, ctx: RunContext, name: string, prior: Gmm, frontierAt: (t: number) => number): OptimizedPoint[] {
  return config.optimize.targets.map((target) => {
    ctx.progress.start(`bit-encoding: ${name} p=${target}`, config.train.steps);
    const r = optimizeBitPosterior(prior, target, config, opSeed(ctx.seed, `${name}/${target}`), (step, loss) => ctx.progress.update(step, { lossBits: loss }));
    ctx.progress.stop();
    return { ...r, frontierKlBits: frontierAt(r.mu / Math.sqrt(r.sigma2)) };
  });
}

/** The claims as `run` first recorded them (results.paper). */
function paperRecord(config: BitEncodingConfig, top: BitEncodingMetrics["selected"][number], far: number): BitEncodingMetrics["paper"] {
  const ref = paperReference().bitEncoding;
  return [
    {
      claim: ref.multimodalClaim,
      ours: `multimodal prior (σ̂² = ${config.multimodal.componentVariance}): ${top.multimodalKlBits.toFixed(4)} bits at P(correct) = 1 − 1e−6`,
      agrees: Math.abs(top.multimodalKlBits - 1) < 0.01,
    },
    {
      claim: ref.unimodalClaim,
      ours:
        `unimodal prior: ${top.unimodalKlBits.toFixed(3)} bits at P(correct) = 1 − 1e−6; the exact frontier is ` +
        `½ log₂(1 + Φ⁻¹(p)²), which exceeds 1 bit from p ≈ ${frontierCrossing(1).toFixed(3)} but grows only like ` +
        `log₂ Φ⁻¹(p) (${far.toFixed(2)} bits at 1 − 1e−12): "≫ 1 bit" holds only in the limit`,
      agrees: top.unimodalKlBits > 2,
    },
  ];
}

export async function run(config: BitEncodingConfig, ctx: RunContext): Promise<BitEncodingMetrics> {
  const unimodalPrior = gaussian(0, 1);
  const multimodalPrior = bimodalPrior(config.multimodal.componentVariance, config.multimodal.mean);
  const f = frontiers(config, ctx, unimodalPrior, multimodalPrior);
  const unimodalOptimized = optimizeAll(config, ctx, "unimodal", unimodalPrior, (t) => 0.5 * Math.log2(1 + Math.max(0, t) ** 2));
  const minima = unconstrainedMinima(multimodalPrior);
  const multimodalOptimized = optimizeAll(config, ctx, "multimodal", multimodalPrior, (t) => frontierAtRatio(multimodalPrior, t, {}, minima).klBits);
  const at = (fr: FrontierPoint[], p: number, prior: Gmm) => fr.find((x) => Math.abs(x.pCorrect - p) < 1e-12)?.klBits ?? numericFrontier(prior, [p])[0].klBits;
  const selected = SELECTED.map((p) => ({ pCorrect: p, unimodalKlBits: unimodalFrontierPoint(p).klBits, multimodalKlBits: at(f.multimodal, p, multimodalPrior) }));
  const growth = { oneBitPCorrect: frontierCrossing(1), farPCorrect: FAR_P, farKlBits: unimodalFrontierPoint(FAR_P).klBits };
  return {
    unimodal: { prior: unimodalPrior, frontier: f.unimodal, optimized: unimodalOptimized, numericVsClosedFormMaxAbsBits: f.numericVsClosedFormMaxAbsBits, growth },
    multimodal: { prior: multimodalPrior, componentVariance: config.multimodal.componentVariance, frontier: f.multimodal, optimized: multimodalOptimized },
    varianceSweep: f.varianceSweep,
    selected,
    figure7: figure7Data(unimodalPrior, multimodalPrior, config.figure7PCorrect),
    paper: paperRecord(config, selected[selected.length - 1], growth.farKlBits),
  };
}
