/**
 * The config of `llc` (seed 004; issue: notebook 07): the calibration grid of the
 * LLC estimator, the SGLD settings used on the neural models, their training
 * checkpoints, and the critical-quantisation tolerance. Every key with why it has
 * its value; presets hold overrides only.
 */
import { ConfigOf, int, num, nums, oneOf } from "../../lab/schema";
import type { DeepPartial } from "../../core/config";
import type { Preset } from "../../lab/experiment";
import { SAMPLERS } from "../../slt/sgld";

export const schema = {
  calibration: {
    regularDim: int(4, "Features d of the regular model (linear regression): λ = d/2 = 2", { min: 1 }),
    examples: int(500, "Examples n of the regular and the w₁w₂ models (their minimisers and Hessians are computed from them exactly)", { min: 3 }),
    deepLinear: {
      widths: nums([4, 3, 3, 4], "Layer widths of the deep linear network (input, hidden…, output): 33 weights, d/2 = 16.5; Aoyagi's λ at rank 1 is 5.5", { integer: true, min: 1, nonEmpty: true }),
      rank: int(1, "Rank of the true map of the deep linear network"),
    },
    reducedRank: {
      widths: nums([3, 2, 3], "Widths of a two-layer linear network (reduced-rank regression, Aoyagi & Watanabe 2005): 12 weights, λ = 3.5 at rank 1", { integer: true, min: 1, nonEmpty: true }),
      rank: int(1, "Rank of its true map"),
    },
    nbetas: nums([30, 100, 1000, 10000], "nβ values of the grid: seed 004's 30, larger ones, and the neural models' 10⁴ (the estimator is consistent as nβ → ∞ with γ/nβ → 0)", { min: 0, nonEmpty: true }),
    gammas: nums([1, 10, 100, 300], "Localisation strengths γ of the grid: seed 004's 300, the neural models' 100, and weaker ones", { min: 0, nonEmpty: true }),
    lrs: nums([1e-6, 3e-6, 1e-5, 1e-4, 1e-3], "SGLD step sizes ε of the grid (stable when ε·nβ·h_max ≲ 2 for the largest curvature h_max)", { min: 0, nonEmpty: true }),
    chains: int(4, "Chains per grid point (devinterp's default is 10; 4 gives the spread at a third of the cost)", { min: 1 }),
    draws: int(1000, "Draws per chain: singular models mix slowly along their valleys, so more than devinterp's default 100", { min: 1 }),
    burnin: int(200, "Burn-in steps per chain", { min: 0 }),
  },
  sgld: {
    sampler: oneOf(SAMPLERS, "rmsprop-sgld", "Sampler on the neural models: RMSProp-preconditioned SGLD, seed 004 §4.2's pSGLD (devinterp RMSpropSGLD); the calibration models use plain SGLD"),
    nbeta: num(10_000, "nβ on the neural models: n/ln n (Watanabe's β = 1/ln n, as in WBIC) for their training sets, 128,000/ln 128,000 ≈ 10,900 (MLP) and 100,000/ln 100,000 ≈ 8,700 (parity), rounded to one value. Seed 004 uses 30 with γ = 300: where the curvature h is of order 1 that keeps nβh/(nβh + γ) ≈ 0.09 of each direction's share (regular model, closed form)", { min: 0 }),
    gamma: num(100, "Localisation γ on the neural models: γ/nβ = 10⁻², small against every curvature above 10⁻² (see sgld.nbeta)", { min: 0 }),
    lr: num(3e-6, "Step size ε on the neural models (RMSProp-preconditioned: the step is ε/(√V + eps) per coordinate, up to 10ε where gradients vanish). Chosen from the calibration at these settings (table calibration-at-settings) among 10⁻⁶, 3·10⁻⁶ and 10⁻⁵: with 200 steps per chain the smallest leaves the chains short of the localisation's width 1/√γ, the largest inflates λ̂ of the deep linear networks (RMSProp's 10ε times nβ exceeds the stable step)", { min: 0 }),
    chains: int(3, "Chains per checkpoint (devinterp: 10; 3 give a spread within the budget)", { min: 1 }),
    draws: int(150, "Draws per chain (devinterp: 100)", { min: 1 }),
    burnin: int(50, "Burn-in steps per chain", { min: 0 }),
    batchSize: int(16, "SGLD minibatch size m on the parity Transformer (the MLP uses all 16 vectors every step)", { min: 1 }),
  },
  quant: {
    tolerance: num(0.05, "Loss tolerance ε of critical quantisation, nats per example (seed 004 uses 0.5 nats per token on Pythia, whose losses are ~2–4 nats; ours are ≤ ln 2 on parity, so a tenth of that)", { min: 0 }),
    maxBits: int(16, "Largest bits per weight tried (a grid of 2^(j/4) levels up to 2^maxBits)", { min: 1 }),
  },
  mlp: {
    steps: int(1000, "Training steps of each MLP run (C.2: 1,000)", { min: 1 }),
    checkpoints: int(4, "Checkpoints per run, evenly spaced (the last at the end)", { min: 1 }),
    klCoef: num(1e-3, "KL coefficient of the random-init variational run (C.1's batch / training-set size for 128,000 examples)", { min: 0 }),
    manualKlCoef: num(1e-2, "KL coefficient of the run from the manual solution (Table 2: 10⁻²)", { min: 0 }),
    lambda: num(20, "Scale λ of the manual solution (C.2: 20)", { min: 0 }),
  },
  parity: {
    steps: int(500, "Training steps of the random-init parity runs: the first 500 of the parity experiment's cpu run (2,500 steps, its learning-rate schedule unchanged; both its random rows fit lengths 1–4 within the first 500 steps, figures/parity/results.json), within this experiment's 10-minute budget", { min: 1 }),
    manualSteps: int(100, "Steps of variational training from the compiled solution", { min: 1 }),
    checkpoints: int(2, "Checkpoints per random-init run, evenly spaced (the last at the end)", { min: 1 }),
    examples: int(512, "Examples n of the training split whose loss L_n the LLC and the quantisation measure (SGLD draws its minibatches from them)", { min: 1 }),
    preset: oneOf(["smoke", "cpu"] as const, "cpu", "The parity experiment's preset whose Transformer, data and training settings (other than the steps above) are used: its cpu preset (d_model 32, 9 layers, lengths 1–4)"),
  },
  klSamples: int(100, "Monte-Carlo samples per weight for the KL of a variational checkpoint (C.1: 100)", { min: 1 }),
};

export type LlcConfig = ConfigOf<typeof schema>;

export const presets: Record<Preset, DeepPartial<LlcConfig>> = {
  // smoke: seconds, for tests and CI — a 2-point grid with short chains, 20-step runs, one checkpoint each.
  smoke: {
    calibration: { nbetas: [100], gammas: [10], lrs: [1e-4, 1e-3], chains: 2, draws: 100, burnin: 20, examples: 100 },
    sgld: { chains: 2, draws: 10, burnin: 2, batchSize: 8 },
    quant: { maxBits: 8 },
    mlp: { steps: 20, checkpoints: 1 },
    parity: { steps: 3, manualSteps: 2, checkpoints: 1, examples: 16, preset: "smoke" },
    klSamples: 4,
  },
  // cpu: everything above, ≤ 10 minutes on one core.
  cpu: {},
  // paper: seed 004 runs pSGLD at nβ = 30, γ = 300 on Pythia; our models are too small for that to be meaningful (see the calibration), so cpu's values.
  paper: {},
};
