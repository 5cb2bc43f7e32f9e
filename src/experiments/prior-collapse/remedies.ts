/**
 * The candidate remedies for the prior collapse of C.2 (Fig. 9; Section 8's first open
 * question: why gradient descent from random init does not find the short solutions
 * the variational code prefers). Each is a set of config overrides of `mlp-identity`
 * (and of `parity`, where it carries over), in the shared vocabulary (lab/vocabulary.ts),
 * so every run of the study is a normal `kcdl run` that anyone can repeat with `--set`.
 * Step counts are fractions of the experiment's own `train.steps`.
 */

/** The experiments a remedy is applied to. */
export type Target = "mlp-identity" | "parity";

export interface Remedy {
  name: string;
  /** What changes against C.2's setup, and where the idea comes from. */
  description: string;
  /** The group the figures colour it by. */
  family: "baseline" | "optimiser" | "prior init" | "hyper-prior" | "schedule" | "posterior init";
  /** Config overrides for `target` whose run has `steps` training steps; null where the remedy does not carry over. */
  overrides(target: Target, steps: number): Record<string, unknown> | null;
}

const same = (o: Record<string, unknown>) => () => o;
const half = (steps: number) => Math.max(1, Math.round(steps / 2));

export const REMEDIES: readonly Remedy[] = [
  { name: "baseline", family: "baseline", description: "C.2's setup: Adam, prior means sampled from the initial weights, 3 components, prior ν = 1, posterior ν = −10", overrides: same({}) },
  {
    name: "sgd-momentum",
    family: "optimiser",
    description: "SGD with momentum 0.9 instead of Adam, learning rate 10⁻³ decaying to 10⁻⁴ (the reviewers' question: another optimiser)",
    overrides: (t) => (t === "mlp-identity" ? { optimizer: { name: "sgd", momentum: 0.9 }, train: { lr: 1e-3, finalLr: 1e-4 } } : null),
  },
  {
    name: "sgd-momentum-slow",
    family: "optimiser",
    description: "SGD with momentum 0.9, learning rate 10⁻⁴ decaying to 10⁻⁵",
    overrides: (t) => (t === "mlp-identity" ? { optimizer: { name: "sgd", momentum: 0.9 }, train: { lr: 1e-4, finalLr: 1e-5 } } : null),
  },
  { name: "prior-lr-x10", family: "optimiser", description: "Adam with the prior's parameters ψ at 10× the learning rate (a separate Adam)", overrides: same({ optimizer: { priorLrScale: 10 } }) },
  { name: "prior-lr-x0.1", family: "optimiser", description: "Adam with the prior's parameters ψ at 0.1× the learning rate", overrides: same({ optimizer: { priorLrScale: 0.1 } }) },
  {
    name: "prior-frozen-half",
    family: "schedule",
    description: "The prior held at its initialisation for the first half of training, so the posteriors move first",
    overrides: (_t, steps) => ({ prior: { freezeSteps: half(steps) } }),
  },
  { name: "grid-init", family: "prior init", description: "Prior means on an even grid over [min, max] of the initial weights instead of sampled from them", overrides: same({ prior: { init: "grid" } }) },
  { name: "components-5", family: "prior init", description: "5 prior components instead of 3", overrides: same({ prior: { components: 5 } }) },
  { name: "components-9", family: "prior init", description: "9 prior components instead of 3", overrides: same({ prior: { components: 9 } }) },
  { name: "prior-nu-wide", family: "prior init", description: "Wide initial prior components: ν = 3 (σ² = 3.05) instead of 1 (σ² = 1.31)", overrides: same({ prior: { nu: 3 } }) },
  { name: "prior-nu-narrow", family: "prior init", description: "Narrow initial prior components: ν = −3 (σ² = 0.049)", overrides: same({ prior: { nu: -3 } }) },
  {
    name: "gamma-hyperprior",
    family: "hyper-prior",
    description: "Gamma(50, 0.05) hyper-prior on every component's precision (mode of σ² ≈ 10⁻³: narrow components), added to the KL term (Ullrich et al. 2017)",
    overrides: same({ prior: { gammaShape: 50, gammaRate: 0.05 } }),
  },
  {
    name: "zero-component",
    family: "hyper-prior",
    description: "One prior component fixed at μ = 0 with mixing weight 0.9, the other two free (Ullrich et al. 2017)",
    overrides: same({ prior: { zeroComponent: 0.9 } }),
  },
  {
    name: "soft-weight-sharing",
    family: "hyper-prior",
    description: "Both: the fixed zero component (π₀ = 0.9) and the Gamma(50, 0.05) hyper-prior, as Ullrich et al. 2017 combine them",
    overrides: same({ prior: { zeroComponent: 0.9, gammaShape: 50, gammaRate: 0.05 } }),
  },
  {
    name: "kl-warmup",
    family: "schedule",
    description: "KL warm-up: the KL coefficient ramped linearly from 0 over the first half of training (Bowman et al. 2016; Sønderby et al. 2016)",
    overrides: (_t, steps) => ({ train: { klWarmupSteps: half(steps) } }),
  },
  {
    name: "kl-anneal-10x",
    family: "schedule",
    description:
      "KL annealed down: the coefficient starts at 10× klCoef and falls linearly to klCoef over the first half of training (ours: Table 2's random-init codelength is lowest at a larger coefficient, so a strong early KL may find a sparser solution before the data term takes over)",
    overrides: (_t, steps) => ({ train: { klWarmupSteps: half(steps), klStart: 10 } }),
  },
  {
    name: "kl-anneal-100x",
    family: "schedule",
    description: "KL annealed down from 100× klCoef to klCoef over the first half of training",
    overrides: (_t, steps) => ({ train: { klWarmupSteps: half(steps), klStart: 100 } }),
  },
  {
    name: "kl-anneal-1000x",
    family: "schedule",
    description: "KL annealed down from 1000× klCoef (a KL weight of 1 at klCoef 10⁻³) to klCoef over the first half of training",
    overrides: (_t, steps) => ({ train: { klWarmupSteps: half(steps), klStart: 1000 } }),
  },
  { name: "posterior-nu-wide", family: "posterior init", description: "Wider initial posteriors: ν = −5 (σ² = 6.7·10⁻³) instead of −10 (σ² = 4.5·10⁻⁵)", overrides: same({ posterior: { nu: -5 } }) },
  { name: "posterior-nu-wider", family: "posterior init", description: "Initial posteriors at ν = −3 (σ² = 0.049)", overrides: same({ posterior: { nu: -3 } }) },
  {
    name: "anneal-and-wide",
    family: "schedule",
    description: "Ours, from the measurements: the two single changes that shorten the code most, together — KL annealed down from 100× and initial posteriors at ν = −3",
    overrides: (_t, steps) => ({ train: { klWarmupSteps: half(steps), klStart: 100 }, posterior: { nu: -3 } }),
  },
];

export const REMEDY_NAMES = REMEDIES.map((r) => r.name) as readonly string[];

export function remedy(name: string): Remedy {
  const r = REMEDIES.find((x) => x.name === name);
  if (!r) throw new Error(`unknown remedy '${name}'`);
  return r;
}
