/** Aoyagi's (2024) learning coefficient of deep linear networks against the closed forms it generalises. */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { closeTo } from "../support/helpers";
import { deepLinearCoefficient, reducedRankCoefficient } from "../../src/slt/dln-coefficient";
import { UsageError } from "../../src/core/errors";

test("two layers: Aoyagi 2024 equals Aoyagi & Watanabe 2005's reduced-rank regression coefficient on every (M, H, N, r) ≤ 7", () => {
  let n = 0;
  for (let M = 1; M <= 7; M++)
    for (let H = 1; H <= 7; H++)
      for (let N = 1; N <= 7; N++)
        for (let r = 0; r <= Math.min(M, H, N); r++) {
          closeTo(deepLinearCoefficient([M, H, N], r), reducedRankCoefficient(M, H, N, r), 1e-9, `[${M}, ${H}, ${N}] rank ${r}`);
          n++;
        }
  assert.equal(n, 1127);
});

test("one layer is a regular model: λ = d/2 = H₀H₁/2 at every rank", () => {
  for (const [a, b] of [[1, 1], [3, 4], [5, 2]]) for (let r = 0; r <= Math.min(a, b); r++) closeTo(deepLinearCoefficient([a, b], r), (a * b) / 2, 1e-12, `[${a}, ${b}] rank ${r}`);
});

test("deep networks: λ below d/2, equal to it at full rank through square layers, and rising with the true rank", () => {
  const w = [4, 3, 3, 4];
  const d = 4 * 3 + 3 * 3 + 3 * 4;
  const ls = [0, 1, 2, 3].map((r) => deepLinearCoefficient(w, r));
  for (let r = 1; r < ls.length; r++) assert.ok(ls[r] > ls[r - 1], `λ rises with the rank: ${ls}`);
  for (const l of ls) assert.ok(l < d / 2, `λ ${l} < d/2 = ${d / 2}`);
  // a rank-0 truth through a bottleneck of width 1 behaves like the 1-wide network [4, 1, 4]: λ = (4 + 4)/2 … from the two-layer form
  closeTo(deepLinearCoefficient([4, 1, 4], 0), reducedRankCoefficient(4, 1, 4, 0), 1e-12);
  // square identity-width network at full rank: the product map is regular in the n² entries of W₀ only through the square layers
  closeTo(deepLinearCoefficient([2, 2, 2], 2), reducedRankCoefficient(2, 2, 2, 2), 1e-12);
});

test("bad widths or ranks are usage errors", () => {
  assert.throws(() => deepLinearCoefficient([3], 0), UsageError);
  assert.throws(() => deepLinearCoefficient([3, 2, 3], 3), UsageError);
  assert.throws(() => deepLinearCoefficient([3, 0, 3], 0), UsageError);
  assert.throws(() => reducedRankCoefficient(2, 2, 2, -1), UsageError);
});
