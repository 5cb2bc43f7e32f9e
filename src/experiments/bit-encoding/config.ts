/**
 * The config of `bit-encoding` (B.9.2, Figs. 7–8): every key with its value and
 * why it has it. Gradient-descent settings use the shared vocabulary
 * (`train.*`, `optimizer.*`); the constrained problem itself (targets, Monte-Carlo
 * sample counts, the penalty) keeps its own `optimize` section.
 */
import type { DeepPartial } from "../../core/config";
import type { Preset } from "../../lab/experiment";
import { ConfigOf, Field, int, num, nums } from "../../lab/schema";
import { optimizer, train } from "../../lab/vocabulary";

const BETA2_WHY =
  "0.99, not Adam's usual 0.999: a shorter memory, so the huge early KL gradients do not freeze the late, noise-dominated approach of σ² to the prior's component variance.";

/** `section` with `why` appended to the doc of its field `key`. */
function withReason<S extends Record<string, Field<unknown>>>(section: S, key: keyof S, why: string): S {
  return { ...section, [key]: { ...section[key], doc: `${section[key].doc} ${why}` } };
}

export const schema = {
  frontierPoints: int(121, "Points on each frontier, spaced evenly in −log₁₀(1 − p) from p = 0.5 to pMax. 121 resolves the bend of the multimodal frontier near p = Φ(1/σ̂).", { min: 2 }),
  pMax: num(1 - 1e-6, "Largest P(correct) on the frontiers: 1 − 1e−6, as the results contract asks (six nines show the unimodal cost still growing).", { min: 0.5 }),
  multimodal: {
    mean: num(1, "Component means ±mean of the multimodal prior (B.9.2: ±1).", { min: 0 }),
    componentVariance: num(1e-4, 'Component variance σ̂² of the multimodal prior ("≈ 0" in B.9.2); 1e−4 makes P(correct) = Φ(100) ≈ 1 at 1 bit.', { min: 1e-300 }),
    varianceSweep: nums([0.3, 0.1, 3e-2, 1e-2, 1e-3, 1e-4, 1e-6], "σ̂² values for the cost-versus-variance figure: from broad components (no 1-bit plateau) to B.9.2's σ̂² ≈ 0.", { min: 1e-300 }),
  },
  train: {
    steps: train.steps(2000, "Adam steps per P(correct) target; 2,000 reach the frontier within Monte-Carlo error at every target."),
    lr: train.lr(0.1, "On (μ, ν) of the one weight's posterior: large, since the problem has two parameters and the decay does the fine work."),
    warmupSteps: train.warmupSteps(0, "No warmup: the first implementation had none."),
    decaySteps: train.decaySteps(0, "Decay over the whole run, as the first implementation did."),
    finalLr: train.finalLr(1e-3, "A hundredth of the peak, so the Polyak–Ruppert average of the last quarter sees little jitter."),
  },
  optimizer: withReason(optimizer({ beta2: 0.99 }, "Adam (C.1); β₁ and ε are Adam's usual 0.9 and 1e−8."), "beta2", BETA2_WHY),
  optimize: {
    targets: nums([0.6, 0.75, 0.9, 0.99, 0.999], "P(correct) targets of the gradient-descent check; each is a constraint μ/σ ≥ Φ⁻¹(target). They span the flat and the steep parts of both frontiers.", { min: 0.5, nonEmpty: true }),
    mcSamples: int(100, "Monte-Carlo samples per KL estimate per step (C.1 uses 100).", { min: 1 }),
    evalSamples: int(20000, "Monte-Carlo samples for the final KL estimate and its standard error (≈ 0.007 bits at 20,000).", { min: 2 }),
    penalty: num(100, "Quadratic penalty, in bits, on a violated constraint: penalty·max(0, t − μ/σ)²; 100 keeps solutions within ~10⁻³ of their target.", { min: 0 }),
  },
  figure7PCorrect: num(0.99, "P(correct) at which Fig. 7 shows the minimum-KL posteriors for b = 0 and b = 1 (0.99: the unimodal posteriors are visibly broad, the multimodal ones sit on the components).", { min: 0.5 }),
};

export type BitEncodingConfig = ConfigOf<typeof schema>;

export const presets: Record<Preset, DeepPartial<BitEncodingConfig>> = {
  // smoke: seconds for tests and CI — a coarser grid, fewer σ̂² values, one optimisation target.
  smoke: {
    frontierPoints: 25,
    multimodal: { varianceSweep: [0.1, 1e-2, 1e-4] },
    optimize: { targets: [0.99], evalSamples: 5000 },
  },
  // cpu: the defaults; the whole experiment takes well under a minute on 2 cores.
  cpu: {},
  // paper: B.9.2 has no training hyperparameters beyond the cpu run; identical to cpu.
  paper: {},
};
