/**
 * The config of `mlp-identity` (C.2): every key with its value and why it has it.
 *
 * What "Train NLL" totals over (the paper does not say): the NLL of a training
 * set of `trainSetSize` examples, the 16 vectors in equal proportion, as the
 * expectation under the posterior (eq. 86's data term). See `trainSetSize`.
 */
import { ConfigOf, int, num, optNum } from "../../lab/schema";
import { posterior, prior, train, trainerOptimizer } from "../../lab/vocabulary";
import type { DeepPartial } from "../../core/config";
import type { Preset } from "../../lab/experiment";

export const schema = {
  hidden: int(16, "Hidden units of the 4 → H → 4 MLP (eq. 104). C.2: 16 (inputs = outputs = 4, 148 weights)", { min: 1 }),
  trainSetSize: int(
    128000,
    "Examples in the training set whose expected NLL is reported as Train NLL (the 16 vectors in equal proportion; the paper does not say). " +
      "128,000 = 1,000 steps × 128 examples = 128 / 10⁻³: the set whose codelength the loss klCoef·KL + NLL₁₂₈ estimates without bias at klCoef = 10⁻³ " +
      "(C.1 sets the coefficient to the minibatch's share of the training set). nllBitsPerExample is reported too, so the totals rescale to any set size",
    { min: 1 },
  ),
  train: {
    klCoef: train.klCoefs([1e-1, 1e-2, 1e-3, 1e-4, 1e-5], "Table 2: one random-init variational row per coefficient, 10⁻¹ … 10⁻⁵; each must be > 0"),
    steps: train.steps(1000, "C.2: 1,000"),
    batchSize: train.batchSize(128, "C.2: 128, over-sampling the 16 vectors"),
    weightSamples: int(2, "Monte-Carlo weight samples per minibatch for the expected NLL. C.1: 2", { min: 1 }),
    klSamples: int(100, "Monte-Carlo samples per weight for the KL during training. C.1: 100", { min: 1 }),
    lr: train.lr(
      5e-2,
      "C.1's 10⁻³ cannot reproduce Table 2 in 1,000 steps: Adam moves a parameter by about the learning rate per step, so ν of a posterior " +
        "initialised at −10 could rise by at most ~1 in the whole run, while the 10⁻¹ row (KL 6.6 bits) needs the posteriors to widen to the " +
        "prior's variance (ν up by ≳ 10). 5·10⁻² decaying to 5·10⁻³ allows Σ_t lr_t ≈ 20",
    ),
    warmupSteps: train.warmupSteps(20, "C.1: 1,000 of 50,000, i.e. 2 %; 2 % of 1,000 is 20"),
    decaySteps: train.decaySteps(0, "0: decay over the whole run after warmup (C.1)"),
    finalLr: train.finalLr(5e-3, "A tenth of train.lr (see train.lr)"),
    evalEvery: int(10, "Record the prior and the KL every this many steps (the prior-collapse figure)"),
    klWarmupSteps: train.klWarmupSteps(0, "C.1 has none"),
    klStart: train.klStart(0, "Used with train.klWarmupSteps only"),
  },
  optimizer: trainerOptimizer({}, "C.1: Adam; β₁, β₂, ε are Adam's usual defaults (the paper gives none)"),
  posterior: {
    nu: posterior.nu(-10, "C.1: −10 (narrow posteriors at the initial means)"),
  },
  prior: {
    components: prior.components(3, "C.2: 3, one prior for the random-init rows; the manual row's optimal prior has as many components as the manual weights have distinct values (B.9.3)"),
    init: prior.init("sampled", "C.1"),
    nu: prior.nu(1, 'C.1: 1, "to avoid instability in KL estimates at initialization" (random-init rows)'),
    grouping: prior.grouping("all", "C.2: one prior shared by all 148 weights"),
    // off by default; prior.zeroComponent and prior.gamma* shape the random-init rows' prior (the manual row starts from its B.9.3 optimal prior)
    ...prior.remedies(),
  },
  manual: {
    lambda: num(20, "Scale λ of the manual solution W² = (W¹)ᵀ = [λI | 0], b¹ = b² = −λ/2. C.2: 20"),
    klCoef: num(1e-2, "KL coefficient of the variational row trained from the manual solution (must be > 0). Table 2: 10⁻²", { min: 0 }),
  },
  report: {
    learnedKlCoef: optNum(
      null,
      "The random-init row shown as \"learned\" in Fig. 9; must be one of train.klCoef's values. null: 10⁻³ (C.1's coefficient for this set size, 128/128,000) " +
        "when train.klCoef has it, else train.klCoef's first value",
      { min: 0 },
    ),
  },
  eval: {
    weightSamples: int(2000, "Posterior weight samples for the expected NLL and the accuracy over the 16 vectors (enough for 3 significant digits)", { min: 1 }),
  },
};

export type MlpIdentityConfig = ConfigOf<typeof schema>;

export const presets: Record<Preset, DeepPartial<MlpIdentityConfig>> = {
  // smoke: seconds for tests — 40 steps, two coefficients, fewer evaluation samples.
  smoke: { train: { klCoef: [1e-1, 1e-3], steps: 40, warmupSteps: 4, evalEvery: 10 }, eval: { weightSamples: 100 } },
  // cpu: the paper's run length (1,000 steps, all seven rows); about 4 minutes on one core.
  cpu: {},
  // paper: C.2's hyperparameters are those of cpu (the MLP is small enough).
  paper: {},
};

/** train.klCoef as a list. */
export const klCoefList = (c: MlpIdentityConfig): number[] => (Array.isArray(c.train.klCoef) ? c.train.klCoef : [c.train.klCoef]);

/** The random-init coefficient shown as "learned" (report.learnedKlCoef, or its null default). */
export function learnedKlCoef(c: MlpIdentityConfig): number {
  const ks = klCoefList(c);
  return c.report.learnedKlCoef ?? (ks.includes(1e-3) ? 1e-3 : ks[0]);
}
