/**
 * The SGLD estimator of the local learning coefficient (Lau et al. 2023) where the truth is known:
 * against the closed-form expectation of the localised posterior (the sampler's own error), and
 * against λ (regular: d/2; w₁w₂: 1/2; deep linear: Aoyagi 2024). Tolerances are stated per case:
 * k standard errors of the chain mean plus the step-size bias measured at the tested ε.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { closeTo } from "../support/helpers";
import { deepLinearModel, productModel, regularModel } from "../../src/slt/calibration-models";
import { defaultNbeta, estimateLlc } from "../../src/slt/sgld";
import { UsageError } from "../../src/core/errors";

const FULL = Number.MAX_SAFE_INTEGER;
const se = (e: { llcStd: number; chains: unknown[] }) => e.llcStd / Math.sqrt(e.chains.length);

test("regular model: λ̂ matches the Gaussian closed form (nβ/2)·tr(H(nβH + γ)⁻¹) and d/2 = 2", () => {
  const m = regularModel(4, 200, 1);
  const o = { nbeta: 1000, localization: 1, lr: 1e-4, numChains: 6, numDraws: 3000, numBurninSteps: 300, batchSize: FULL };
  const e = estimateLlc(m.target, m.wStar, o, { seed: 1, name: "regular" });
  const exact = m.exactAt!(1000, 1);
  closeTo(exact, 2, 0.01, "closed form at γ/nβ = 10⁻³ is d/2 within 0.5 %");
  // 4 standard errors of the mean over chains, plus 3 % for ε's discretisation bias (O(ε·nβ·h))
  closeTo(e.llc, exact, 4 * se(e) + 0.03 * exact, "λ̂ vs the closed form");
  closeTo(e.llc, m.truth, 0.15 * m.truth, "λ̂ vs d/2 within 15 %");
  assert.equal(e.diverged, 0);
});

test("regular model: strong localisation shrinks λ̂ as the closed form says (seed 004's γ = 300, nβ = 30)", () => {
  const m = regularModel(4, 200, 1);
  const e = estimateLlc(m.target, m.wStar, { nbeta: 30, localization: 300, lr: 1e-3, numChains: 4, numDraws: 2000, numBurninSteps: 200, batchSize: FULL }, { seed: 2, name: "regular-local" });
  const exact = m.exactAt!(30, 300);
  assert.ok(exact < 0.2 * m.truth, `the closed form at γ/nβ = 10 is far below d/2: ${exact}`);
  closeTo(e.llc, exact, 4 * se(e) + 0.05 * exact, "λ̂ vs the closed form");
});

test("w₁w₂ at the origin (Hessian 0): λ̂ matches the 1-D integral, which tends to λ = 1/2 from below as nβ grows", () => {
  const m = productModel(200, 1);
  const e = estimateLlc(m.target, m.wStar, { nbeta: 100, localization: 1, lr: 1e-3, numChains: 8, numDraws: 4000, numBurninSteps: 500, batchSize: FULL }, { seed: 3, name: "product" });
  const exact = m.exactAt!(100, 1);
  closeTo(e.llc, exact, 4 * se(e) + 0.05 * exact, "λ̂ vs the integral");
  const seq = [1e2, 1e4, 1e6, 1e9].map((nb) => m.exactAt!(nb, 1));
  for (let i = 1; i < seq.length; i++) assert.ok(seq[i] > seq[i - 1] && seq[i] < 0.5, `rising to 1/2: ${seq}`);
  assert.ok(seq[seq.length - 1] > 0.44, `within 0.06 of 1/2 at nβ = 10⁹: ${seq}`);
});

test("deep linear networks: λ̂ within 20 % of Aoyagi's λ, below d/2", () => {
  for (const [widths, nbeta, lr] of [[[3, 2, 3], 1000, 1e-4], [[4, 3, 3, 4], 1000, 1e-4]] as [number[], number, number][]) {
    const m = deepLinearModel(widths, 1, 1);
    const e = estimateLlc(m.target, m.wStar, { nbeta, localization: 10, lr, numChains: 4, numDraws: 2000, numBurninSteps: 300, batchSize: FULL }, { seed: 4, name: `dln-${widths}` });
    closeTo(e.llc, m.truth, 0.2 * m.truth, `${m.name}: λ̂ vs λ = ${m.truth}`);
    assert.ok(m.truth < m.dim / 2, `λ = ${m.truth} below d/2 = ${m.dim / 2}`);
  }
});

test("RMSProp-preconditioned SGLD on the regular model: within 10 % of the closed form (its steps are up to 1/eps = 10 times ε, so ε = 10⁻⁵)", () => {
  const m = regularModel(4, 200, 1);
  const e = estimateLlc(m.target, m.wStar, { sampler: "rmsprop-sgld", nbeta: 1000, localization: 1, lr: 1e-5, numChains: 4, numDraws: 3000, numBurninSteps: 500, batchSize: FULL }, { seed: 5, name: "rmsprop" });
  closeTo(e.llc, m.exactAt!(1000, 1), 4 * se(e) + 0.1 * m.truth, "pSGLD λ̂ vs the closed form");
});

test("the estimator is a function of its seed: same seed, same numbers; another seed, others", () => {
  const m = deepLinearModel([3, 2, 3], 1, 1);
  const o = { nbeta: 100, localization: 10, lr: 1e-3, numChains: 2, numDraws: 50, batchSize: 8 };
  const a = estimateLlc(m.target, m.wStar, o, { seed: 7, name: "det" });
  const b = estimateLlc(m.target, m.wStar, o, { seed: 7, name: "det" });
  const c = estimateLlc(m.target, m.wStar, o, { seed: 8, name: "det" });
  assert.deepEqual(a, b);
  assert.notEqual(a.llc, c.llc);
  // minibatches too: the regular model with m < n
  const r = regularModel(3, 100, 1);
  const mb = { nbeta: 50, localization: 10, lr: 1e-3, numChains: 2, numDraws: 30, batchSize: 10 };
  assert.deepEqual(estimateLlc(r.target, r.wStar, mb, { seed: 1, name: "mb" }), estimateLlc(r.target, r.wStar, mb, { seed: 1, name: "mb" }));
});

test("the baseline L_n(w*) is the full-data loss at w*, once; chains record traces; nβ defaults to m / ln m", () => {
  const r = regularModel(3, 100, 2);
  const e = estimateLlc(r.target, r.wStar, { nbeta: null, batchSize: 20, numChains: 3, numDraws: 40, numBurninSteps: 10, localization: 10, lr: 1e-3 }, { seed: 1, name: "baseline", traceLength: 25 });
  assert.equal(e.initLoss, r.target.fullLoss(r.wStar));
  closeTo(e.nbeta, defaultNbeta(20), 1e-12);
  closeTo(defaultNbeta(20), 20 / Math.log(20), 1e-12);
  assert.equal(e.chains.length, 3);
  for (const ch of e.chains) {
    assert.ok(ch.trace.length <= 25 && ch.trace.length > 1);
    assert.equal(ch.trace[ch.trace.length - 1].step, 50);
    closeTo(ch.llc!, e.nbeta * (ch.meanDrawLoss! - e.initLoss), 1e-9);
  }
  closeTo(e.llc, e.chains.reduce((a, c) => a + c.llc!, 0) / 3, 1e-12);
});

test("a diverging chain is stopped and left out; bad options are usage errors", () => {
  const r = regularModel(3, 100, 1);
  const e = estimateLlc(r.target, r.wStar, { nbeta: 1e6, localization: 0, lr: 1, numChains: 2, numDraws: 50, batchSize: FULL }, { seed: 1, name: "diverge" });
  assert.equal(e.diverged, 2);
  assert.ok(Number.isNaN(e.llc));
  for (const bad of [{ lr: 0 }, { numChains: 0 }, { localization: -1 }, { sampler: "hmc" }, { rmspropAlpha: 1 }, { nbeta: -3 }]) {
    assert.throws(() => estimateLlc(r.target, r.wStar, bad as object, { seed: 1, name: "bad" }), UsageError, JSON.stringify(bad));
  }
  assert.throws(() => estimateLlc(r.target, [0, 0], {}, { seed: 1, name: "bad" }), UsageError);
});
