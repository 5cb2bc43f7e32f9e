/**
 * What the LLC estimator samples: a model's empirical loss L_n(w) — the mean
 * negative log-likelihood per example, in nats — and its gradient at a flat
 * parameter vector w ∈ ℝᵈ, on a minibatch or on all n examples. The
 * localised tempered posterior of Lau et al. (2023, eq. 4),
 *   p(w | w*, β, γ) ∝ exp(−nβ L_n(w) − (γ/2)‖w − w*‖²),
 * is defined by this loss alone, so any model plugs in through `LlcTarget`:
 * the closed-form calibration models (calibration-models.ts) and tfjs models
 * over a parameter tree (`treeTarget`).
 */
import * as tf from "@tensorflow/tfjs";
import type { Rng } from "../core/rng";
import { UsageError } from "../core/errors";
import { ParamSpec, Weights, WeightValues, checkSpecs, checkValues, sizeOf } from "../nn/param-tree";

/** A loss and its gradient at one point (nats per example). */
export interface LossGrad {
  loss: number;
  grad: Float64Array;
}

/** The empirical loss of a model as a function of its flat parameters. */
export interface LlcTarget {
  /** Number of parameters d. */
  dim: number;
  /** Number of examples n of the empirical loss (sets the default nβ = m / ln m of `defaultNbeta`). */
  n: number;
  /** L_m(w) on a minibatch of `size` examples drawn from `rng` (size ≥ n: all examples), and ∇L_m(w). */
  lossAndGrad(w: Float64Array, rng: Rng, size: number): LossGrad;
  /** L_n(w): the mean loss over all n examples. */
  fullLoss(w: Float64Array): number;
}

/** Flattens a parameter tree's values in spec order. */
export function flatten(specs: readonly ParamSpec[], values: WeightValues): Float64Array {
  checkValues(specs, values, "flatten");
  const out = new Float64Array(specs.reduce((a, s) => a + sizeOf(s.shape), 0));
  let o = 0;
  for (const s of specs) {
    const v = values[s.name];
    for (let i = 0; i < v.length; i++) out[o + i] = v[i];
    o += v.length;
  }
  return out;
}

/** The inverse of `flatten`: one Float32Array per parameter. */
export function unflatten(specs: readonly ParamSpec[], w: ArrayLike<number>): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  let o = 0;
  for (const s of specs) {
    const n = sizeOf(s.shape);
    out[s.name] = Float32Array.from({ length: n }, (_, i) => w[o + i]);
    o += n;
  }
  if (o !== w.length) throw new UsageError(`unflatten: the specs hold ${o} parameters, the vector ${w.length}`);
  return out;
}

/** A tfjs model's data for `treeTarget`: the n examples as batches, drawn or all. */
export interface TreeData<B> {
  /** Number of examples n. */
  n: number;
  /** A minibatch of `size` examples drawn uniformly with replacement from `rng`. */
  sample(rng: Rng, size: number): B;
  /** All n examples, as consecutive batches (their losses are averaged weighted by `count`). */
  all(): { batch: B; count: number }[];
  /** Releases a batch's tensors (if any). */
  dispose?(batch: B): void;
}

/**
 * The `LlcTarget` of a tfjs model over a parameter tree: `nllNats(weights, batch)` is the
 * summed NLL of a batch in nats (differentiable).
 */
export function treeTarget<B>(specs: readonly ParamSpec[], data: TreeData<B>, nllNats: (w: Weights, batch: B) => tf.Scalar): LlcTarget {
  checkSpecs(specs);
  const dim = specs.reduce((a, s) => a + sizeOf(s.shape), 0);
  const tensors = (w: ArrayLike<number>): Weights => {
    const v = unflatten(specs, w);
    return Object.fromEntries(specs.map((s) => [s.name, tf.tensor(v[s.name], s.shape, "float32")]));
  };
  const meanLoss = (w: Float64Array, batches: { batch: B; count: number }[]): number => {
    const ws = tensors(w);
    let total = 0;
    let examples = 0;
    for (const { batch, count: c } of batches) {
      total += tf.tidy(() => nllNats(ws, batch).dataSync()[0]);
      examples += c;
    }
    tf.dispose(Object.values(ws));
    return total / examples;
  };
  return {
    dim,
    n: data.n,
    lossAndGrad(w, rng, size) {
      const batches = size >= data.n ? data.all() : [{ batch: data.sample(rng, size), count: size }];
      const ws = tensors(w);
      const names = specs.map((s) => s.name);
      const grad = new Float64Array(dim);
      let total = 0;
      let examples = 0;
      for (const { batch, count: c } of batches) {
        const { value, grads } = tf.tidy(() => {
          const f = (...xs: tf.Tensor[]) => nllNats(Object.fromEntries(names.map((n, i) => [n, xs[i]])), batch);
          return tf.valueAndGrads(f)(names.map((n) => ws[n]));
        });
        total += value.dataSync()[0];
        let o = 0;
        grads.forEach((g) => {
          const v = g.dataSync();
          for (let i = 0; i < v.length; i++) grad[o + i] += v[i];
          o += v.length;
        });
        tf.dispose([value, ...grads]);
        examples += c;
        if (size < data.n) data.dispose?.(batch);
      }
      tf.dispose(Object.values(ws));
      for (let i = 0; i < dim; i++) grad[i] /= examples;
      return { loss: total / examples, grad };
    },
    fullLoss: (w) => meanLoss(w, data.all()),
  };
}
