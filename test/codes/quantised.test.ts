/** The quantised two-part code's model part (codes/quantised.ts) against closed forms. */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { FLOAT_BITS, log2Factorial, log2Multinomial, quantise, quantisedModelBits } from "../../src/codes/quantised";
import { entropyBits } from "../../src/codes/optimal-prior";
import { closeTo } from "../support/helpers";
import { UsageError } from "../../src/core/errors";

test("log₂ n! and the multinomial: small cases exactly, and N·H(p) − ½ log₂ N ≲ log₂ multinomial ≤ N·H(p)", () => {
  closeTo(log2Factorial(5), Math.log2(120), 1e-12);
  assert.equal(log2Factorial(0), 0);
  closeTo(log2Multinomial([2, 2]), Math.log2(6), 1e-12, "C(4, 2)");
  closeTo(log2Multinomial([1, 1, 1]), Math.log2(6), 1e-12, "3!");
  assert.equal(log2Multinomial([7]), 0);
  for (const counts of [[900, 100], [500, 300, 200], [9990, 10]]) {
    const n = counts.reduce((a, b) => a + b, 0);
    const nh = n * entropyBits(counts);
    const m = log2Multinomial(counts);
    assert.ok(m <= nh + 1e-9, `${counts}: ${m} ≤ N·H = ${nh}`);
    assert.ok(m >= nh - (counts.length - 1) * (0.5 * Math.log2(n) + 2), `${counts}: ${m} within the Stirling term of ${nh}`);
  }
});

test("quantise rounds to multiples of δ (δ = 0 leaves the weights); the model part counts header and assignment", () => {
  assert.deepEqual(Array.from(quantise([0.26, -0.74, 0.1], 0.5)), [0.5, -0.5, 0]);
  assert.deepEqual(Array.from(quantise([0.26, -0.74], 0)), [Math.fround(0.26), Math.fround(-0.74)]);
  assert.throws(() => quantise([1], -1), UsageError);
  const w = [0, 0, 0, 1, 1, 5];
  const r = quantisedModelBits([{ group: "g", weights: w }]);
  const countBits = Math.ceil(Math.log2(7));
  const header = FLOAT_BITS + 3 * (FLOAT_BITS + countBits);
  closeTo(r.groups[0].headerBits, header, 1e-12, "header");
  closeTo(r.groups[0].assignmentBits, Math.log2(720 / (6 * 2 * 1)), 1e-12, "6! / (3! 2! 1!)");
  closeTo(r.bits, FLOAT_BITS + header + Math.log2(60), 1e-12, "total with δ");
  assert.equal(r.groups[0].levels, 3);
  // a constant tensor costs its header only
  assert.equal(quantisedModelBits([{ group: "z", weights: new Float32Array(100) }]).groups[0].assignmentBits, 0);
});
