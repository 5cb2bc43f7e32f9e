/**
 * Theorem 2's codelength, measured (B.10): from the weights h^{R,z} that zmap
 * compiles for program z, build the posterior φ^{R,z} and prior ψ^R of the
 * proof and compute KL[β(·; φ) ‖ α(·; ψ)] in bits, group by group (eq. 100):
 *
 *  - prompt-embedding column 0 (the program tape, eq. 53–54): prior ½δ(−1) + ½δ(+1)
 *    (Rademacher; or ½δ(lo) + ½δ(hi) for another pair of levels); rows 1 … |z|
 *    hold a level as delta posteriors → 1 bit each (B.9.2);
 *    rows |z| + 1 … R_s get the Rademacher posterior (eq. 96) → 0 bits;
 *  - every other prompt-embedding column is constant over rows → prior = posterior
 *    = a delta at that value → 0 bits;
 *  - every other weight tensor is one prior group whose optimal prior is a mixture
 *    of deltas at its unique values (B.9.3) → N·H(p) bits; their sum is c_T.
 *
 * So KL = |z| + c_T with c_T independent of z and R. We *check* each premise on
 * the actual weights (±1 program bits, constant columns, same non-prompt weights
 * for every z) instead of assuming it, and report what we measured.
 */
import { KcdlError } from "../core/errors";
import { optimalPrior } from "../codes/optimal-prior";

/** A named weight tensor, row-major. */
export interface NamedWeights {
  name: string;
  shape: number[];
  values: ArrayLike<number>;
}

export interface Theorem2Input {
  weights: NamedWeights[];
  /** Name of the prompt-embedding table [R_s, d]. */
  promptTable: string;
  /** Its column holding the program bits b_i (eq. 53; default 0). */
  programColumn?: number;
  /** |z|. */
  programBits: number;
  /**
   * The two weight values a program bit takes in that column, [bit 0, bit 1]
   * (eq. 54: [−1, +1]; our compiler's binary variables: [0, s]). The program
   * column's prior is ½δ(lo) + ½δ(hi).
   */
  programLevels?: [number, number];
  /** Values closer than this are one quantisation level in B.9.3 (default 0). */
  tolerance?: number;
}

export interface Theorem2Group {
  group: string;
  weights: number;
  uniqueValues: number;
  klBits: number;
}

export interface Theorem2Kl {
  /** KL in bits = programKlBits + cT. */
  klBits: number;
  /** KL of the program column: |z| when every premise holds. */
  programKlBits: number;
  /** KL of the constant prompt columns (0 when they are constant). */
  promptOtherKlBits: number;
  /** Σ over non-prompt groups of N·H(p): the machine's constant c_T. */
  cT: number;
  groups: Theorem2Group[];
  /** Total weight count, and how many of them are prompt embeddings. */
  weightCount: number;
  promptWeightCount: number;
}

/** The KL of B.10's construction for one zmap output, in bits, with every premise checked. */
export function theorem2Kl(input: Theorem2Input): Theorem2Kl {
  const col0 = input.programColumn ?? 0;
  const tol = input.tolerance ?? 0;
  const table = input.weights.find((w) => w.name === input.promptTable);
  if (!table) throw new KcdlError(`no weight tensor '${input.promptTable}' (have: ${input.weights.map((w) => w.name).join(", ")})`);
  if (table.shape.length !== 2) throw new KcdlError(`'${input.promptTable}' must be a [R_s, d] table, got shape [${table.shape}]`);
  const [rs, d] = table.shape;
  const z = input.programBits;
  if (!Number.isInteger(z) || z < 1 || z > rs) throw new KcdlError(`|z| = ${z} must be in 1…R_s = ${rs}`);
  const at = (r: number, c: number) => table.values[r * d + c];

  // Program column: rows < |z| must hold one of the two levels (eq. 54), each a delta under the
  // two-point prior ½δ(lo) + ½δ(hi): 1 bit.
  const [lo, hi] = input.programLevels ?? [-1, 1];
  for (let r = 0; r < z; r++) {
    const b = at(r, col0);
    if (Math.abs(b - lo) > tol && Math.abs(b - hi) > tol) {
      throw new KcdlError(`prompt row ${r + 1}, column ${col0} is ${b}, not ${lo} or ${hi}: not a program bit (eq. 54)`);
    }
  }
  const programKlBits = z;

  // Other prompt columns: constant over all R_s rows → delta prior = delta posterior, 0 bits.
  let promptOtherKlBits = 0;
  for (let c = 0; c < d; c++) {
    if (c === col0) continue;
    const column = Array.from({ length: rs }, (_, r) => at(r, c));
    promptOtherKlBits += optimalPrior(column, { tolerance: tol }).klBits;
  }

  const groups: Theorem2Group[] = [];
  let cT = 0;
  let weightCount = 0;
  for (const w of input.weights) {
    weightCount += w.values.length;
    if (w.name === input.promptTable) continue;
    const p = optimalPrior(w.values, { tolerance: tol });
    groups.push({ group: w.name, weights: w.values.length, uniqueValues: p.histogram.values.length, klBits: p.klBits });
    cT += p.klBits;
  }
  return {
    klBits: programKlBits + promptOtherKlBits + cT,
    programKlBits,
    promptOtherKlBits,
    cT,
    groups,
    weightCount,
    promptWeightCount: rs * d,
  };
}
