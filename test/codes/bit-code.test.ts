import { test } from "node:test";
import * as assert from "node:assert/strict";
import { closeTo } from "../support/helpers";
import { bimodalPrior, numericFrontier, pCorrect, pCorrectGrid, unimodalFrontierPoint } from "../../src/codes/bit-code";
import { gaussian } from "../../src/codes/gmm";
import { klGaussianBits } from "../../src/codes/kl";

test("unimodal frontier: ½ log₂(1 + Φ⁻¹(p)²) at hand-computed points", () => {
  // Φ⁻¹(0.9) = 1.2815515655446004 → ½ log₂(1 + 1.642374) = 0.7009174529
  closeTo(unimodalFrontierPoint(0.9).klBits, 0.5 * Math.log2(1 + 1.2815515655446004 ** 2), 1e-12, "p = 0.9");
  closeTo(unimodalFrontierPoint(0.5).klBits, 0, 0, "p = ½ costs nothing");
  // the minimising posterior attains the frontier under eq. 91 and has P(correct) = p
  for (const p of [0.6, 0.99, 1 - 1e-6]) {
    const f = unimodalFrontierPoint(p);
    closeTo(pCorrect(f.mu, f.sigma2), p, 1e-12, `P(correct) at p=${p}`);
    const nu = Math.log(Math.expm1(f.sigma2));
    closeTo(klGaussianBits(f.mu, nu, 0, Math.log(Math.expm1(1))), f.klBits, 1e-12, `KL at p=${p}`);
  }
});

test("numerical frontier reproduces the unimodal closed form", () => {
  const ps = pCorrectGrid(15);
  const num = numericFrontier(gaussian(0, 1), ps);
  ps.forEach((p, i) => closeTo(num[i].klBits, unimodalFrontierPoint(p).klBits, 1e-8, `p=${p}`));
});

test("multimodal prior sends a bit with P(correct) → 1 at 1 bit (B.9.2)", () => {
  const f = numericFrontier(bimodalPrior(1e-6), [0.5, 0.9, 1 - 1e-6]);
  for (const q of f) {
    closeTo(q.klBits, 1, 1e-6, `KL at p=${q.pCorrect}`);
    assert.ok(pCorrect(q.mu, q.sigma2) > 1 - 1e-12);
  }
  // a wide prior component costs more at high reliability than a narrow one
  const wide = numericFrontier(bimodalPrior(0.3), [1 - 1e-6])[0].klBits;
  assert.ok(wide > 1.1, `σ̂² = 0.3 at 1 − 1e−6: ${wide} bits`);
});

test("the p grid spans 0.5 … 1 − 1e−6 and increases", () => {
  const g = pCorrectGrid(30);
  assert.equal(g[0], 0.5);
  closeTo(g[g.length - 1], 1 - 1e-6, 1e-15, "last point");
  for (let i = 1; i < g.length; i++) assert.ok(g[i] > g[i - 1]);
});
