/**
 * Gaussian mixture models as parameterised in B.9.1 (eqs. 88–90):
 * means μ_k, variance parameters ν_k with σ_k² = softplus(ν_k), mixing logits
 * w_k with π = softmax(w). Densities are computed in log space (nats inside this
 * module), so ν → −∞ (a component collapsing to a delta) and components that
 * coincide stay finite and NaN-free.
 *
 * Two flavours: float64 scalar functions (`gmmLogPdf`, …) for exact analysis,
 * figures and tests, and tfjs tensor functions (`…T`) for training, where a GMM
 * is a record of tensors whose last axis indexes components.
 */
import * as tf from "@tensorflow/tfjs";
import { LOG_2PI } from "./normal";
import type { Rng } from "../core/rng";
import { normal } from "../core/rng";
import { densityGrid } from "./gmm-summary";

export { densityGrid } from "./gmm-summary";

/** A scalar GMM (B.9.1): component means μ, variance parameters ν (σ² = softplus ν), mixing logits w. */
export interface Gmm {
  readonly mu: readonly number[];
  readonly nu: readonly number[];
  readonly w: readonly number[];
}

/** softplus(x) = log(1 + eˣ) (eq. 90), stable for all x. */
export function softplus(x: number): number {
  return x > 30 ? x : Math.log1p(Math.exp(x));
}

/** log softplus(x) = log σ², exact in float64 down to x = −745 and linear (≈ x) below. */
export function logSoftplus(x: number): number {
  return x < -30 ? x - 0.5 * Math.exp(x) : Math.log(softplus(x));
}

/** ν such that softplus(ν) = σ² (σ² > 0). */
export function inverseSoftplus(sigma2: number): number {
  if (!(sigma2 > 0)) throw new RangeError(`inverseSoftplus: σ² must be positive, got ${sigma2}`);
  return sigma2 > 30 ? sigma2 : sigma2 < 1e-12 ? Math.log(sigma2) : Math.log(Math.expm1(sigma2));
}

/** log π_k = log softmax(w)_k (eq. 89). */
export function logMixing(w: readonly number[]): number[] {
  const m = Math.max(...w);
  const lse = m + Math.log(w.reduce((s, x) => s + Math.exp(x - m), 0));
  return w.map((x) => x - lse);
}

/** Builds a GMM, checking that μ, ν and w have one entry per component (w defaults to equal weights). */
export function gmm(mu: readonly number[], nu: readonly number[], w?: readonly number[]): Gmm {
  const weights = w ?? mu.map(() => 0);
  if (mu.length === 0 || nu.length !== mu.length || weights.length !== mu.length) {
    throw new RangeError(`gmm: μ, ν and w need the same non-zero length, got ${mu.length}, ${nu.length}, ${weights.length}`);
  }
  if ([...mu, ...nu].some((x) => Number.isNaN(x)) || weights.some((x) => Number.isNaN(x))) {
    throw new RangeError("gmm: NaN parameter");
  }
  return { mu: [...mu], nu: [...nu], w: [...weights] };
}

/** A single Gaussian N(μ, σ²) as a one-component GMM. */
export function gaussian(mu: number, sigma2: number): Gmm {
  return gmm([mu], [inverseSoftplus(sigma2)], [0]);
}

/** A GMM from means, variances σ² and mixing probabilities π (convenience for the paper's priors). */
export function gmmFromMoments(mu: readonly number[], sigma2: readonly number[], pi?: readonly number[]): Gmm {
  return gmm(
    mu,
    sigma2.map(inverseSoftplus),
    (pi ?? mu.map(() => 1)).map((p) => (p > 0 ? Math.log(p) : -1e9)),
  );
}

/** Component variances σ_k² = softplus(ν_k). */
export function variances(g: Gmm): number[] {
  return g.nu.map(softplus);
}

/** log GMM(x) (eq. 88), in nats; log-sum-exp over components. */
export function gmmLogPdf(g: Gmm, x: number): number {
  return gmmLogPdfSplit(g, x, 0);
}

/** Per-component constants of a GMM, computed once per GMM object (quadrature calls this millions of times). */
interface Prepared {
  mu: Float64Array;
  /** log π_k − ½(log 2π + log σ_k²) */
  logNorm: Float64Array;
  /** 1 / σ_k², or Infinity where σ_k² underflows */
  invVar: Float64Array;
}
const prepared = new WeakMap<Gmm, Prepared>();

function prepare(g: Gmm): Prepared {
  let p = prepared.get(g);
  if (!p) {
    const logPi = logMixing(g.w);
    const logVar = g.nu.map(logSoftplus);
    p = {
      mu: Float64Array.from(g.mu),
      logNorm: Float64Array.from(logPi.map((lp, k) => lp - 0.5 * (LOG_2PI + logVar[k]))),
      invVar: Float64Array.from(logVar.map((lv) => Math.exp(-lv))),
    };
    prepared.set(g, p);
  }
  return p;
}

/**
 * log GMM(center + offset) in nats, with x − μ_k formed as (center − μ_k) + offset
 * so that a sample offset far below the float resolution of μ is not lost.
 */
export function gmmLogPdfSplit(g: Gmm, center: number, offset: number): number {
  const { mu, logNorm, invVar } = prepare(g);
  const k = mu.length;
  let m = -Infinity;
  const terms = k <= 8 ? scratch : new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const d = center - mu[i] + offset;
    const t = d === 0 ? logNorm[i] : logNorm[i] - 0.5 * d * d * invVar[i];
    terms[i] = t;
    if (t > m) m = t;
  }
  if (m === -Infinity) return -Infinity;
  let sum = 0;
  for (let i = 0; i < k; i++) sum += Math.exp(terms[i] - m);
  return m + Math.log(sum);
}
const scratch = new Float64Array(8);

/**
 * The number of modes (local maxima) of a GMM density. Evaluated in log space on a grid built
 * from the components themselves — uniform over [min μ − 6σ, max μ + 6σ] plus points every σ_k/4
 * within ±6σ_k of each component with π_k > 0 — so spikes of any width and at any location
 * (compiled weights sit at ±100) are found. Components that merge count once.
 */
export function countModes(g: Gmm): number {
  const pi = logMixing(g.w).map(Math.exp);
  const comps = g.mu.map((mu, k) => ({ mu, sigma: Math.sqrt(softplus(g.nu[k])), pi: pi[k] })).filter((c) => c.pi > 0);
  if (comps.length === 0) return 0;
  const lo = Math.min(...comps.map((c) => c.mu - 6 * c.sigma));
  const hi = Math.max(...comps.map((c) => c.mu + 6 * c.sigma));
  const grid = densityGrid(comps, lo, hi, { points: 4001, reach: 6, perSigma: 4 });
  // runs of equal values (plateaus, near-coincident grid points) count as one point
  const ys: number[] = [];
  for (const x of grid) {
    const y = gmmLogPdf(g, x);
    if (y !== ys[ys.length - 1]) ys.push(y);
  }
  let modes = 0;
  for (let i = 0; i < ys.length; i++) {
    const left = i > 0 ? ys[i - 1] : -Infinity;
    const right = i < ys.length - 1 ? ys[i + 1] : -Infinity;
    if (ys[i] > left && ys[i] > right) modes++;
  }
  return modes;
}

/** GMM(x), the density (eq. 88). */
export function gmmPdf(g: Gmm, x: number): number {
  return Math.exp(gmmLogPdf(g, x));
}

/** One draw from the GMM: a component by π, then μ_k + σ_k·ε. */
export function gmmSample(g: Gmm, rng: Rng): number {
  const pi = logMixing(g.w).map(Math.exp);
  let u = rng();
  let k = 0;
  while (k < pi.length - 1 && u >= pi[k]) u -= pi[k++];
  return g.mu[k] + Math.sqrt(softplus(g.nu[k])) * normal(rng);
}

// ---------------------------------------------------------------------------
// Tensor flavour (tfjs). Shapes: a GMM's tensors are [..., K]; samples are [...].

/** A GMM whose parameters are tensors with components on the last axis: μ, ν, w each [..., K]. */
export type GmmTensors = {
  mu: tf.Tensor;
  nu: tf.Tensor;
  w: tf.Tensor;
};

/**
 * A sample x = center + offset, kept split so that x − μ_k is computed as
 * (center − μ_k) + offset. In float32, μ + σε rounds to μ once σ ≲ 1e−8·|μ|
 * (ν ≲ −37); the split keeps the Gaussian term exact down to ν = −80.
 */
export type SplitSample = {
  center: tf.Tensor;
  offset: tf.Tensor;
};

/** log σ² = log softplus(ν), tensor flavour (finite in float32 for ν ≥ −80). */
export function logVarianceT(nu: tf.Tensor): tf.Tensor {
  return tf.log(tf.softplus(nu));
}

/**
 * log GMM(x) in nats at x = center + offset (shape [...]); the GMM's tensors broadcast as [..., K].
 * On the wasm and cpu backends, when center and offset have one shape [..., N] and the
 * GMM's tensors are [K] or [N, K], it runs as one host pass (`gmmLogPdfFusedT`: same
 * value and gradient up to float rounding, and no [..., N, K] intermediates kept for
 * the backward pass — at the paper's model size those exceed the wasm heap); otherwise
 * as tfjs ops (`gmmLogPdfOpsT`).
 */
export function gmmLogPdfT(g: GmmTensors, x: SplitSample): tf.Tensor {
  const backend = tf.getBackend();
  if ((backend === "wasm" || backend === "cpu") && fusedShapes(g, x)) return gmmLogPdfFusedT(g, x);
  return gmmLogPdfOpsT(g, x);
}

/** Whether `gmmLogPdfFusedT` takes these shapes: center, offset [..., N]; μ, ν, w all [K] or [N, K] (leading 1s allowed). */
function fusedShapes(g: GmmTensors, x: SplitSample): boolean {
  const xs = x.center.shape;
  if (xs.length === 0 || xs.length !== x.offset.shape.length || xs.some((d, i) => d !== x.offset.shape[i])) return false;
  const n = xs[xs.length - 1];
  const gs = g.mu.shape;
  if (!gs.length || g.nu.shape.join() !== gs.join() || g.w.shape.join() !== gs.join()) return false;
  if (gs.length === 1) return true;
  return gs[gs.length - 2] === n && gs.slice(0, -2).every((d) => d === 1);
}

/**
 * `gmmLogPdfT` and its gradient in one host pass each, in float64; the forward pass
 * keeps the responsibilities r_k (float32, host memory) for the backward pass. With
 * t_k = log π_k − ½(d_k²/σ_k² + log σ_k² + log 2π), d_k = (c − μ_k) + o, value = logsumexp_k t_k:
 * ∂/∂c = ∂/∂o = −Σ_k r_k d_k/σ_k², ∂/∂μ_k = r_k d_k/σ_k²,
 * ∂/∂ν_k = r_k ½(d_k²/σ_k² − 1)·sigmoid(ν_k)/softplus(ν_k), ∂/∂w_k = r_k − π_k.
 * Shapes as `fusedShapes` requires.
 */
export function gmmLogPdfFusedT(g: GmmTensors, x: SplitSample): tf.Tensor {
  if (!fusedShapes(g, x)) throw new RangeError(`gmmLogPdfFusedT: unsupported shapes [${x.center.shape}], GMM [${g.mu.shape}]`);
  return fusedGmmLogPdf(g.mu, g.nu, g.w, x.center, x.offset);
}

/** Per-row constants of a GMM block [rows, K]: log π, π, log σ², 1/σ², ∂ log σ²/∂ν (host passes here and in kl.ts). */
export function gmmRows(mu: Float32Array, nu: Float32Array, w: Float32Array, K: number) {
  const rows = mu.length / K;
  const logPi = new Float64Array(rows * K);
  const pi = new Float64Array(rows * K);
  const logVar = new Float64Array(rows * K);
  const ivar = new Float64Array(rows * K);
  const dLogVar = new Float64Array(rows * K);
  for (let r = 0; r < rows; r++) {
    let m = -Infinity;
    for (let k = 0; k < K; k++) m = Math.max(m, w[r * K + k]);
    let z = 0;
    for (let k = 0; k < K; k++) z += Math.exp(w[r * K + k] - m);
    const lz = m + Math.log(z);
    for (let k = 0; k < K; k++) {
      const i = r * K + k;
      logPi[i] = w[i] - lz;
      pi[i] = Math.exp(logPi[i]);
      logVar[i] = logSoftplus(nu[i]);
      ivar[i] = Math.exp(-logVar[i]);
      // d log softplus(ν)/dν = sigmoid(ν)/softplus(ν)
      dLogVar[i] = 1 / (1 + Math.exp(-nu[i])) / softplus(nu[i]);
    }
  }
  return { rows, logPi, pi, logVar, ivar, dLogVar };
}

const fusedGmmLogPdf = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [mu, nu, w, center, offset] = args as tf.Tensor[];
  const K = mu.shape[mu.shape.length - 1];
  const n = center.shape[center.shape.length - 1];
  const muV = mu.dataSync() as Float32Array;
  const c = center.dataSync() as Float32Array;
  const o = offset.dataSync() as Float32Array;
  const G = gmmRows(muV, nu.dataSync() as Float32Array, w.dataSync() as Float32Array, K);
  const perRow = G.rows > 1;
  const t = new Float64Array(K);
  const ex = new Float64Array(K);
  let top = 0;
  /** Fills t with the K terms at element e, ex with exp(t_k − max) and `top` with the max; returns Σ_k ex_k. */
  const terms = (e: number): number => {
    const base = perRow ? (e % n) * K : 0;
    let m = -Infinity;
    let km = 0;
    for (let k = 0; k < K; k++) {
      const i = base + k;
      const d = c[e] - muV[i] + o[e];
      t[k] = G.logPi[i] - 0.5 * (d * d * G.ivar[i] + G.logVar[i] + LOG_2PI);
      if (t[k] > m) {
        m = t[k];
        km = k;
      }
    }
    top = m;
    let s = 0;
    for (let k = 0; k < K; k++) s += ex[k] = k === km ? 1 : Math.exp(t[k] - m);
    return s;
  };
  const value = new Float32Array(c.length);
  // responsibilities r_k, kept on the host (not the backend's heap) for the backward pass
  const resp = new Float32Array(c.length * K);
  for (let e = 0; e < c.length; e++) {
    const s = terms(e);
    value[e] = top === -Infinity ? -Infinity : top + Math.log(s);
    if (top !== -Infinity) for (let k = 0; k < K; k++) resp[e * K + k] = ex[k] / s;
  }
  const gradFunc = (dy: tf.Tensor): tf.Tensor[] => {
    const dyV = dy.dataSync() as Float32Array;
    const dMu = new Float64Array(muV.length);
    const dNu = new Float64Array(muV.length);
    const dW = new Float64Array(muV.length);
    const dX = new Float32Array(c.length);
    for (let e = 0; e < c.length; e++) {
      const g = dyV[e];
      if (g === 0 || value[e] === -Infinity) continue;
      const base = perRow ? (e % n) * K : 0;
      let dx = 0;
      for (let k = 0; k < K; k++) {
        const i = base + k;
        const r = g * resp[e * K + k];
        const d = c[e] - muV[i] + o[e];
        const q = d * G.ivar[i];
        dx -= r * q;
        dMu[i] += r * q;
        dNu[i] += r * 0.5 * (d * q - 1) * G.dLogVar[i];
        dW[i] += r - g * G.pi[i];
      }
      dX[e] = dx;
    }
    return [
      tf.tensor(Float32Array.from(dMu), mu.shape),
      tf.tensor(Float32Array.from(dNu), nu.shape),
      tf.tensor(Float32Array.from(dW), w.shape),
      tf.tensor(dX, center.shape),
      tf.tensor(Float32Array.from(dX), offset.shape),
    ];
  };
  return { value: tf.tensor(value, center.shape), gradFunc };
}) as (mu: tf.Tensor, nu: tf.Tensor, w: tf.Tensor, center: tf.Tensor, offset: tf.Tensor) => tf.Tensor;

/** `gmmLogPdfT` as tfjs ops (any backend and broadcast; the reference for the fused pass). */
export function gmmLogPdfOpsT(g: GmmTensors, x: SplitSample): tf.Tensor {
  return tf.tidy(() => {
    const logVar = logVarianceT(g.nu);
    const d = tf.add(tf.sub(tf.expandDims(x.center, -1), g.mu), tf.expandDims(x.offset, -1)); // [..., K]
    const quad = tf.mul(tf.square(d), tf.exp(tf.neg(logVar)));
    const terms = tf.sub(tf.logSoftmax(g.w), tf.mul(0.5, tf.add(tf.add(quad, logVar), LOG_2PI)));
    return tf.logSumExp(terms, -1);
  });
}

/** Reparameterised Gaussian sample μ + σ·ε (ε ~ N(0,1) given, same shape as μ). */
export function sampleGaussianT(mu: tf.Tensor, nu: tf.Tensor, eps: tf.Tensor): SplitSample {
  return { center: mu, offset: tf.tidy(() => tf.mul(tf.sqrt(tf.softplus(nu)), eps)) };
}

/**
 * One-hot of the argmax in the forward pass, gradient of the soft input in the
 * backward pass: the straight-through estimator (Jang et al., 2017; C.1).
 */
const straightThrough = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const soft = args[0] as tf.Tensor;
  const k = soft.shape[soft.shape.length - 1];
  const hard = tf.tidy(() => tf.cast(tf.oneHot(tf.argMax(soft, -1), k), "float32"));
  return { value: hard, gradFunc: (dy: tf.Tensor) => dy };
}) as (soft: tf.Tensor) => tf.Tensor;

/**
 * Straight-through Gumbel-softmax sample from a GMM (C.1; temperature 0.1 there):
 * component indicator y = onehot(argmax((w + g)/τ)) forward, ∂softmax((w + g)/τ)
 * backward; value Σ_k y_k (μ_k + σ_k ε_k). `uniform` (for the Gumbel noise
 * g = −log(−log u)) and `eps` are [..., K]; the returned sample is [...].
 */
export function sampleGmmStraightThroughT(g: GmmTensors, uniform: tf.Tensor, eps: tf.Tensor, temperature: number): SplitSample {
  if (!(temperature > 0)) throw new RangeError(`Gumbel-softmax temperature must be > 0, got ${temperature}`);
  return tf.tidy(() => {
    const gumbel = tf.neg(tf.log(tf.neg(tf.log(uniform))));
    const y = straightThrough(tf.softmax(tf.div(tf.add(g.w, gumbel), temperature)));
    const center = tf.sum(tf.mul(y, g.mu), -1);
    const offset = tf.sum(tf.mul(y, tf.mul(tf.sqrt(tf.softplus(g.nu)), eps)), -1);
    return { center, offset };
  });
}

/** Uploads a scalar GMM as tensors of shape [K]. */
export function gmmToTensors(g: Gmm): GmmTensors {
  return { mu: tf.tensor1d([...g.mu]), nu: tf.tensor1d([...g.nu]), w: tf.tensor1d([...g.w]) };
}

/** Disposes a GmmTensors record. */
export function disposeGmm(g: GmmTensors): void {
  tf.dispose([g.mu, g.nu, g.w]);
}
