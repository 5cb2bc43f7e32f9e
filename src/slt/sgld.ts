/**
 * The local learning coefficient (LLC) λ(w*) of singular learning theory, estimated
 * by stochastic-gradient Langevin dynamics (Lau et al. 2023, "The Local Learning
 * Coefficient: A Singularity-Aware Complexity Measure", eqs. 4–7; seed 004, eq. 10):
 *
 *   λ̂(w*) = nβ · ( E_{w ∼ p(w | w*, β, γ)}[L_n(w)] − L_n(w*) ),
 *   p(w | w*, β, γ) ∝ exp(−nβ L_n(w) − (γ/2)‖w − w*‖²),
 *
 * the expectation taken over the draws of `numChains` chains started at w*. One step of
 * SGLD (Welling & Teh 2011, localised as in Lau et al. 2023, eq. 7) with step size ε:
 *
 *   Δw = −(ε/2) · (nβ ∇L_m(w) + γ (w − w*)) + N(0, ε),
 *
 * and of the RMSProp-preconditioned variant (Li et al. 2016, pSGLD; devinterp's
 * RMSpropSGLD, the sampler of seed 004 §4.2), with V ← αV + (1 − α)(∇L_m)² and
 * G = 1 / (√V + eps) per coordinate:
 *
 *   Δw = −(ε/2) · G ⊙ (nβ ∇L_m(w) + γ (w − w*)) + N(0, ε G).
 *
 * L_m is the mean NLL (nats) of the step's minibatch; the loss recorded at a draw is
 * that minibatch loss (an unbiased estimate of L_n(w), as in devinterp), while the
 * baseline L_n(w*) is computed once, over all n examples, at w* — not taken from the
 * first draw of one chain. Option names follow devinterp's `estimate_learning_coeff`
 * (lr, localization, nbeta, num_chains, num_draws, num_burnin_steps,
 * num_steps_bw_draws) in camelCase; nβ defaults, as there, to m / ln m for minibatch
 * size m. Every chain has its own named noise and minibatch streams (core/rng), so an
 * estimate is a function of (target, w*, options, seed) alone.
 */
import { UsageError, assertChoice } from "../core/errors";
import { Rng, normal, rngStream } from "../core/rng";
import { Progress, silentProgress } from "../core/progress";
import type { LlcTarget } from "./target";

export const SAMPLERS = ["sgld", "rmsprop-sgld"] as const;
export type Sampler = (typeof SAMPLERS)[number];

/** Hyperparameters of the estimator (devinterp's names and, where given, its defaults). */
export interface SgldOptions {
  /** "sgld" (devinterp SGLD) or "rmsprop-sgld" (devinterp RMSpropSGLD; seed 004's pSGLD). */
  sampler: Sampler;
  /** Step size ε (devinterp `lr`). */
  lr: number;
  /** Localisation strength γ (devinterp `localization`). */
  localization: number;
  /** Inverse temperature times n, nβ (devinterp `nbeta`); null: m / ln m for minibatch size m (devinterp `default_nbeta`). */
  nbeta: number | null;
  /** Independent chains, each started at w* (devinterp `num_chains`). */
  numChains: number;
  /** Draws per chain after burn-in (devinterp `num_draws`: 100). */
  numDraws: number;
  /** Steps discarded before the first draw (devinterp `num_burnin_steps`: 0). */
  numBurninSteps: number;
  /** Steps between draws (devinterp `num_steps_bw_draws`: 1). */
  numStepsBwDraws: number;
  /** Minibatch size m (≥ n: full-batch gradients, Langevin dynamics on L_n itself). */
  batchSize: number;
  /** RMSProp decay α of the squared-gradient average (devinterp RMSpropSGLD `rmsprop_alpha`: 0.99). */
  rmspropAlpha: number;
  /** RMSProp stabiliser eps (devinterp RMSpropSGLD `eps`: 0.1). */
  rmspropEps: number;
  /** A chain whose loss rises above L_n(w*) + this (nats per example), or is not finite, is stopped and counted as diverged. */
  divergenceLoss: number;
}

/** devinterp's defaults where it has them; ε, γ and nβ are what the calibration grid of notebook 07 chooses among. */
export const DEFAULT_SGLD: SgldOptions = {
  sampler: "sgld",
  lr: 1e-3,
  localization: 100,
  nbeta: null,
  numChains: 4,
  numDraws: 100,
  numBurninSteps: 0,
  numStepsBwDraws: 1,
  batchSize: 128,
  rmspropAlpha: 0.99,
  rmspropEps: 0.1,
  divergenceLoss: 1e3,
};

/** devinterp's default nβ for minibatch size m: m / ln m (m ≥ 2). */
export function defaultNbeta(batchSize: number): number {
  const m = Math.max(2, batchSize);
  return m / Math.log(m);
}

/** One chain's record. */
export interface ChainRecord {
  /** nβ (mean draw loss − L_n(w*)); null when the chain diverged. */
  llc: number | null;
  /** Mean minibatch loss over the draws (nats per example). */
  meanDrawLoss: number | null;
  /** The minibatch loss at every step, burn-in included (nats per example), thinned to ≤ `traceLength` points. */
  trace: { step: number; loss: number }[];
  /** Step at which it diverged (1-based), or null. */
  divergedAt: number | null;
  /** ‖w − w*‖ at the last step. */
  finalDistance: number;
}

export interface LlcEstimate {
  /** Mean of the chains' estimates (diverged chains left out); NaN when every chain diverged. */
  llc: number;
  /** Standard deviation of the chains' estimates (0 with one chain). */
  llcStd: number;
  /** L_n(w*), over all n examples, once. */
  initLoss: number;
  /** The nβ used. */
  nbeta: number;
  chains: ChainRecord[];
  /** Chains that diverged. */
  diverged: number;
  options: SgldOptions;
}

/** Checks the options, naming the bad one. */
export function checkSgldOptions(o: SgldOptions): void {
  assertChoice("sgld sampler", o.sampler, SAMPLERS);
  const positive = (k: keyof SgldOptions) => {
    const v = o[k] as number;
    if (!(Number.isFinite(v) && v > 0)) throw new UsageError(`LLC estimator: '${k}' must be a finite number > 0, got ${v}`);
  };
  const intAtLeast = (k: keyof SgldOptions, min: number) => {
    const v = o[k] as number;
    if (!(Number.isInteger(v) && v >= min)) throw new UsageError(`LLC estimator: '${k}' must be an integer ≥ ${min}, got ${v}`);
  };
  positive("lr");
  positive("rmspropEps");
  positive("divergenceLoss");
  if (!(Number.isFinite(o.localization) && o.localization >= 0)) throw new UsageError(`LLC estimator: 'localization' (γ) must be ≥ 0, got ${o.localization}`);
  if (o.nbeta !== null) positive("nbeta");
  intAtLeast("numChains", 1);
  intAtLeast("numDraws", 1);
  intAtLeast("numBurninSteps", 0);
  intAtLeast("numStepsBwDraws", 1);
  intAtLeast("batchSize", 1);
  if (!(o.rmspropAlpha >= 0 && o.rmspropAlpha < 1)) throw new UsageError(`LLC estimator: 'rmspropAlpha' must be in [0, 1), got ${o.rmspropAlpha}`);
}

/** Steps one chain runs: burn-in, then a draw every `numStepsBwDraws` steps. */
export const chainSteps = (o: SgldOptions): number => o.numBurninSteps + o.numDraws * o.numStepsBwDraws;

/** Thins a trace to at most `max` points, keeping the first and the last. */
function thin(trace: { step: number; loss: number }[], max: number): { step: number; loss: number }[] {
  if (max <= 0) return [];
  if (trace.length <= max) return trace;
  if (max === 1) return [trace[trace.length - 1]];
  const every = Math.ceil((trace.length - 1) / (max - 1));
  return trace.filter((p, i) => i % every === 0 || i === trace.length - 1);
}

/** Runs one chain from w*; returns its record and the mean draw loss. */
function runChain(target: LlcTarget, wStar: Float64Array, o: SgldOptions, nbeta: number, initLoss: number, noise: Rng, batches: Rng, onStep: () => void, traceLength: number): ChainRecord {
  const d = target.dim;
  const w = Float64Array.from(wStar);
  const v = o.sampler === "rmsprop-sgld" ? new Float64Array(d) : null;
  const total = chainSteps(o);
  const trace: { step: number; loss: number }[] = [];
  let drawSum = 0;
  let draws = 0;
  let divergedAt: number | null = null;
  for (let t = 1; t <= total; t++) {
    const { loss, grad } = target.lossAndGrad(w, batches, o.batchSize);
    trace.push({ step: t, loss });
    if (!Number.isFinite(loss) || loss > initLoss + o.divergenceLoss) {
      divergedAt = t;
      break;
    }
    if (t > o.numBurninSteps && (t - o.numBurninSteps) % o.numStepsBwDraws === 0) {
      drawSum += loss;
      draws++;
    }
    const half = o.lr / 2;
    const sd = Math.sqrt(o.lr);
    for (let i = 0; i < d; i++) {
      const drift = nbeta * grad[i] + o.localization * (w[i] - wStar[i]);
      if (v) {
        v[i] = o.rmspropAlpha * v[i] + (1 - o.rmspropAlpha) * grad[i] * grad[i];
        const g = 1 / (Math.sqrt(v[i]) + o.rmspropEps);
        w[i] += -half * g * drift + sd * Math.sqrt(g) * normal(noise);
      } else {
        w[i] += -half * drift + sd * normal(noise);
      }
    }
    onStep();
  }
  let dist = 0;
  for (let i = 0; i < d; i++) dist += (w[i] - wStar[i]) ** 2;
  const meanDrawLoss = divergedAt === null ? drawSum / draws : null;
  return {
    llc: meanDrawLoss === null ? null : nbeta * (meanDrawLoss - initLoss),
    meanDrawLoss,
    trace: thin(trace, traceLength),
    divergedAt,
    finalDistance: Math.sqrt(dist),
  };
}

/** Where the estimate runs: seed, progress sink and its label, trace length. */
export interface EstimateContext {
  seed: number;
  /** Names the RNG streams (so two estimates in one run draw independent noise). */
  name: string;
  progress?: Progress;
  label?: string;
  /** Points kept per chain trace (default 200). */
  traceLength?: number;
}

/** λ̂(w*) by SGLD / RMSProp-SGLD (module comment). */
export function estimateLlc(target: LlcTarget, wStar: ArrayLike<number>, options: Partial<SgldOptions>, ctx: EstimateContext): LlcEstimate {
  const o: SgldOptions = { ...DEFAULT_SGLD, ...options };
  checkSgldOptions(o);
  if (wStar.length !== target.dim) throw new UsageError(`LLC estimator: w* has ${wStar.length} coordinates, the model ${target.dim}`);
  const w0 = Float64Array.from(wStar);
  const nbeta = o.nbeta ?? defaultNbeta(Math.min(o.batchSize, target.n));
  const initLoss = target.fullLoss(w0);
  if (!Number.isFinite(initLoss)) throw new UsageError(`LLC estimator: L_n(w*) is ${initLoss}; w* must be a point of finite loss`);
  const progress = ctx.progress ?? silentProgress;
  const total = o.numChains * chainSteps(o);
  let done = 0;
  const every = Math.max(1, Math.floor(total / 200));
  progress.start(ctx.label ?? `LLC ${ctx.name}`, total);
  const chains: ChainRecord[] = [];
  for (let c = 0; c < o.numChains; c++) {
    const noise = rngStream(ctx.seed, `slt/${ctx.name}/chain${c}/noise`);
    const batches = rngStream(ctx.seed, `slt/${ctx.name}/chain${c}/batches`);
    chains.push(runChain(target, w0, o, nbeta, initLoss, noise, batches, () => ++done % every === 0 && progress.update(done, { chain: c + 1 }), ctx.traceLength ?? 200));
    done = (c + 1) * chainSteps(o);
    progress.update(done, { chain: c + 1 });
  }
  progress.stop();
  const ok = chains.map((c) => c.llc).filter((x): x is number => x !== null);
  const mean = ok.length ? ok.reduce((a, b) => a + b, 0) / ok.length : NaN;
  const std = ok.length > 1 ? Math.sqrt(ok.reduce((a, b) => a + (b - mean) ** 2, 0) / (ok.length - 1)) : 0;
  return { llc: mean, llcStd: std, initLoss, nbeta, chains, diverged: chains.length - ok.length, options: o };
}
