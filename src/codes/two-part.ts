/**
 * Codes over a countable hypothesis set given as (description length, model function) pairs,
 * in bits (Sections 3–5, B.7):
 *
 *  - the NLL of labels under a model function's logits, eq. 1: −log₂ Π σ(f(x))_y;
 *  - the two-part code, eqs. 2–3 and Definition 3: min_h −log₂ α(h) − log₂ p(Y | X; h), which
 *    for a prefix machine with α(z) = 2^{−|z|} over 𝒵_{T,R} is C^{2p}_{T,R}(Y | X);
 *  - the Bayesian code, eq. 58: −log₂ Σ_h α(h) p(Y | X; h) (C^bayes of eq. 13 when α is the
 *    algorithmic probability); Lemma 4 (eq. 75) gives C^bayes ≤ C^{2p} for the same α;
 *  - the uniform code of the labels: n · log₂ |Y|.
 * Log-space throughout, so a hypothesis of probability 2^{−10⁴} costs 10⁴ bits, not −∞.
 */
import { UsageError } from "../core/errors";

/** One hypothesis of a code: its description length −log₂ α(h) and the data's NLL under it, both in bits. */
export interface Hypothesis {
  lengthBits: number;
  nllBits: number;
}

/** −log₂ σ(logits)_y (eq. 1) in bits, computed in log-space. */
export function labelNllBits(logits: readonly number[], y: number): number {
  if (!Number.isInteger(y) || y < 0 || y >= logits.length) throw new UsageError(`label ${y} out of range 0…${logits.length - 1}`);
  const m = Math.max(...logits);
  let s = 0;
  for (const l of logits) s += Math.exp(l - m);
  return (m + Math.log(s) - logits[y]) / Math.LN2;
}

/** −log₂ p(Y | X; f) (eq. 1): the sum of `labelNllBits` over the examples, given each example's logits. */
export function datasetNllBits(logits: readonly (readonly number[])[], labels: readonly number[]): number {
  if (logits.length !== labels.length) throw new UsageError(`${logits.length} logit rows for ${labels.length} labels`);
  let s = 0;
  for (let i = 0; i < labels.length; i++) s += labelNllBits(logits[i], labels[i]);
  return s;
}

/** The uniform code of n labels over |Y| classes: n · log₂ |Y| bits. */
export function uniformCodeBits(n: number, classes: number): number {
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`the number of labels must be an integer ≥ 0, got ${n}`);
  if (!Number.isInteger(classes) || classes < 1) throw new UsageError(`the number of classes must be an integer ≥ 1, got ${classes}`);
  return n * Math.log2(classes);
}

/** The two-part code's minimum over `hypotheses` (eq. 3): its bits and the index of a minimiser (the first), or null when there is none. */
export function twoPartCode(hypotheses: readonly Hypothesis[]): { bits: number; index: number } | null {
  let best: { bits: number; index: number } | null = null;
  hypotheses.forEach((h, index) => {
    const bits = h.lengthBits + h.nllBits;
    if (best === null || bits < best.bits) best = { bits, index };
  });
  return best;
}

/**
 * The Bayesian code (eq. 58) with prior α(h) = 2^{−lengthBits}: −log₂ Σ_h 2^{−lengthBits − nllBits}
 * by log-sum-exp, or null for an empty set. The prior is not renormalised (a semimeasure, as the
 * paper allows, footnote 4), so the code equals eq. 58 term by term.
 */
export function bayesCode(hypotheses: readonly Hypothesis[]): number | null {
  if (hypotheses.length === 0) return null;
  const e = hypotheses.map((h) => -(h.lengthBits + h.nllBits));
  const m = Math.max(...e);
  let s = 0;
  for (const v of e) s += Math.pow(2, v - m);
  return -(m + Math.log2(s));
}
