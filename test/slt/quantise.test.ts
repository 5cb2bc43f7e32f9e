/** Critical quantisation (seed 004, eq. 9) and linear fits, against hand-computable cases. */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { closeTo } from "../support/helpers";
import { codebookQuantise, criticalQuantisation, levelGrid, uniformQuantise } from "../../src/slt/quantise";
import { linearFit } from "../../src/slt/fit";
import { entropyBits } from "../../src/codes/optimal-prior";
import { priorParameterBits } from "../../src/codes/codelength";
import { UsageError } from "../../src/core/errors";

test("uniform quantisation: K levels per segment from its min to its max", () => {
  const q = uniformQuantise([0, 0.26, 0.74, 1, 10, 12, 14], [4, 3], 3);
  assert.deepEqual(Array.from(q), [0, 0.5, 0.5, 1, 10, 12, 14]);
  assert.throws(() => uniformQuantise([1, 2], [2], 1), UsageError);
});

test("codebook quantisation: exact with as many values as distinct weights; code = N·H(p) + L_Ψ", () => {
  const w = [0, 0, 0, 0, 0, 0, 20, 20, -10, -10];
  const q = codebookQuantise(w, 3);
  assert.deepEqual(Array.from(q.values), w);
  closeTo(q.codeBits, entropyBits([2, 6, 2]) * 10 + priorParameterBits({ groups: 1, components: 3 }), 1e-9);
  const two = codebookQuantise([0, 0.1, 0.2, 5, 5.1, 5.2], 2);
  assert.deepEqual(two.codebook.map((c) => Number(c.toFixed(6))), [0.1, 5.1]);
});

test("critical K: the smallest grid K whose loss increase is within ε (a loss = max |Q(w) − w|)", () => {
  const w = Float64Array.from({ length: 50 }, (_, i) => Math.sin(i) * 3);
  const loss = (q: Float64Array) => q.reduce((a, v, i) => Math.max(a, Math.abs(v - w[i])), 0);
  const range = Math.max(...w) - Math.min(...w);
  for (const eps of [0.5, 0.05, 0.003]) {
    const r = criticalQuantisation("uniform", w, [50], loss, eps);
    // max rounding error of K levels is ≤ range / (2(K − 1)); the first grid K where the measured error is within ε
    const expected = levelGrid(2, 16).find((K) => loss(uniformQuantise(w, [50], K)) <= eps)!;
    assert.equal(r.levels, expected, `ε = ${eps}`);
    assert.ok(range / (2 * (expected - 1)) >= loss(uniformQuantise(w, [50], expected)) - 1e-12);
    closeTo(r.bits!, Math.log2(expected), 1e-12);
    assert.equal(r.monotoneAtCritical, true);
  }
  assert.equal(criticalQuantisation("uniform", w, [50], loss, 1e-9, { maxBits: 4 }).levels, null, "16 levels never reproduce 50 distinct values");
  assert.throws(() => criticalQuantisation("uniform", w, [50], loss, 0), UsageError);
});

test("levelGrid: round(2^(j/4)), unique, increasing", () => {
  assert.deepEqual(levelGrid(2, 3), [2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(levelGrid(1, 1), [1, 2]);
});

test("linearFit: exact lines give R² = 1; a known data set gives its least-squares line", () => {
  const f = linearFit([1, 2, 3, 4], [3, 5, 7, 9]);
  closeTo(f.slope, 2, 1e-12);
  closeTo(f.intercept, 1, 1e-12);
  closeTo(f.r2, 1, 1e-12);
  const g = linearFit([0, 1, 2, 3], [1, 3, 2, 5]);
  // slope = Sxy/Sxx = 5.5/5 = 1.1, intercept = 2.75 − 1.1·1.5 = 1.1, R² = 1 − SSres/SStot = 1 − 2.7/8.75
  closeTo(g.slope, 1.1, 1e-12);
  closeTo(g.intercept, 1.1, 1e-12);
  closeTo(g.r2, 1 - 2.7 / 8.75, 1e-12);
  assert.ok(Number.isNaN(linearFit([1], [2]).r2));
  assert.throws(() => linearFit([1, 2], [1]), UsageError);
});
