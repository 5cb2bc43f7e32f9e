/**
 * KL[β(θ; φ) ‖ α(θ; ψ)] of a whole parameter tree, in bits, summed per prior
 * group (the model term of the variational codelength, eqs. 10 and 86).
 * Per weight it uses the closed form (eq. 91 generalised, `codes/kl.ts`) where it
 * is exact — a Gaussian posterior against a one-component prior — and the
 * Monte-Carlo estimator of C.1 otherwise (100 samples in the paper), both
 * differentiable in φ and ψ.
 */
import * as tf from "@tensorflow/tfjs";
import { klGaussianBitsT, klMonteCarloBitsT } from "../codes/kl";
import { opSeed } from "../core/rng";
import { UsageError } from "../core/errors";
import type { Posterior } from "./posterior";
import type { AdaptivePrior } from "./prior";

/** Options of the tree KL. */
export interface TreeKlOptions {
  /** Monte-Carlo samples per weight where no closed form applies (C.1: 100). */
  samples: number;
  /** tfjs op seed (≥ 1) for this estimate; vary it per step. */
  seed: number;
  /** Use the closed form where exact (default true). */
  closedForm?: boolean;
  /** Exact posterior entropy in the MC estimator for Gaussian posteriors (default true; see codes/kl.ts). */
  exactEntropy?: boolean;
  /**
   * Only these parameters (default: all). Each parameter's estimate depends only on its
   * own op seed, so summing over subsets gives the whole tree's KL (used to bound memory).
   */
  params?: readonly string[];
}

/** The KL of a parameter tree: total and per-weight tensors (bits). */
export interface TreeKl {
  /** Σ over all weights, bits (a scalar tensor; differentiable). */
  total: tf.Scalar;
  /** Per-weight KL [N] in bits, per parameter name. */
  perWeight: Record<string, tf.Tensor>;
}

/** Whether a parameter's KL is computed in closed form under `opts`. */
export function usesClosedForm(post: Posterior, prior: AdaptivePrior, name: string, opts: Pick<TreeKlOptions, "closedForm">): boolean {
  return (opts.closedForm ?? true) && post.param(name).k === 1 && prior.components === 1;
}

/** KL[β ‖ α] over the tree in bits (closed form where exact, Monte-Carlo otherwise). Caller disposes. */
export function treeKlBitsT(post: Posterior, prior: AdaptivePrior, opts: TreeKlOptions): TreeKl {
  if (!(Number.isInteger(opts.samples) && opts.samples >= 1)) {
    throw new UsageError(`KL Monte-Carlo samples must be an integer ≥ 1, got ${opts.samples}`);
  }
  if (opts.params) {
    if (opts.params.length === 0) throw new UsageError("tree KL: 'params' is empty; omit it for the whole tree");
    for (const n of opts.params) post.param(n); // throws a UsageError naming an unknown parameter
  }
  return tf.tidy(() => {
    const perWeight: Record<string, tf.Tensor> = {};
    const only = opts.params ? new Set(opts.params) : undefined;
    for (const p of post.params) {
      const name = p.spec.name;
      if (only && !only.has(name)) continue;
      const a = prior.gmmFor(name);
      if (usesClosedForm(post, prior, name, opts)) {
        // both have one component: α's tensors are [1] or [N, 1]
        const sq = (t: tf.Tensor) => (t.rank === 2 ? tf.squeeze(t, [1]) : t);
        perWeight[name] = klGaussianBitsT(sq(p.mu), sq(p.nu), sq(a.mu), sq(a.nu));
      } else {
        perWeight[name] = klMonteCarloBitsT(post.gmmOf(p), a, {
          samples: opts.samples,
          seed: opSeed(opts.seed, name),
          temperature: post.temperature,
          exactEntropy: opts.exactEntropy,
        }).perWeight;
      }
    }
    const total = tf.addN(Object.values(perWeight).map((t) => tf.sum(t))) as tf.Scalar;
    return { total, perWeight };
  });
}

/** KL per prior group in bits (host numbers, in `prior.groups()` order), and the total. */
export function klByGroup(post: Posterior, prior: AdaptivePrior, opts: TreeKlOptions): { total: number; groups: { group: string; bits: number }[] } {
  const groups = prior.groups();
  const bits = new Array<number>(groups.length).fill(0);
  const kl = treeKlBitsT(post, prior, opts);
  for (const p of post.params) {
    const v = kl.perWeight[p.spec.name].dataSync();
    const { grouping, firstGroup, columns } = prior.layout(p.spec.name);
    if (grouping === "column") for (let i = 0; i < v.length; i++) bits[firstGroup + (i % columns)] += v[i];
    else for (let i = 0; i < v.length; i++) bits[firstGroup] += v[i];
  }
  tf.dispose(kl as unknown as tf.TensorContainer);
  return { total: bits.reduce((a, b) => a + b, 0), groups: groups.map((g, i) => ({ group: g.name, bits: bits[i] })) };
}
