/**
 * KL divergences between posteriors β and priors α over one scalar weight, in
 * bits (the KL term of the variational codelength, eq. 10 / eq. 86):
 * - closed form for Gaussian ‖ Gaussian (eq. 91, generalised to any prior mean and variance);
 * - Monte-Carlo estimates (tensor flavour, differentiable) for a Gaussian or GMM
 *   posterior against a GMM prior, as in C.1 (100 samples there);
 * - exact 1-D numerical integration lives in `quadrature.ts`.
 */
import * as tf from "@tensorflow/tfjs";
import { nativeKlGmmPass, nativeRandomNormalT } from "../core/native-kernels";
import { LN2, LOG_2PI } from "./normal";
import {
  GmmTensors,
  SplitSample,
  gmmLogPdfT,
  gmmRows,
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

/** The standard-normal draws ε [S, N, K] behind `samplePosteriorT` (and the fused Gaussian KL, which must see the same ones). */
function posteriorEpsT(samples: number, n: number, k: number, seed: number): tf.Tensor {
  return nativeRandomNormalT([samples, n, k], seed) ?? tf.randomNormal([samples, n, k], 0, 1, "float32", seed);
}

/**
 * Draws S reparameterised samples from a posterior β over N weights: β's tensors are
 * [N, K] (K = 1: Gaussian, reparameterisation trick; K > 1: GMM, straight-through
 * Gumbel-softmax, C.1). Returns a split sample of shape [S, N].
 */
export function samplePosteriorT(q: GmmTensors, samples: number, seed: number, temperature = 0.1): SplitSample {
  const [n, k] = q.mu.shape as [number, number];
  return tf.tidy(() => {
    const eps = posteriorEpsT(samples, n, k, seed);
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
    const perWeight = fusedGaussianKlApplies(q, p, opts) ? klGaussianMonteCarloFusedT(q, p, opts) : tf.mean(klMonteCarloTermsT(q, p, opts), 0);
    return { total: tf.sum(perWeight) as tf.Scalar, perWeight };
  });
}

/**
 * Whether `klMonteCarloBitsT` runs as one host pass (`klGaussianMonteCarloFusedT`): a Gaussian
 * posterior [N, 1] with the exact entropy, a prior [K] or [N, K], on the wasm or cpu backend.
 */
function fusedGaussianKlApplies(q: GmmTensors, p: GmmTensors, opts: KlMonteCarloOptions): boolean {
  const backend = tf.getBackend();
  if ((backend !== "wasm" && backend !== "cpu") || opts.exactEntropy === false) return false;
  if (q.mu.rank !== 2 || q.mu.shape[1] !== 1) return false;
  const ps = p.mu.shape;
  if (p.nu.shape.join() !== ps.join() || p.w.shape.join() !== ps.join()) return false;
  return ps.length === 1 || (ps.length === 2 && ps[0] === q.mu.shape[0]);
}

/**
 * The Monte-Carlo KL of Gaussian posteriors N(μ_i, σ_i²) against a GMM prior α (C.1), per weight in
 * bits, as one host pass over the S × N samples that also forms every gradient: the same estimator as
 * `tf.mean(klMonteCarloTermsT(q, p, opts), 0)` with exact entropy — the same ε from the same seed —
 * in float64, without the [S, N] sample, log-density and responsibility tensors (value and
 * gradients equal up to float rounding, tested). With x = μ_i + σ_i ε, t_k, r_k as in
 * `gmmLogPdfFusedT` and g = ∂ log α/∂x = −Σ_k r_k (x − μ_k)/σ_k², per sample (then averaged, ÷ ln 2):
 * term = −½(log σ_i² + log 2π + 1) − log α(x); ∂/∂μ_i = −g; ∂/∂ν_i = −½ ℓ'_i − g·ε·½σ_i ℓ'_i
 * (ℓ' = ∂ log σ²/∂ν); prior: −r_k (x − μ_k)/σ_k², −r_k ½((x − μ_k)²/σ_k² − 1) ℓ'_k, −(r_k − π_k).
 */
export function klGaussianMonteCarloFusedT(q: GmmTensors, p: GmmTensors, opts: KlMonteCarloOptions): tf.Tensor {
  if (!(opts.samples >= 1)) throw new RangeError(`KL Monte-Carlo samples must be ≥ 1, got ${opts.samples}`);
  const n = q.mu.shape[0];
  const S = opts.samples;
  // (not through tf.tidy: it would walk the returned array element by element looking for tensors)
  const epsT = posteriorEpsT(S, n, 1, opts.seed);
  const eps = epsT.dataSync() as Float32Array;
  epsT.dispose();
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [qMu, qNu, pMu, pNu, pW] = args as tf.Tensor[];
    const muQ = qMu.dataSync() as Float32Array;
    const nuQ = qNu.dataSync() as Float32Array;
    const K = pMu.shape[pMu.shape.length - 1];
    const muP = pMu.dataSync() as Float32Array;
    const G = gmmRows(muP, pNu.dataSync() as Float32Array, pW.dataSync() as Float32Array, K);
    const perRow = G.rows > 1;
    const value = new Float32Array(n);
    const gMu = new Float64Array(n);
    const gNu = new Float64Array(n);
    // per weight and prior component: Σ_s of the prior's partials (scaled by dy_i in the backward pass)
    const aMu = new Float64Array(n * K);
    const aNu = new Float64Array(n * K);
    const aW = new Float64Array(n * K);
    const t = new Float64Array(K);
    const ex = new Float64Array(K);
    const dk = new Float64Array(K);
    const inv = 1 / (S * Math.LN2);
    // per weight: σ_i, ℓ'_i and the sums over samples of the term, g and g·ε
    const sigma = new Float64Array(n);
    const dLv = new Float64Array(n);
    const sumTerm = new Float64Array(n);
    const sumG = new Float64Array(n);
    const sumGe = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const lv = logSoftplus(nuQ[i]);
      sigma[i] = Math.exp(0.5 * lv);
      dLv[i] = 1 / (1 + Math.exp(-nuQ[i])) / Math.exp(lv); // sigmoid(ν)/softplus(ν)
      sumTerm[i] = -0.5 * (lv + LOG_2PI + 1) * S; // S × the negative entropy
    }
    const { logPi, ivar, logVar, dLogVar, pi } = G;
    // the per-weight pass: in C where the native kernels are active, else here
    if (!nativeKlGmmPass(n, S, K, perRow, muQ, sigma, eps, muP, G, { sumTerm, sumG, sumGe, aMu, aNu, aW })) {
      // ε transposed to [N, S], so that each weight's samples are contiguous
      const epsT = new Float32Array(S * n);
      for (let s = 0; s < S; s++) for (let i = 0; i < n; i++) epsT[i * S + s] = eps[s * n + i];
      const accMu = new Float64Array(K);
      const accNu = new Float64Array(K);
      const accW = new Float64Array(K);
      for (let i = 0; i < n; i++) {
        const c = muQ[i];
        const sg = sigma[i];
        const base = perRow ? i * K : 0;
        accMu.fill(0);
        accNu.fill(0);
        accW.fill(0);
        let term = sumTerm[i];
        let sg1 = 0;
        let sge = 0;
        for (let s = 0; s < S; s++) {
          const e = epsT[i * S + s];
          const off = sg * e;
          let m = -Infinity;
          let km = 0;
          for (let k = 0; k < K; k++) {
            const jj = base + k;
            const d = c - muP[jj] + off;
            dk[k] = d;
            const tk = logPi[jj] - 0.5 * (d * d * ivar[jj] + logVar[jj] + LOG_2PI);
            t[k] = tk;
            if (tk > m) {
              m = tk;
              km = k;
            }
          }
          if (m === -Infinity) {
            term = Infinity;
            continue;
          }
          let z = 0;
          for (let k = 0; k < K; k++) z += ex[k] = k === km ? 1 : Math.exp(t[k] - m);
          term -= m + Math.log(z);
          let g = 0;
          for (let k = 0; k < K; k++) {
            const jj = base + k;
            const r = ex[k] / z;
            const qd = dk[k] * ivar[jj];
            g -= r * qd;
            accMu[k] -= r * qd;
            accNu[k] -= r * 0.5 * (dk[k] * qd - 1) * dLogVar[jj];
            accW[k] -= r - pi[jj];
          }
          sg1 += g;
          sge += g * e;
        }
        sumTerm[i] = term;
        sumG[i] = sg1;
        sumGe[i] = sge;
        for (let k = 0; k < K; k++) {
          aMu[i * K + k] = accMu[k];
          aNu[i * K + k] = accNu[k];
          aW[i * K + k] = accW[k];
        }
      }
    }
    for (let i = 0; i < n; i++) {
      value[i] = sumTerm[i] * inv;
      gMu[i] = -sumG[i] * inv;
      gNu[i] = (-0.5 * dLv[i] * S - sumGe[i] * 0.5 * sigma[i] * dLv[i]) * inv;
    }
    const gradFunc = (dy: tf.Tensor): tf.Tensor[] => {
      const dyV = dy.dataSync() as Float32Array;
      const dMu = new Float32Array(n);
      const dNu = new Float32Array(n);
      const pRows = G.rows * K;
      const dPMu = new Float64Array(pRows);
      const dPNu = new Float64Array(pRows);
      const dPW = new Float64Array(pRows);
      for (let i = 0; i < n; i++) {
        const g = dyV[i];
        if (g === 0) continue;
        dMu[i] = g * gMu[i];
        dNu[i] = g * gNu[i];
        const base = perRow ? i * K : 0;
        for (let k = 0; k < K; k++) {
          dPMu[base + k] += g * aMu[i * K + k] * inv;
          dPNu[base + k] += g * aNu[i * K + k] * inv;
          dPW[base + k] += g * aW[i * K + k] * inv;
        }
      }
      return [
        tf.tensor(dMu, qMu.shape),
        tf.tensor(dNu, qNu.shape),
        tf.tensor(Float32Array.from(dPMu), pMu.shape),
        tf.tensor(Float32Array.from(dPNu), pNu.shape),
        tf.tensor(Float32Array.from(dPW), pW.shape),
      ];
    };
    return { value: tf.tensor(value, [n]), gradFunc };
  }) as (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor, e: tf.Tensor) => tf.Tensor;
  return op(q.mu, q.nu, p.mu, p.nu, p.w);
}
