import { test } from "node:test";
import * as assert from "node:assert/strict";
import { closeTo } from "../support/helpers";
import { entropyBits, optimalPrior, weightHistogram } from "../../src/codes/optimal-prior";
import { klQuadratureBits } from "../../src/codes/quadrature";
import { gmm } from "../../src/codes/gmm";
import { codelength, priorParameterBits } from "../../src/codes/codelength";

test("optimal prior KL is N·H(p) (B.9.3), checked against a hand-computed entropy", () => {
  // 8 weights: four 0s, two 20s, two −10s → p = (½, ¼, ¼), H = 1.5 bits, N·H = 12 bits
  const w = [0, 0, 20, -10, 0, 20, 0, -10];
  const o = optimalPrior(w, { components: 5 });
  closeTo(o.entropyBits, 1.5, 1e-12, "H(p)");
  closeTo(o.klBits, 12, 1e-12, "N·H(p)");
  assert.deepEqual(o.histogram, { values: [-10, 0, 20], counts: [2, 4, 2], n: 8 });
  assert.equal(o.prior.mu.length, 5);
  // each weight's delta posterior costs −log₂ π_i under the prior, by quadrature
  const total = w.reduce((s, x) => s + klQuadratureBits(gmm([x], [-50]), o.prior), 0);
  closeTo(total, 12, 1e-6, "Σ quadrature KL of the deltas");
});

test("a single repeated value costs 0 bits; distinct values cost log₂ N each", () => {
  assert.equal(optimalPrior([3, 3, 3]).klBits, 0);
  closeTo(entropyBits([1, 1, 1, 1]), 2, 1e-12, "uniform over 4");
});

test("tolerance merges near-equal values; too few components is a clear error", () => {
  assert.equal(weightHistogram([1, 1 + 1e-9, 2], 1e-6).values.length, 2);
  assert.throws(() => optimalPrior([1, 2, 3], { components: 2 }), /3 unique weight values but the prior only 2 components/);
});

test("codelength record (eq. 86) counts L_Ψ at 32 bits per prior parameter", () => {
  const c = codelength(516.9, 258.8, priorParameterBits({ groups: 1, components: 3 }));
  closeTo(c.priorBits, 288, 0, "3 components × 3 parameters × 32 bits");
  closeTo(c.paperBits, 775.7, 1e-9, "KL + NLL (Table 2 row 1e−3)");
  closeTo(c.totalBits, 775.7 + 288, 1e-9, "total");
});
