/** The learning-rate schedule of C.1 (train/adam.ts): linear warmup, exponential decay, optional decay length. */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { learningRateAt } from "../../src/train/adam";

const base = { learningRate: 1e-3, warmupSteps: 10, totalSteps: 111, finalLearningRate: 1e-4 };

test("decaySteps 0 or absent: the old schedule, bit for bit (decay until the last step)", () => {
  for (let step = 0; step < base.totalSteps; step++) {
    const old = step < base.warmupSteps ? (base.learningRate * (step + 1)) / base.warmupSteps : base.learningRate * Math.pow(base.finalLearningRate / base.learningRate, Math.min(1, (step - base.warmupSteps) / Math.max(1, base.totalSteps - 1 - base.warmupSteps)));
    assert.equal(learningRateAt(step, base), old, `step ${step}`);
    assert.equal(learningRateAt(step, { ...base, decaySteps: 0 }), old, `step ${step}, decaySteps 0`);
  }
  assert.equal(learningRateAt(base.totalSteps - 1, base), base.finalLearningRate);
});

test("decaySteps > 0: the final rate is reached decaySteps after warmup and held", () => {
  const s = { ...base, decaySteps: 20 };
  assert.equal(learningRateAt(4, s), learningRateAt(4, base), "warmup unchanged");
  assert.equal(learningRateAt(10, s), 1e-3, "peak at the end of warmup");
  assert.ok(Math.abs(learningRateAt(20, s) - 1e-3 * Math.pow(0.1, 0.5)) < 1e-15, "half-way through the decay: peak · (final/peak)^½");
  for (const step of [30, 31, 60, 110, 500]) assert.ok(Math.abs(learningRateAt(step, s) - 1e-4) < 1e-18, `constant after the decay (step ${step})`);
  const rates = Array.from({ length: 21 }, (_, i) => learningRateAt(10 + i, s));
  assert.ok(rates.every((r, i) => i === 0 || r < rates[i - 1]), "strictly decreasing during the decay");
});
