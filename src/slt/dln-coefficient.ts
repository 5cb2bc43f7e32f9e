/**
 * The learning coefficient of a deep linear network (Aoyagi 2024, "Consideration on
 * the learning efficiency of multiple-layered neural networks with linear units",
 * Neural Networks 172, Theorem 1; the formula Lau et al. 2023, §5 and App. G, check
 * their SGLD estimates against). A network x ↦ W_L ⋯ W_1 x with layer widths
 * H_0 (input), H_1, …, H_L (output), realising a true map of rank r, has, with
 * M_j = H_j − r and a subset Σ ⊆ {0, …, L} of ℓ + 1 indices such that
 *
 *   max_{σ∈Σ} M_σ < min_{σ∉Σ} M_σ,   Σ_{σ∈Σ} M_σ ≥ ℓ · max_{σ∈Σ} M_σ,   Σ_{σ∈Σ} M_σ < ℓ · min_{σ∉Σ} M_σ,
 *
 *   λ = (−r² + r(H_0 + H_L))/2 + a(ℓ − a)/(4ℓ) − ℓ(ℓ − 1)/4 · (S/ℓ)² + ½ Σ_{i<j ∈ Σ} M_i M_j,
 *
 * where S = Σ_{σ∈Σ} M_σ, a = S − (⌈S/ℓ⌉ − 1) ℓ. For one layer it is H_0 H_1 / 2 (a
 * regular model, λ = d/2); for two it is Aoyagi & Watanabe's (2005) reduced-rank
 * regression coefficient (`reducedRankCoefficient`, an independent check in the tests).
 */
import { UsageError } from "../core/errors";

function checkWidths(widths: readonly number[], rank: number): void {
  if (widths.length < 2) throw new UsageError(`a deep linear network needs at least an input and an output width, got [${widths}]`);
  if (!widths.every((h) => Number.isInteger(h) && h >= 1)) throw new UsageError(`layer widths must be integers ≥ 1, got [${widths}]`);
  if (!(Number.isInteger(rank) && rank >= 0 && rank <= Math.min(...widths))) {
    throw new UsageError(`the true rank must be an integer in 0 … min(widths) = ${Math.min(...widths)}, got ${rank}`);
  }
}

/** Index subsets of {0, …, n − 1}, by size then lexicographically. */
function* subsets(n: number): Generator<number[]> {
  for (let size = 1; size <= n; size++) {
    const idx = Array.from({ length: size }, (_, i) => i);
    for (;;) {
      yield [...idx];
      let i = size - 1;
      while (i >= 0 && idx[i] === n - size + i) i--;
      if (i < 0) break;
      idx[i]++;
      for (let j = i + 1; j < size; j++) idx[j] = idx[j - 1] + 1;
    }
  }
}

/** The subset Σ of Aoyagi's Theorem 1 (module comment), as indices into the widths. */
export function aoyagiSubset(widths: readonly number[], rank: number): number[] {
  checkWidths(widths, rank);
  const m = widths.map((h) => h - rank);
  for (const s of subsets(m.length)) {
    const ell = s.length - 1;
    if (ell < 1) continue;
    const inS = new Set(s);
    const sub = s.map((i) => m[i]);
    const rest = m.filter((_, i) => !inS.has(i));
    const sum = sub.reduce((a, b) => a + b, 0);
    const max = Math.max(...sub);
    if (rest.length && !(max < Math.min(...rest))) continue;
    if (!(sum >= ell * max)) continue;
    if (rest.length && !(sum < ell * Math.min(...rest))) continue;
    return s;
  }
  throw new UsageError(`no subset satisfies Aoyagi's conditions for widths [${widths}] and rank ${rank}`);
}

/** λ of a deep linear network with layer widths [H_0 (input), …, H_L (output)] and true rank r (Aoyagi 2024, Theorem 1). */
export function deepLinearCoefficient(widths: readonly number[], rank: number): number {
  const s = aoyagiSubset(widths, rank);
  const m = s.map((i) => widths[i] - rank);
  const ell = s.length - 1;
  const sum = m.reduce((a, b) => a + b, 0);
  const a = sum - (Math.ceil(sum / ell) - 1) * ell;
  let pairs = 0;
  for (let i = 0; i < m.length; i++) for (let j = i + 1; j < m.length; j++) pairs += m[i] * m[j];
  const H0 = widths[0];
  const HL = widths[widths.length - 1];
  return (-rank * rank + rank * (H0 + HL)) / 2 + (a * (ell - a)) / (4 * ell) - ((ell * (ell - 1)) / 4) * (sum / ell) ** 2 + pairs / 2;
}

/**
 * The learning coefficient of reduced-rank regression x ↦ BAx, A: H × M, B: N × H, with a true
 * map of rank r (Aoyagi & Watanabe 2005, "Stochastic complexities of reduced rank regression
 * in Bayesian estimation", Neural Networks 18, Main Theorem): the two-layer case of
 * `deepLinearCoefficient`, from its own case analysis.
 */
export function reducedRankCoefficient(M: number, H: number, N: number, r: number): number {
  checkWidths([M, H, N], r);
  if (M + H < N + r) return (H * M - H * r + N * r) / 2;
  if (N + H < M + r) return (H * N - H * r + M * r) / 2;
  if (M + N < H + r) return (M * N) / 2;
  const base = 2 * (H + r) * (M + N) - (M - N) ** 2 - (H + r) ** 2;
  return ((M + H + N + r) % 2 === 0 ? base : base + 1) / 8;
}
