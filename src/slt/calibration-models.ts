/**
 * Models whose learning coefficient is known, to calibrate the SGLD estimator
 * (Lau et al. 2023, §5: "we verify the estimator where λ is known"). Each gives an
 * `LlcTarget`, the point w* at which to estimate, the true λ, and — where the
 * localised tempered posterior has a closed-form expectation — the value the
 * estimator converges to at finite (nβ, γ) (`exactAt`), which separates the
 * sampler's error from the bias of finite nβ and γ.
 *
 * - `regularModel`: linear regression y = ⟨w, x⟩ + N(0, 1) with d features; regular, so
 *   λ = d/2 (Watanabe 2009, Remark 1.15). w* is the least-squares solution, so
 *   L_n(w) − L_n(w*) = ½ (w − w*)ᵀ H (w − w*) with H = XᵀX/n, and the localised posterior is
 *   Gaussian: E[nβ(L_n(w) − L_n(w*))] = (nβ/2) tr(H (nβH + γI)⁻¹) → d/2 as γ/nβ → 0.
 * - `productModel`: y = w₁w₂x + N(0, 1) at the truth w₁w₂ = 0, the origin — the minimal
 *   singular model: its Hessian vanishes at w* (a Hessian count gives 0, d/2 gives 1), and
 *   λ = 1/2 with multiplicity 2 (K(w) = (C/2) w₁²w₂², Watanabe 2009, Example 1.2's normal
 *   crossing). The noise is made orthogonal to x so that w* = 0 minimises L_n exactly;
 *   then the expectation is a 1-D integral (w₂ | w₁ is Gaussian): `exactAt`.
 * - `deepLinearModel`: x ↦ W_L ⋯ W_1 x at a factorisation of a rank-r map W₀, with the
 *   population loss of x ∼ N(0, I), y = W₀x + N(0, I): L(w) = ½‖W_L ⋯ W_1 − W₀‖²_F + const
 *   (so nβ may be large without a large data set; n is nominal). λ: Aoyagi 2024
 *   (`deepLinearCoefficient`).
 */
import { UsageError } from "../core/errors";
import { Rng, normal, rngStream } from "../core/rng";
import type { LlcTarget } from "./target";
import { deepLinearCoefficient } from "./dln-coefficient";

/** A model with a known learning coefficient at w*. */
export interface CalibrationModel {
  /** Short name, e.g. "regular d=4". */
  name: string;
  kind: "regular" | "product" | "deep-linear";
  target: LlcTarget;
  wStar: Float64Array;
  /** The learning coefficient λ at w*. */
  truth: number;
  /** Parameters d (d/2 is the regular count). */
  dim: number;
  /** E[nβ(L_n(w) − L_n(w*))] under the localised posterior at (nβ, γ), where it has a closed form; null otherwise. */
  exactAt: ((nbeta: number, gamma: number) => number) | null;
}

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** Rows of a data set drawn for one minibatch (all rows when size ≥ n). */
function rows(n: number, rng: Rng, size: number): number[] {
  if (size >= n) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: size }, () => Math.floor(rng() * n));
}

/** Solves A X = B for symmetric positive-definite A (d × d, row-major) by Gauss–Jordan; returns X (d × k). */
function solve(A: Float64Array, B: Float64Array, d: number, k: number): Float64Array {
  const a = Float64Array.from(A);
  const b = Float64Array.from(B);
  for (let c = 0; c < d; c++) {
    let p = c;
    for (let r = c + 1; r < d; r++) if (Math.abs(a[r * d + c]) > Math.abs(a[p * d + c])) p = r;
    for (let j = 0; j < d; j++) [a[c * d + j], a[p * d + j]] = [a[p * d + j], a[c * d + j]];
    for (let j = 0; j < k; j++) [b[c * k + j], b[p * k + j]] = [b[p * k + j], b[c * k + j]];
    const piv = a[c * d + c];
    if (Math.abs(piv) < 1e-300) throw new UsageError("singular linear system");
    for (let r = 0; r < d; r++) {
      if (r === c) continue;
      const f = a[r * d + c] / piv;
      if (f === 0) continue;
      for (let j = 0; j < d; j++) a[r * d + j] -= f * a[c * d + j];
      for (let j = 0; j < k; j++) b[r * k + j] -= f * b[c * k + j];
    }
  }
  for (let c = 0; c < d; c++) for (let j = 0; j < k; j++) b[c * k + j] /= a[c * d + c];
  return b;
}

/** Linear regression with d features and n examples (module comment). */
export function regularModel(d: number, n: number, seed: number): CalibrationModel {
  if (!(Number.isInteger(d) && d >= 1 && Number.isInteger(n) && n > d)) throw new UsageError(`regular model: need integers d ≥ 1 and n > d, got d = ${d}, n = ${n}`);
  const rng = rngStream(seed, `slt/regular/${d}/${n}`);
  const X = Float64Array.from({ length: n * d }, () => normal(rng));
  const w0 = Array.from({ length: d }, () => normal(rng));
  const y = Float64Array.from({ length: n }, (_, i) => w0.reduce((a, w, j) => a + w * X[i * d + j], 0) + normal(rng));
  const H = new Float64Array(d * d);
  const xy = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      xy[j] += (X[i * d + j] * y[i]) / n;
      for (let k = 0; k < d; k++) H[j * d + k] += (X[i * d + j] * X[i * d + k]) / n;
    }
  }
  const wStar = solve(H, xy, d, 1);
  const loss = (w: Float64Array, idx: number[], grad?: Float64Array) => {
    let s = 0;
    for (const i of idx) {
      let r = y[i];
      for (let j = 0; j < d; j++) r -= w[j] * X[i * d + j];
      s += r * r;
      if (grad) for (let j = 0; j < d; j++) grad[j] -= (r * X[i * d + j]) / idx.length;
    }
    return s / (2 * idx.length) + HALF_LOG_2PI;
  };
  const target: LlcTarget = {
    dim: d,
    n,
    lossAndGrad(w, r, size) {
      const grad = new Float64Array(d);
      return { loss: loss(w, rows(n, r, size), grad), grad };
    },
    fullLoss: (w) => loss(w, rows(n, rngStream(0, "unused"), n)),
  };
  const exactAt = (nbeta: number, gamma: number) => {
    const A = Float64Array.from(H, (h, i) => nbeta * h + (i % (d + 1) === 0 ? gamma : 0));
    const Y = solve(A, H, d, d);
    let tr = 0;
    for (let j = 0; j < d; j++) tr += Y[j * d + j];
    return (nbeta / 2) * tr;
  };
  return { name: `regular (d = ${d})`, kind: "regular", target, wStar, truth: d / 2, dim: d, exactAt };
}

/** y = w₁w₂x + N(0, 1) at the truth w₁w₂ = 0 (module comment). */
export function productModel(n: number, seed: number): CalibrationModel {
  if (!(Number.isInteger(n) && n >= 2)) throw new UsageError(`product model: n must be an integer ≥ 2, got ${n}`);
  const rng = rngStream(seed, `slt/product/${n}`);
  const x = Float64Array.from({ length: n }, () => normal(rng));
  const e = Float64Array.from({ length: n }, () => normal(rng));
  const xx = x.reduce((a, v) => a + v * v, 0);
  const ex = e.reduce((a, v, i) => a + v * x[i], 0);
  const y = Float64Array.from(e, (v, i) => v - (ex / xx) * x[i]); // Σ y x = 0: w* = 0 minimises L_n
  const C = xx / n;
  const loss = (w: Float64Array, idx: number[], grad?: Float64Array) => {
    const u = w[0] * w[1];
    let s = 0;
    let g = 0;
    for (const i of idx) {
      const r = y[i] - u * x[i];
      s += r * r;
      g -= r * x[i];
    }
    if (grad) {
      grad[0] = (g / idx.length) * w[1];
      grad[1] = (g / idx.length) * w[0];
    }
    return s / (2 * idx.length) + HALF_LOG_2PI;
  };
  const target: LlcTarget = {
    dim: 2,
    n,
    lossAndGrad(w, r, size) {
      const grad = new Float64Array(2);
      return { loss: loss(w, rows(n, r, size), grad), grad };
    },
    fullLoss: (w) => loss(w, rows(n, rngStream(0, "unused"), n)),
  };
  // E[nβ (C/2) w₁²w₂²]: w₂ | w₁ ∼ N(0, 1/a), a = nβCw₁² + γ; w₁'s marginal ∝ exp(−γw₁²/2) a^(−1/2)
  const exactAt = (nbeta: number, gamma: number) => {
    // the integrand is even in w₁ and peaks in a band of width ~√(γ/(nβC)) around 0: a log-spaced grid w₁ = e^s
    const lo = Math.log(1e-9 * Math.sqrt(gamma / (nbeta * C + gamma)));
    const hi = Math.log(12 / Math.sqrt(gamma));
    const N = 20_001;
    let num = 0;
    let den = 0;
    for (let k = 0; k < N; k++) {
      const w1 = Math.exp(lo + ((hi - lo) * k) / (N - 1));
      const a = nbeta * C * w1 * w1 + gamma;
      const m = (w1 * Math.exp(-0.5 * gamma * w1 * w1)) / Math.sqrt(a); // × dw₁/ds = w₁
      const wt = k === 0 || k === N - 1 ? 0.5 : 1;
      num += (wt * m * ((C / 2) * w1 * w1)) / a;
      den += wt * m;
    }
    return (nbeta * num) / den;
  };
  return { name: "product w₁w₂ (d = 2)", kind: "product", target, wStar: new Float64Array(2), truth: 0.5, dim: 2, exactAt };
}

/** C = A B for A (p × q), B (q × s), row-major. */
function matmul(A: Float64Array, B: Float64Array, p: number, q: number, s: number): Float64Array {
  const C = new Float64Array(p * s);
  for (let i = 0; i < p; i++) for (let k = 0; k < q; k++) {
    const a = A[i * q + k];
    if (a !== 0) for (let j = 0; j < s; j++) C[i * s + j] += a * B[k * s + j];
  }
  return C;
}

function transpose(A: Float64Array, p: number, q: number): Float64Array {
  const T = new Float64Array(p * q);
  for (let i = 0; i < p; i++) for (let j = 0; j < q; j++) T[j * p + i] = A[i * q + j];
  return T;
}

const identity = (n: number) => Float64Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0));

/**
 * A deep linear network with widths [H_0 (input), …, H_L (output)] at a factorisation of a
 * random rank-r map W₀ = U Vᵀ (module comment): W_1 = [Vᵀ; 0], W_k = diag(I_r, 0), W_L = [U 0].
 */
export function deepLinearModel(widths: readonly number[], rank: number, seed: number): CalibrationModel {
  const truth = deepLinearCoefficient(widths, rank);
  const L = widths.length - 1;
  const rng = rngStream(seed, `slt/dln/${widths.join("-")}/${rank}`);
  const H0 = widths[0];
  const HL = widths[L];
  const U = Float64Array.from({ length: HL * rank }, () => normal(rng));
  const V = Float64Array.from({ length: H0 * rank }, () => normal(rng));
  const W0 = matmul(U, transpose(V, H0, rank), HL, rank, H0);
  const sizes = widths.slice(1).map((h, k) => h * widths[k]); // W_{k+1}: H_{k+1} × H_k
  const offsets = sizes.map((_, k) => sizes.slice(0, k).reduce((a, b) => a + b, 0));
  const dim = sizes.reduce((a, b) => a + b, 0);
  const wStar = new Float64Array(dim);
  for (let k = 0; k < L; k++) {
    const rowsK = widths[k + 1];
    const cols = widths[k];
    for (let i = 0; i < rowsK; i++) for (let j = 0; j < cols; j++) {
      let v = 0;
      if (L === 1) v = W0[i * cols + j];
      else if (k === 0) v = i < rank ? V[j * rank + i] : 0;
      else if (k === L - 1) v = j < rank ? U[i * rank + j] : 0;
      else v = i === j && i < rank ? 1 : 0;
      wStar[offsets[k] + i * cols + j] = v;
    }
  }
  const layer = (w: Float64Array, k: number) => w.subarray(offsets[k], offsets[k] + sizes[k]);
  const constant = (HL / 2) * (1 + Math.log(2 * Math.PI));
  const evaluate = (w: Float64Array, grad?: Float64Array) => {
    // prefix[k] = W_k ⋯ W_1 (H_k × H_0), prefix[0] = I
    const prefix: Float64Array[] = [identity(H0)];
    for (let k = 0; k < L; k++) prefix.push(matmul(layer(w, k), prefix[k], widths[k + 1], widths[k], H0));
    const P = prefix[L];
    const G = Float64Array.from(P, (p, i) => p - W0[i]);
    const loss = 0.5 * G.reduce((a, g) => a + g * g, 0) + constant;
    if (grad) {
      // suffix = W_L ⋯ W_{k+2} (H_L × H_{k+1}); ∂/∂W_{k+1} = suffixᵀ G prefix[k]ᵀ
      let suffix = identity(HL);
      for (let k = L - 1; k >= 0; k--) {
        const left = matmul(transpose(suffix, HL, widths[k + 1]), G, widths[k + 1], HL, H0);
        const g = matmul(left, transpose(prefix[k], widths[k], H0), widths[k + 1], H0, widths[k]);
        grad.set(g, offsets[k]);
        suffix = matmul(suffix, layer(w, k), HL, widths[k + 1], widths[k]);
      }
    }
    return loss;
  };
  const target: LlcTarget = {
    dim,
    n: 1_000_000,
    lossAndGrad(w) {
      const grad = new Float64Array(dim);
      return { loss: evaluate(w, grad), grad };
    },
    fullLoss: (w) => evaluate(w),
  };
  return { name: `deep linear [${widths.join(", ")}], rank ${rank} (d = ${dim})`, kind: "deep-linear", target, wStar, truth, dim, exactAt: null };
}

/** The calibration suite of notebook 07: the regular, w₁w₂, two-layer and deep linear models. */
export interface CalibrationSuite {
  /** Features d of the regular model. */
  regularDim: number;
  /** Examples n of the regular and w₁w₂ models. */
  examples: number;
  reducedRank: { widths: number[]; rank: number };
  deepLinear: { widths: number[]; rank: number };
}

export function calibrationSuite(s: CalibrationSuite, seed: number): CalibrationModel[] {
  return [regularModel(s.regularDim, s.examples, seed), productModel(s.examples, seed), deepLinearModel(s.reducedRank.widths, s.reducedRank.rank, seed), deepLinearModel(s.deepLinear.widths, s.deepLinear.rank, seed)];
}
