/**
 * KL divergences between posteriors β and priors α over one scalar weight, in
 * bits (the KL term of the variational codelength, eq. 10 / eq. 86):
 * - closed form for Gaussian ‖ Gaussian (eq. 91, generalised to any prior mean and variance);
 * - Monte-Carlo estimates (tensor flavour, differentiable) for a Gaussian or GMM
 *   posterior against a GMM prior, as in C.1 (100 samples there);
 * - exact 1-D numerical integration lives in `quadrature.ts`.
 */
import * as tf from "@tensorflow/tfjs";
import { LN2, LOG_2PI } from "./normal";
import {
  GmmTensors,
  SplitSample,
  gmmLogPdfT,
  logSoftplus,
  logVarianceT,
  sampleGaussianT,
  sampleGmmStraightThroughT,
} from "./gmm";

/** Nats → bits. */
export const toBits = (nats: number): number => nats / LN2;

/**
 * KL[N(μ₁, σ₁²) ‖ N(μ₂, σ₂²)] in bits, from variance parameters ν (σ² = softplus ν):
 * ½[log(σ₂²/σ₁²) + (σ₁² + (μ₁ − μ₂)²)/σ₂² − 1] nats. With μ₂ = 0, σ₂² = 1 this is eq. 91.
 */
export function klGaussianBits(mu1: number, nu1: number, mu2: number, nu2: number): number {
  const lv1 = logSoftplus(nu1);
  const lv2 = logSoftplus(nu2);
  const d = mu1 - mu2;
  return toBits(0.5 * (lv2 - lv1 + Math.exp(lv1 - lv2) + d * d * Math.exp(-lv2) - 1));
}

/** Element-wise closed-form Gaussian KL (eq. 91 generalised) in bits, tensor flavour. */
export function klGaussianBitsT(mu1: tf.Tensor, nu1: tf.Tensor, mu2: tf.Tensor, nu2: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const lv1 = logVarianceT(nu1);
    const lv2 = logVarianceT(nu2);
    const nats = tf.mul(
      0.5,
      tf.sub(tf.add(tf.add(tf.sub(lv2, lv1), tf.exp(tf.sub(lv1, lv2))), tf.mul(tf.square(tf.sub(mu1, mu2)), tf.exp(tf.neg(lv2)))), 1),
    );
    return tf.div(nats, LN2);
  });
}

/** Options of the Monte-Carlo KL estimator. */
export interface KlMonteCarloOptions {
  /** Number of posterior samples per weight (C.1: 100). */
  samples: number;
  /** tfjs op seed (≥ 1) for this estimate; vary it per training step (see core/rng.ts opSeed). */
  seed: number;
  /** Straight-through Gumbel-softmax temperature for multi-component posteriors (C.1: 0.1). */
  temperature?: number;
  /**
   * For single-Gaussian posteriors, use the exact entropy −E_β[log β] = ½ log(2πe σ²)
   * and estimate only the cross term E_β[log α] (same expectation, lower variance).
   * Default true. Set false for the plain estimator mean_s[log β(w_s) − log α(w_s)].
   */
  exactEntropy?: boolean;
}

/**
 * Draws S reparameterised samples from a posterior β over N weights: β's tensors are
 * [N, K] (K = 1: Gaussian, reparameterisation trick; K > 1: GMM, straight-through
 * Gumbel-softmax, C.1). Returns a split sample of shape [S, N].
 */
export function samplePosteriorT(q: GmmTensors, samples: number, seed: number, temperature = 0.1): SplitSample {
  const [n, k] = q.mu.shape as [number, number];
  return tf.tidy(() => {
    const eps = tf.randomNormal([samples, n, k], 0, 1, "float32", seed);
    if (k === 1) {
      const s = sampleGaussianT(tf.squeeze(q.mu, [1]), tf.squeeze(q.nu, [1]), tf.squeeze(eps, [2]));
      return { center: tf.mul(tf.onesLike(s.offset), s.center), offset: s.offset };
    }
    const u = tf.randomUniform([samples, n, k], 1e-7, 1 - 1e-7, "float32", seed + 1);
    return sampleGmmStraightThroughT(q, u, eps, temperature);
  });
}

/**
 * Per-sample terms of the Monte-Carlo KL estimator, in bits, shape [S, N]: for a
 * GMM posterior log β(w_s) − log α(w_s); for a Gaussian posterior with
 * `exactEntropy`, −H(β) − log α(w_s). Their mean over S estimates KL[β_i ‖ α] and
 * their spread gives the estimator's standard error.
 */
export function klMonteCarloTermsT(q: GmmTensors, p: GmmTensors, opts: KlMonteCarloOptions): tf.Tensor {
  if (!(opts.samples >= 1)) throw new RangeError(`KL Monte-Carlo samples must be ≥ 1, got ${opts.samples}`);
  return tf.tidy(() => {
    const x = samplePosteriorT(q, opts.samples, opts.seed, opts.temperature);
    const logP = gmmLogPdfT(p, x); // [S, N] nats
    if (q.mu.shape[1] === 1 && opts.exactEntropy !== false) {
      const negEntropy = tf.mul(-0.5, tf.add(logVarianceT(tf.squeeze(q.nu, [1])), LOG_2PI + 1)); // [N] nats
      return tf.div(tf.sub(negEntropy, logP), LN2);
    }
    const qb: GmmTensors = { mu: tf.expandDims(q.mu, 0), nu: tf.expandDims(q.nu, 0), w: tf.expandDims(q.w, 0) };
    return tf.div(tf.sub(gmmLogPdfT(qb, x), logP), LN2);
  });
}

/**
 * Monte-Carlo estimate of Σ_i KL[β_i ‖ α] in bits over N weights (C.1), where each
 * posterior β_i is a Gaussian or GMM (tensors [N, K]) and α a GMM prior shared by
 * the group (tensors [K'] or [N, K']). Differentiable with respect to all parameters.
 * Returns `{ total, perWeight }`: a scalar and an [N] tensor, both in bits.
 */
export function klMonteCarloBitsT(q: GmmTensors, p: GmmTensors, opts: KlMonteCarloOptions): { total: tf.Scalar; perWeight: tf.Tensor } {
  return tf.tidy(() => {
    const perWeight = tf.mean(klMonteCarloTermsT(q, p, opts), 0);
    return { total: tf.sum(perWeight) as tf.Scalar, perWeight };
  });
}
