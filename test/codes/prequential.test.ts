/**
 * The prequential code (codes/prequential.ts) against closed forms on a Bernoulli source: with one
 * example per block and the Laplace estimator it is the uniform-prior mixture log₂((n + 1) C(n, k))
 * exactly, which in turn follows Stirling's n·H(k/n) + log₂(n + 1) − ½ log₂(2π n p̂ (1 − p̂)).
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { doublingBlocks, laplaceMixtureBits, prequentialCode } from "../../src/codes/prequential";
import { rngStream } from "../../src/core/rng";
import { closeTo } from "../support/helpers";
import { UsageError } from "../../src/core/errors";

/** Bits of ys[start, end) under the Laplace estimate (k + 1)/(t + 2) from ys[0, start). */
const laplaceBlock = (ys: number[]) => (start: number, end: number) => {
  const k = ys.slice(0, start).reduce((a, b) => a + b, 0);
  const p1 = (k + 1) / (start + 2);
  return ys.slice(start, end).reduce((a, y) => a - Math.log2(y === 1 ? p1 : 1 - p1), 0);
};

const bernoulli = (n: number, p: number, seed: number) => {
  const rng = rngStream(seed, "test/bernoulli");
  return Array.from({ length: n }, (): number => (rng() < p ? 1 : 0));
};

test("one example per block with the Laplace estimator = log₂((n + 1) · C(n, k)), to 1e−9 bits", async () => {
  for (const [n, p, seed] of [[1, 0.5, 1], [7, 0.3, 2], [50, 0.1, 3], [500, 0.7, 4]] as const) {
    const ys = bernoulli(n, p, seed);
    const k = ys.reduce((a, b) => a + b, 0);
    const ends = Array.from({ length: n }, (_, i) => i + 1);
    const { bits, blocks } = await prequentialCode(ends, 2, laplaceBlock(ys));
    closeTo(bits, laplaceMixtureBits(n, k), 1e-9, `n = ${n}, k = ${k}`);
    assert.equal(blocks[0].bits, 1, "the first example costs one bit (uniform code)");
  }
  closeTo(laplaceMixtureBits(4, 2), Math.log2(5 * 6), 1e-12, "(n + 1) C(4, 2) = 30");
});

test("the Laplace mixture follows Stirling's closed form on a long Bernoulli(0.2) sequence (within 0.01 bits)", () => {
  const n = 20_000;
  const ys = bernoulli(n, 0.2, 5);
  const k = ys.reduce((a, b) => a + b, 0);
  const q = k / n;
  const h = -(q * Math.log2(q) + (1 - q) * Math.log2(1 - q));
  closeTo(laplaceMixtureBits(n, k), n * h + Math.log2(n + 1) - 0.5 * Math.log2(2 * Math.PI * n * q * (1 - q)), 0.01, "Stirling");
});

test("doubling blocks: 1, 2, 4, …, n; a hand-computed code for y = 1 1 0 1", async () => {
  assert.deepEqual(doublingBlocks(10, 1), [1, 2, 4, 8, 10]);
  assert.deepEqual(doublingBlocks(8, 2), [2, 4, 8]);
  assert.deepEqual(doublingBlocks(3, 5), [3]);
  const ys = [1, 1, 0, 1];
  const { bits, blocks } = await prequentialCode(doublingBlocks(4, 1), 2, laplaceBlock(ys));
  // block [0,1): 1 bit; [1,2): p₁ = 2/3; [2,4): p₁ = 3/4 for y = 0 then 1
  const want = 1 - Math.log2(2 / 3) - Math.log2(1 / 4) - Math.log2(3 / 4);
  closeTo(bits, want, 1e-12, "prequential bits");
  assert.deepEqual(blocks.map((b) => [b.start, b.end]), [[0, 1], [1, 2], [2, 4]]);
  // three classes: the first block costs log₂ 3 per example
  closeTo((await prequentialCode([2, 4], 3, () => 0)).bits, 2 * Math.log2(3), 1e-12);
});

test("bad input: n < 1, empty or decreasing block ends, k > n", async () => {
  assert.throws(() => doublingBlocks(0, 1), UsageError);
  assert.throws(() => doublingBlocks(4, 0), UsageError);
  await assert.rejects(() => prequentialCode([], 2, () => 0), UsageError);
  await assert.rejects(() => prequentialCode([4, 2], 2, () => 0), UsageError);
  assert.throws(() => laplaceMixtureBits(3, 4), UsageError);
});
