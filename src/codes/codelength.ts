/**
 * The adaptive variational codelength (eq. 86):
 *   L = L_Ψ(ψ) + KL[β(·; φ) ‖ α(·; ψ)] − log₂ p(Y | X; φ),
 * reported as a record `{ klBits, nllBits, priorBits, totalBits }`.
 *
 * How L_Ψ is counted: the prior parameters ψ (for each prior group, K components
 * × (μ, ν, w)) are sent as IEEE floats of `bitsPerParameter` bits each (default
 * 32, the precision they are trained and stored in). It is a fixed, Kraft-valid
 * code; a user can pass a cheaper one. The paper's tables report KL + NLL only
 * (e.g. Table 2: 516.9 + 258.8 = 775.7), i.e. they leave L_Ψ out; `paperBits`
 * gives that sum for comparisons with the paper.
 */

/** A codelength in bits, split as in eq. 86. */
export interface Codelength {
  /** KL[β ‖ α] in bits: the model cost under bits-back. */
  klBits: number;
  /** −log₂ p(Y | X) under the posterior, in bits: the data cost. */
  nllBits: number;
  /** L_Ψ: the cost of the adaptive prior's own parameters, in bits. */
  priorBits: number;
  /** klBits + nllBits + priorBits. */
  totalBits: number;
  /** klBits + nllBits: the quantity the paper's tables call "Codelength". */
  paperBits: number;
}

/** Size of the adaptive prior: number of GMM prior groups and components per group. */
export interface PriorShape {
  groups: number;
  components: number;
  /** Parameters per group fixed in advance and so not coded (a zero component's μ₀ and π₀: 2); default 0. */
  fixedPerGroup?: number;
}

/** L_Ψ in bits: 3 parameters (μ, ν, w) per component per group, less the fixed ones, at `bitsPerParameter` bits each. */
export function priorParameterBits(shape: PriorShape, bitsPerParameter = 32): number {
  return shape.groups * (shape.components * 3 - (shape.fixedPerGroup ?? 0)) * bitsPerParameter;
}

/** The eq. 86 record from its parts (all in bits). */
export function codelength(klBits: number, nllBits: number, priorBits: number): Codelength {
  return { klBits, nllBits, priorBits, totalBits: klBits + nllBits + priorBits, paperBits: klBits + nllBits };
}
