/**
 * The looped Transformer encoder of the parity experiments (C.1), in the
 * parameterisation the ALTA-style compiler (`src/alta/`) targets:
 *
 * - One block with shared weights applied a run-time number of times
 *   (`layers`, C.1: 42), as in a Universal / looped Transformer (B.5.5).
 * - Input `START p₁…p_Rs SEP x₁…x_n END` (B.5.1, eq. 52): START, SEP, END and
 *   the input symbols have rows in `embed/tokens`; the R_s prompt tokens have
 *   their own learnable rows in `embed/prompt` (B.5.6). No absolute positions.
 * - Attention: per head h, scores (N(x)W_Q^h)(N(x)W_K^h)ᵀ + b_h(clip(j − i, −W, W)),
 *   a T5-style scalar bias per head and clipped relative offset (C.1), no 1/√d
 *   scaling (the compiler sets the scale). Output in the Elhage et al. (2021)
 *   form: Σ_h P_h (N(x)W_V^h) W_O^h, with W_O^h the rows h·d_head… of `attn/Wo`.
 * - Tanh normalisation (DyT, Zhu et al. 2025) instead of layer norm:
 *   N(z) = γ ⊙ tanh(α z) + β, with α a learnable scalar (`normScale: "learnable"`)
 *   or a fixed constant (`"fixed"`, C.1 "with or without the dynamic scalar").
 * - Pre-norm residual block: h = x + Attn(N₁(x)); x' = h + MLP(N₂(h)), with a
 *   ReLU MLP. Logits = N_f(x_L)[SEP] W_out + b_out (C.1: logits read at SEP).
 * - He-normal random initialisation (C.1, He et al. 2015): weight matrices
 *   N(0, 2/fan_in), biases 0, γ = 1, β = 0.
 *
 * Parameters are a flat record of named tensors (`variational/param-tree.ts`),
 * so a posterior can be laid over them (eq. 10). Names and shapes, with
 * V = 3 + inputVocab token rows (START = 0, SEP = 1, END = 2, symbol s = 3 + s),
 * D = dModel, H = heads, A = H·dHead, M = dMlp, C = classes:
 *
 * | name            | shape        | meaning                                         |
 * |-----------------|--------------|-------------------------------------------------|
 * | embed/tokens    | [V, D]       | START, SEP, END and input-symbol embeddings     |
 * | embed/prompt    | [R_s, D]     | prompt-token embeddings (absent when R_s = 0)   |
 * | attn/norm/alpha | [1]          | DyT α (only with normScale "learnable")         |
 * | attn/norm/gamma | [D]          | DyT γ                                           |
 * | attn/norm/beta  | [D]          | DyT β                                           |
 * | attn/Wq, Wk, Wv | [D, A]       | head h uses columns h·dHead … (h+1)·dHead − 1   |
 * | attn/Wo         | [A, D]       | head h uses rows h·dHead … (Elhage W_O^h)       |
 * | attn/relBias    | [H, 2W + 1]  | bias of offset δ = j − i at column clip(δ) + W  |
 * | mlp/norm/…      | as attn/norm |                                                 |
 * | mlp/W1, mlp/b1  | [D, M], [M]  |                                                 |
 * | mlp/W2, mlp/b2  | [M, D], [D]  |                                                 |
 * | out/norm/…      | as attn/norm | final normalisation before the readout          |
 * | out/W, out/b    | [D, C], [C]  | logits at SEP                                   |
 */
import * as tf from "@tensorflow/tfjs";
import { UsageError } from "../core/errors";
import { Rng, normal } from "../core/rng";
import type { ParamSpec, WeightValues, Weights } from "./param-tree";

/** Token ids of the special tokens in `embed/tokens`; input symbol s has id `FIRST_SYMBOL + s`. */
export const START = 0;
export const SEP = 1;
export const END = 2;
export const FIRST_SYMBOL = 3;

/** Shape of the looped Transformer. */
export interface TransformerConfig {
  /** Number of input symbols (parity: 2, the bits 0 and 1). */
  inputVocab: number;
  /** Number of prompt tokens R_s prepended after START (C.1: 20). */
  promptTokens: number;
  /** Residual width d_model (C.1: 128). */
  dModel: number;
  /** Attention heads (C.1: 2). */
  heads: number;
  /** Query/key/value width per head (default d_model / heads). */
  dHead: number;
  /** MLP hidden width (C.1: 512). */
  dMlp: number;
  /** Relative-position window W: offsets are clipped to [−W, W], one bias each (T5-style). */
  relWindow: number;
  /** Number of output logits read at SEP (parity: 2). */
  classes: number;
  /** DyT α: "learnable" (a parameter per norm) or "fixed" (the constant `normAlpha`). */
  normScale: "learnable" | "fixed";
  /** Fixed α, or the initial α when learnable. */
  normAlpha: number;
}

/** C.1's model: 2 heads, d_model 128, MLP 512, 20 prompt tokens, binary inputs, 2 classes. */
export const PAPER_TRANSFORMER: TransformerConfig = {
  inputVocab: 2,
  promptTokens: 20,
  dModel: 128,
  heads: 2,
  dHead: 64,
  dMlp: 512,
  relWindow: 8,
  classes: 2,
  normScale: "fixed",
  normAlpha: 1,
};

function checkConfig(cfg: TransformerConfig): void {
  const ints: (keyof TransformerConfig)[] = ["inputVocab", "dModel", "heads", "dHead", "dMlp", "relWindow", "classes"];
  for (const k of ints) {
    const v = cfg[k] as number;
    if (!Number.isInteger(v) || v < 1) throw new UsageError(`transformer config '${k}' must be an integer ≥ 1, got ${v}`);
  }
  if (!Number.isInteger(cfg.promptTokens) || cfg.promptTokens < 0) {
    throw new UsageError(`transformer config 'promptTokens' must be an integer ≥ 0, got ${cfg.promptTokens}`);
  }
  if (cfg.normScale !== "learnable" && cfg.normScale !== "fixed") {
    throw new UsageError(`transformer config 'normScale' must be "learnable" or "fixed", got '${cfg.normScale}'`);
  }
  if (!Number.isFinite(cfg.normAlpha)) throw new UsageError(`transformer config 'normAlpha' must be finite, got ${cfg.normAlpha}`);
}

const NORMS = ["attn/norm", "mlp/norm", "out/norm"] as const;

/** The parameter tree of a model (names and shapes as in the module table). */
export function transformerParamSpecs(cfg: TransformerConfig): ParamSpec[] {
  checkConfig(cfg);
  const D = cfg.dModel;
  const A = cfg.heads * cfg.dHead;
  const specs: ParamSpec[] = [{ name: "embed/tokens", shape: [FIRST_SYMBOL + cfg.inputVocab, D] }];
  if (cfg.promptTokens > 0) specs.push({ name: "embed/prompt", shape: [cfg.promptTokens, D] });
  const norm = (p: string) => [
    ...(cfg.normScale === "learnable" ? [{ name: `${p}/alpha`, shape: [1] }] : []),
    { name: `${p}/gamma`, shape: [D] },
    { name: `${p}/beta`, shape: [D] },
  ];
  specs.push(
    ...norm("attn/norm"),
    { name: "attn/Wq", shape: [D, A] },
    { name: "attn/Wk", shape: [D, A] },
    { name: "attn/Wv", shape: [D, A] },
    { name: "attn/Wo", shape: [A, D] },
    { name: "attn/relBias", shape: [cfg.heads, 2 * cfg.relWindow + 1] },
    ...norm("mlp/norm"),
    { name: "mlp/W1", shape: [D, cfg.dMlp] },
    { name: "mlp/b1", shape: [cfg.dMlp] },
    { name: "mlp/W2", shape: [cfg.dMlp, D] },
    { name: "mlp/b2", shape: [D] },
    ...norm("out/norm"),
    { name: "out/W", shape: [D, cfg.classes] },
    { name: "out/b", shape: [cfg.classes] },
  );
  return specs;
}

/** All-zero values for every parameter, except DyT γ = 1 and α = `normAlpha` (the compiler's starting point). */
export function zeroWeightValues(cfg: TransformerConfig): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const s of transformerParamSpecs(cfg)) {
    const v = new Float32Array(s.shape.reduce((a, b) => a * b, 1));
    if (s.name.endsWith("/gamma")) v.fill(1);
    if (s.name.endsWith("/alpha")) v.fill(cfg.normAlpha);
    out[s.name] = v;
  }
  return out;
}

/**
 * He-normal initial values (C.1, He et al. 2015): every weight matrix [in, out]
 * ~ N(0, 2/in); embedding tables multiply one-hot inputs (fan-in 1) so ~ N(0, 2);
 * biases and relative biases 0; γ = 1, β = 0, α = `normAlpha`.
 */
export function heNormalInit(cfg: TransformerConfig, rng: Rng): Record<string, Float32Array> {
  const out = zeroWeightValues(cfg);
  for (const s of transformerParamSpecs(cfg)) {
    if (s.shape.length !== 2 || s.name === "attn/relBias") continue;
    const fanIn = s.name.startsWith("embed/") ? 1 : s.shape[0];
    const std = Math.sqrt(2 / fanIn);
    const v = out[s.name];
    for (let i = 0; i < v.length; i++) v[i] = std * normal(rng);
  }
  return out;
}

/** Creates one tensor per parameter from flat values (caller disposes). */
export function weightsFromValues(cfg: TransformerConfig, values: WeightValues): Weights {
  const w: Weights = {};
  for (const s of transformerParamSpecs(cfg)) {
    const v = values[s.name];
    if (!v) throw new UsageError(`transformer weights: no values for parameter '${s.name}'`);
    w[s.name] = tf.tensor(Float32Array.from(v), s.shape, "float32");
  }
  return w;
}

/** A batch of input sequences laid out as model token ids (B.5.1). */
export interface TokenBatch {
  /** Batch size B. */
  size: number;
  /** Sequence length T = 1 + R_s + 1 + maxLen + 1 (shorter sequences padded after END). */
  length: number;
  /** Position of SEP, where the logits are read: 1 + R_s. */
  sepIndex: number;
  /** Ids of the positions after the prompt, [B, T − 1 − R_s]: START first, then SEP, x…, END, −1 = padding. */
  ids: Int32Array;
  /** Real input length n of each sequence. */
  lengths: number[];
}

/** Lays out inputs (arrays of symbols in [0, inputVocab)) as `START p… SEP x… END`, padding to the longest. */
export function makeBatch(cfg: TransformerConfig, inputs: readonly (readonly number[])[]): TokenBatch {
  if (inputs.length === 0) throw new UsageError("makeBatch: the batch is empty");
  const maxLen = Math.max(...inputs.map((x) => x.length));
  const tail = maxLen + 3; // START, SEP, x…, END (prompt rows are inserted by the forward pass)
  const ids = new Int32Array(inputs.length * tail).fill(-1);
  inputs.forEach((x, b) => {
    const o = b * tail;
    ids[o] = START;
    ids[o + 1] = SEP;
    x.forEach((s, i) => {
      if (!Number.isInteger(s) || s < 0 || s >= cfg.inputVocab) {
        throw new UsageError(`makeBatch: input ${b} has symbol ${s} at position ${i}; symbols must be integers in [0, ${cfg.inputVocab})`);
      }
      ids[o + 2 + i] = FIRST_SYMBOL + s;
    });
    ids[o + 2 + x.length] = END;
  });
  return { size: inputs.length, length: tail + cfg.promptTokens, sepIndex: 1 + cfg.promptTokens, ids, lengths: inputs.map((x) => x.length) };
}

/** Sequences `start` ≤ b < `end` of a batch, as a batch of the same length T (for micro-batching). */
export function sliceBatch(batch: TokenBatch, start: number, end: number): TokenBatch {
  if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start < end && end <= batch.size)) {
    throw new UsageError(`sliceBatch: need integers 0 ≤ start < end ≤ ${batch.size}, got [${start}, ${end})`);
  }
  const tail = batch.ids.length / batch.size;
  return { ...batch, size: end - start, ids: batch.ids.slice(start * tail, end * tail), lengths: batch.lengths.slice(start, end) };
}

/** Options of `forward`. */
export interface ForwardOptions {
  /** Number of applications of the shared block (C.1: 42). */
  layers: number;
  /** Also return the attention probabilities of every layer ([B, H, T, T] each). */
  returnAttention?: boolean;
  /** Also return the residual stream after every layer ([B, T, D] each, index 0 = embeddings). */
  returnResidual?: boolean;
}

/** What `forward` returns (caller disposes). */
export interface ForwardResult {
  /** Logits at SEP, [B, C]. */
  logits: tf.Tensor2D;
  /** Per layer attention probabilities [B, H, T, T] when asked. */
  attention?: tf.Tensor4D[];
  /** Residual stream after each layer [B, T, D] (L + 1 entries) when asked. */
  residual?: tf.Tensor3D[];
}

function dyt(cfg: TransformerConfig, w: Weights, prefix: string, x: tf.Tensor): tf.Tensor {
  const alpha = cfg.normScale === "learnable" ? w[`${prefix}/alpha`] : tf.scalar(cfg.normAlpha);
  return tf.add(tf.mul(tf.tanh(tf.mul(x, alpha)), w[`${prefix}/gamma`]), w[`${prefix}/beta`]);
}

/** [T·T, 2W+1] one-hot of clip(j − i, −W, W) + W for i, j < T (no gradient needed). */
function relBucketsOneHot(T: number, W: number): tf.Tensor2D {
  const n = 2 * W + 1;
  const v = new Float32Array(T * T * n);
  for (let i = 0; i < T; i++) {
    for (let j = 0; j < T; j++) v[(i * T + j) * n + Math.max(-W, Math.min(W, j - i)) + W] = 1;
  }
  return tf.tensor2d(v, [T * T, n]);
}

/**
 * The forward pass: the shared block applied `layers` times to the embedded
 * batch, logits at SEP (module doc). Differentiable in every weight; uses only
 * kernels with gradients on the wasm backend (one-hot matMul instead of gather,
 * explicit reshapes instead of broadcast batch matMul; see tfjs-notes).
 */
export function forward(cfg: TransformerConfig, w: Weights, batch: TokenBatch, opts: ForwardOptions): ForwardResult {
  checkConfig(cfg);
  if (!Number.isInteger(opts.layers) || opts.layers < 0) throw new UsageError(`forward: layers must be an integer ≥ 0, got ${opts.layers}`);
  const { size: B, length: T } = batch;
  const D = cfg.dModel;
  const H = cfg.heads;
  const dh = cfg.dHead;
  const V = FIRST_SYMBOL + cfg.inputVocab;
  const Rs = cfg.promptTokens;
  const tail = T - Rs;
  const attention: tf.Tensor4D[] = [];
  const residual: tf.Tensor3D[] = [];
  const logits = tf.tidy(() => {
    // Embeddings: one-hot matMul (gather has no gradient on wasm); padding (−1) embeds to 0.
    const ids = tf.tensor1d(batch.ids, "int32");
    const tok = tf.reshape(tf.matMul(tf.oneHot(ids, V), w["embed/tokens"]), [B, tail, D]);
    const parts: tf.Tensor[] = [tf.slice(tok, [0, 0, 0], [B, 1, D])];
    if (Rs > 0) parts.push(tf.tile(tf.expandDims(w["embed/prompt"], 0), [B, 1, 1]));
    parts.push(tf.slice(tok, [0, 1, 0], [B, tail - 1, D]));
    let x = tf.concat(parts, 1) as tf.Tensor3D;

    // Fixed per forward: relative biases [1, H, T, T] plus key padding mask [B, 1, 1, T].
    const rel = tf.reshape(tf.transpose(tf.matMul(relBucketsOneHot(T, cfg.relWindow), w["attn/relBias"], false, true)), [1, H, T, T]);
    const pad = new Float32Array(B * T);
    batch.lengths.forEach((n, b) => pad.fill(-1e9, b * T + Rs + n + 3, (b + 1) * T));
    const bias = tf.add(rel, tf.tensor4d(pad, [B, 1, 1, T]));
    const Wqkv = tf.concat([w["attn/Wq"], w["attn/Wk"], w["attn/Wv"]], 1);
    const A = H * dh;
    const heads = (t: tf.Tensor) => tf.reshape(tf.transpose(tf.reshape(t, [B, T, H, dh]), [0, 2, 1, 3]), [B * H, T, dh]);

    if (opts.returnResidual) residual.push(tf.keep(tf.clone(x)));
    for (let l = 0; l < opts.layers; l++) {
      const next = tf.tidy(() => {
        const h = tf.reshape(dyt(cfg, w, "attn/norm", x), [B * T, D]);
        const qkv = tf.matMul(h, Wqkv);
        const q = heads(tf.slice(qkv, [0, 0], [B * T, A]));
        const k = heads(tf.slice(qkv, [0, A], [B * T, A]));
        const v = heads(tf.slice(qkv, [0, 2 * A], [B * T, A]));
        const scores = tf.add(tf.reshape(tf.matMul(q, k, false, true), [B, H, T, T]), bias);
        const p = tf.softmax(scores, -1) as tf.Tensor4D;
        if (opts.returnAttention) attention.push(tf.keep(p));
        const o = tf.reshape(tf.transpose(tf.reshape(tf.matMul(tf.reshape(p, [B * H, T, T]), v), [B, H, T, dh]), [0, 2, 1, 3]), [B * T, A]);
        const x1 = tf.add(x, tf.reshape(tf.matMul(o, w["attn/Wo"]), [B, T, D]));
        const h2 = tf.reshape(dyt(cfg, w, "mlp/norm", x1), [B * T, D]);
        const hidden = tf.relu(tf.add(tf.matMul(h2, w["mlp/W1"]), w["mlp/b1"]));
        const m = tf.add(tf.matMul(hidden, w["mlp/W2"]), w["mlp/b2"]);
        return tf.add(x1, tf.reshape(m, [B, T, D])) as tf.Tensor3D;
      });
      if (l === 0 || !opts.returnResidual) x.dispose();
      x = next;
      if (opts.returnResidual) residual.push(tf.keep(x));
    }
    const sep = tf.reshape(tf.slice(x, [0, batch.sepIndex, 0], [B, 1, D]), [B, D]);
    return tf.add(tf.matMul(dyt(cfg, w, "out/norm", sep), w["out/W"]), w["out/b"]) as tf.Tensor2D;
  });
  return { logits, ...(opts.returnAttention ? { attention } : {}), ...(opts.returnResidual ? { residual } : {}) };
}

/** Disposes everything a `ForwardResult` holds. */
export function disposeForward(r: ForwardResult): void {
  tf.dispose([r.logits, ...(r.attention ?? []), ...(r.residual ?? [])]);
}
