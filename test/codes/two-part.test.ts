/** The two-part, Bayes and uniform codes (codes/two-part.ts) against closed forms. */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { bayesCode, datasetNllBits, labelNllBits, twoPartCode, uniformCodeBits } from "../../src/codes/two-part";
import { closeTo } from "../support/helpers";
import { UsageError } from "../../src/core/errors";

test("label NLL is −log₂ softmax: logits (1, 0) give log₂(1 + e^∓1); equal logits 1 bit; huge margins stay finite", () => {
  closeTo(labelNllBits([1, 0], 0), Math.log2(1 + Math.exp(-1)), 1e-12, "right class");
  closeTo(labelNllBits([1, 0], 1), Math.log2(1 + Math.exp(1)), 1e-12, "wrong class");
  closeTo(labelNllBits([3, 3], 1), 1, 1e-12, "a tie");
  closeTo(labelNllBits([0, 0, 0], 2), Math.log2(3), 1e-12, "uniform over 3");
  closeTo(labelNllBits([1000, 0], 1), 1000 / Math.LN2, 1e-9, "margin 1000 nats");
  closeTo(datasetNllBits([[1, 0], [0, 1]], [0, 0]), Math.log2(1 + Math.exp(-1)) + Math.log2(1 + Math.exp(1)), 1e-12);
  assert.throws(() => labelNllBits([1, 0], 2), UsageError);
  assert.throws(() => datasetNllBits([[1, 0]], [0, 1]), UsageError);
});

test("two-part = min |z| + NLL; Bayes = −log₂ Σ 2^−(|z| + NLL) ≤ two-part, with equality for one hypothesis and one bit less for two equal ones", () => {
  const hs = [
    { lengthBits: 10, nllBits: 5 },
    { lengthBits: 2, nllBits: 20 },
    { lengthBits: 8, nllBits: 7 },
  ];
  assert.deepEqual(twoPartCode(hs), { bits: 15, index: 0 });
  closeTo(bayesCode(hs)!, -Math.log2(2 ** -15 + 2 ** -22 + 2 ** -15), 1e-12, "Bayes");
  assert.ok(bayesCode(hs)! <= twoPartCode(hs)!.bits);
  closeTo(bayesCode([hs[0]])!, 15, 1e-12);
  closeTo(bayesCode([hs[0], hs[0]])!, 14, 1e-12);
  // log-space: hypotheses of 10⁴ bits do not underflow
  closeTo(bayesCode([{ lengthBits: 1e4, nllBits: 0 }, { lengthBits: 1e4, nllBits: 0 }])!, 1e4 - 1, 1e-9, "no underflow");
  assert.equal(twoPartCode([]), null);
  assert.equal(bayesCode([]), null);
});

test("uniform code: n · log₂ |Y|", () => {
  assert.equal(uniformCodeBits(64, 2), 64);
  closeTo(uniformCodeBits(10, 3), 10 * Math.log2(3), 1e-12);
  assert.throws(() => uniformCodeBits(-1, 2), UsageError);
  assert.throws(() => uniformCodeBits(3, 0), UsageError);
});
