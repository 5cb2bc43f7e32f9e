/**
 * The 2-layer MLP of C.2 (eq. 104): f(x; θ) = sigmoid(W² ReLU(W¹x + b¹) + b²),
 * θ = (W¹ [H, D], b¹ [H], W² [D_out, H], b² [D_out]); 4 → 16 → 4 in the paper,
 * making D_out independent binary classifications. The NLL is eq. 105 in bits.
 */
import * as tf from "@tensorflow/tfjs";
import { LN2 } from "../codes/normal";
import type { Rng } from "../core/rng";
import { normal } from "../core/rng";
import { UsageError } from "../core/errors";
import type { ParamSpec, WeightValues, Weights } from "./param-tree";

/** Layer sizes of the MLP. */
export interface MlpShape {
  inputs: number;
  hidden: number;
  outputs: number;
}

/** The parameter tree of the MLP: W1 [H, D], b1 [H], W2 [O, H], b2 [O]. */
export function mlpSpecs(s: MlpShape): ParamSpec[] {
  for (const [k, v] of Object.entries(s)) if (!Number.isInteger(v) || v < 1) throw new UsageError(`MLP ${k} must be an integer ≥ 1, got ${v}`);
  return [
    { name: "W1", shape: [s.hidden, s.inputs] },
    { name: "b1", shape: [s.hidden] },
    { name: "W2", shape: [s.outputs, s.hidden] },
    { name: "b2", shape: [s.outputs] },
  ];
}

/** Output logits z = W² ReLU(W¹x + b¹) + b² for x [B, D]; f = sigmoid(z) (eq. 104). */
export function mlpLogits(w: Weights, x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const h = tf.relu(tf.add(tf.matMul(x, w.W1 as tf.Tensor2D, false, true), w.b1));
    return tf.add(tf.matMul(h, w.W2 as tf.Tensor2D, false, true), w.b2) as tf.Tensor2D;
  });
}

/** f(x; θ) = sigmoid(logits) (eq. 104), [B, O]. */
export function mlpForward(w: Weights, x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.sigmoid(mlpLogits(w, x)));
}

/**
 * Per-example NLL in bits (eq. 105): Σ_i −y_i log₂ f_i − (1 − y_i) log₂(1 − f_i),
 * computed from the logits z as (softplus(z) − y z)/ln 2 (stable for any |z|). [B].
 */
export function mlpNllBitsPerExample(w: Weights, x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const z = mlpLogits(w, x);
    return tf.div(tf.sum(tf.sub(tf.softplus(z), tf.mul(y, z)), 1), LN2) as tf.Tensor1D;
  });
}

/** Eq. 105 summed over the batch, in bits. */
export function mlpNllBits(w: Weights, x: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.sum(mlpNllBitsPerExample(w, x, y)) as tf.Scalar);
}

/**
 * He-normal initialisation (He et al., 2015; C.1): weight matrices N(0, 2/fan_in),
 * biases 0. Drawn from `rng`, so it is fixed by the run seed.
 */
export function heNormalInit(specs: readonly ParamSpec[], rng: Rng): WeightValues {
  const out: WeightValues = {};
  for (const s of specs) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    if (s.shape.length < 2) out[s.name] = new Array(n).fill(0);
    else {
      const std = Math.sqrt(2 / s.shape[s.shape.length - 1]);
      out[s.name] = Array.from({ length: n }, () => std * normal(rng));
    }
  }
  return out;
}

/**
 * The manual identity solution of C.2 with scale λ (paper: λ = 20):
 * W² = (W¹)ᵀ = [λI₄ | 0], b¹ = −λ/2, b² = −λ/2. Needs hidden ≥ inputs = outputs.
 */
export function manualIdentityWeights(s: MlpShape, lambda: number): WeightValues {
  if (s.inputs !== s.outputs || s.hidden < s.inputs) {
    throw new UsageError(`the manual identity solution needs inputs = outputs ≤ hidden, got ${s.inputs} → ${s.hidden} → ${s.outputs}`);
  }
  const W1 = new Array(s.hidden * s.inputs).fill(0);
  const W2 = new Array(s.outputs * s.hidden).fill(0);
  for (let i = 0; i < s.inputs; i++) {
    W1[i * s.inputs + i] = lambda;
    W2[i * s.hidden + i] = lambda;
  }
  return { W1, b1: new Array(s.hidden).fill(-lambda / 2), W2, b2: new Array(s.outputs).fill(-lambda / 2) };
}
