/**
 * The config of `codes`: the same datasets encoded by every code the paper discusses or is compared
 * with — uniform, variational (eq. 86) from the compiled solution and from random init, prequential
 * (Blier & Ollivier 2018), two-part with quantised weights (eq. 2), and zmap's two-part code
 * |z| + c_T (Theorems 1–2) where bitlang expresses the task. Training keys use the shared vocabulary.
 * Sizes are far below Table 1's (C.1) so every row of every task fits the cpu preset; the Table 1
 * rows committed in figures/parity/results.json are carried beside ours as the reference.
 */
import type { DeepPartial } from "../../core/config";
import type { Preset } from "../../lab/experiment";
import { ConfigOf, bool, int, num, nums, oneOf, strs } from "../../lab/schema";
import { optimizer, posterior, prior, train } from "../../lab/vocabulary";
import { QK_INITS } from "../../nn/transformer";

export const CODE_TASKS = ["parity", "at-least-two", "ones-mod-3", "mlp-identity"] as const;

export const schema = {
  tasks: strs([...CODE_TASKS], 'Tasks: "parity" (C.1), "at-least-two" (a threshold) and "ones-mod-3" (a modular counter) on a Transformer, each with an ALTA program compiled by src/alta/; "mlp-identity" (C.2) on the 4 → 16 → 4 MLP.', CODE_TASKS, { nonEmpty: true }),
  model: {
    dModel: int(32, "Residual width: parity's cpu preset (every compiled program fits: parity needs 8, at-least-two 12, ones-mod-3 10).", { min: 1 }),
    heads: int(2, "Attention heads (C.1: 2).", { min: 1 }),
    dHead: int(16, "Per-head width (32 / 2).", { min: 1 }),
    dMlp: int(128, "MLP width: parity's cpu preset.", { min: 1 }),
    promptTokens: int(2, "Prompt tokens (parity's cpu preset).", { min: 0 }),
    relWindow: int(8, "Relative-position window of the T5 biases."),
    layers: int(9, "Applications of the shared block: 2·trainMaxLen + 1, what the sequential programs need for the longest OOD input.", { min: 1 }),
    qkInit: oneOf(QK_INITS, "scaled", "Initial W_Q, W_K of randomly initialised models (parity's `train.qkInit`: standard-Transformer scores at init)."),
  },
  manual: {
    attentionScale: num(20, "A of the compiled attention (parity's manual.attentionScale).", { min: 0 }),
    paramScale: num(100, "s of the compiled variables (parity's manual.paramScale).", { min: 0 }),
    saturation: num(3, "α·s of the compiled solution (parity's manual.saturation).", { min: 0 }),
    headSaturation: num(1, "α·s_h of head outputs (parity's manual.headSaturation).", { min: 0 }),
    centerHeads: bool(true, "Centering units on head outputs (parity's manual.centerHeads)."),
  },
  data: {
    trainSize: int(512, "Examples each code transmits (the prefix of the cpu preset's parity split, lengths 1 … trainMaxLen); C.1 has 100,000, a size no prequential run fits in minutes.", { min: 2 }),
    trainMaxLen: int(4, "Longest training length (parity's cpu preset); OOD lengths trainMaxLen + 1 … 2·trainMaxLen.", { min: 1 }),
    oodExamples: int(256, "Examples of the OOD split (parity's generator, lengths trainMaxLen + 1 … 2·trainMaxLen).", { min: 1 }),
  },
  posterior: { nu: posterior.nu(-10, "Of the compiled solution's posterior and the initial posteriors of trained rows (C.1: −10).") },
  prior: {
    components: prior.components(3, "Of the random-init variational rows (C.2's 3; C.1 does not say)."),
    init: prior.init("sampled", "Of the random-init variational rows (C.1)."),
    nu: prior.nu(1, "Of the random-init variational rows (C.1: 1)."),
    grouping: prior.grouping("tensor", "Of every Transformer row's prior (parity's grouping); the MLP keeps C.2's one prior for all weights."),
  },
  train: {
    steps: train.steps(300, "Of the random-init variational row, per task: far below Table 1's 2,500 (cpu) and 50,000 (C.1), so the row shows where a short run stands, not its minimum."),
    batchSize: train.batchSize(32, "A sixteenth of the training set."),
    lr: train.lr(1e-3, "C.1: 10⁻³."),
    warmupSteps: train.warmupSteps(20, "Short runs need a short warmup."),
    decaySteps: train.decaySteps(0, "Decay over the whole run (C.1)."),
    finalLr: train.finalLr(1e-4, "A tenth of the peak (parity's choice)."),
    klCoef: train.klCoef(0.0625, "batch / training-set size = 32 / 512, C.1's rule."),
    weightSamples: int(1, "Monte-Carlo weight samples per minibatch (C.1: 2; 1 halves the cost).", { min: 1 }),
    klSamples: int(10, "Monte-Carlo samples per weight for the training KL (parity's cpu preset).", { min: 1 }),
    evalEvery: int(0, "No evaluation during training (the rows are scored at the end)."),
  },
  optimizer: optimizer({ beta1: 0.9, beta2: 0.999, eps: 1e-8 }, "C.1: Adam with its usual defaults"),
  prequential: {
    firstBlock: int(32, "t₁: examples sent with the uniform code before the first model; then blocks double (Blier & Ollivier's protocol) up to trainSize.", { min: 1 }),
    steps: int(400, "MLE steps of the model fitted to each prefix (from random init, the same Transformer; parity's note: lengths 1–4 fit in ~600 steps with scaled Q/K).", { min: 1 }),
  },
  quantise: {
    steps: nums([0.5, 0.2, 0.1, 0.05, 0.02, 0.01], "Quantisation steps δ tried for the trained model's two-part code (the best is reported); the compiled solution is coded as it is (δ = 0).", { min: 0, nonEmpty: true }),
  },
  eval: {
    batchSize: int(64, "Forward batch size.", { min: 1 }),
    posteriorSamples: int(4, "Posterior samples averaged for the NLL and accuracies of variational rows.", { min: 1 }),
  },
  zmap: {
    enabled: bool(true, "Search bitlang programs for each two-class task and, for the shortest that decides the training inputs, compile zmap(T, R, z) for c_T (Theorem 2)."),
    maxLength: int(16, "Longest bitlang program searched (parity's loop has 8 bits).", { min: 1 }),
    rt: int(2000, "R_t of the search and of the OOD check: enough steps for inputs of 2·trainMaxLen bits.", { min: 1 }),
  },
  identity: {
    size: int(1024, "Examples of the identity dataset (C.2's 16 vectors, drawn uniformly, seeded).", { min: 2 }),
    hidden: int(16, "Hidden units (C.2: 16).", { min: 4 }),
    lambda: num(20, "Scale λ of the manual identity solution (C.2: 20).", { min: 0 }),
    steps: int(1000, "Steps of the random-init variational row (C.2: 1,000).", { min: 1 }),
    lr: num(0.05, "Peak learning rate of the MLP rows (mlp-identity's 0.05).", { min: 0 }),
    klCoef: num(0.03125, "batch / dataset size = 32 / 1,024 (C.1's rule).", { min: 0 }),
    prequentialSteps: int(300, "MLE steps of the MLP fitted to each prefix.", { min: 1 }),
  },
};

export type CodesConfig = ConfigOf<typeof schema>;

export const presets: Record<Preset, DeepPartial<CodesConfig>> = {
  // smoke: seconds — a tiny Transformer (d 16, MLP 32, 5 layers) on lengths 1–2, 32 examples, a few steps per row.
  smoke: {
    model: { dModel: 16, dHead: 8, dMlp: 48, layers: 5 },
    data: { trainSize: 32, trainMaxLen: 2, oodExamples: 16 },
    train: { steps: 3, batchSize: 8, warmupSteps: 1, klSamples: 2, klCoef: 0.25 },
    prequential: { firstBlock: 8, steps: 3 },
    quantise: { steps: [0.1, 0.01] },
    eval: { posteriorSamples: 1 },
    zmap: { maxLength: 8, rt: 200 },
    identity: { size: 64, steps: 5, prequentialSteps: 3, klCoef: 0.5 },
  },
  // cpu: the defaults (see each key; sizes far below C.1's so every code of every task fits minutes).
  cpu: {},
  // paper: the paper has no such table; C.1's data and steps would take hours per prequential run on a CPU. The same as cpu.
  paper: {},
};
