/**
 * The wasm kernel fixes (src/core/wasm-kernels.ts) against plain loops: transposed,
 * batched, broadcast and split batched products, their gradients, and the gather gradient.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { closeTo, testBackend } from "../support/helpers";
import { SPLIT_BATCH_MIN_MACS } from "../../src/core/wasm-kernels";
import { rngStream, normal } from "../../src/core/rng";
import { loopMatMul } from "../support/matmul-reference";

function randn(shape: number[], stream: string): tf.Tensor {
  const rng = rngStream(7, stream);
  return tf.tensor(Float32Array.from({ length: shape.reduce((x, y) => x * y, 1) }, () => normal(rng)), shape);
}

test("matMul with transposes, batches, broadcasting and split batches equals the loop product", async () => {
  await testBackend();
  // the split path needs m·k·n ≥ SPLIT_BATCH_MIN_MACS per 2-D product
  const big = Math.ceil(Math.cbrt(SPLIT_BATCH_MIN_MACS)) + 1;
  const cases: [number[], number[], boolean, boolean][] = [
    [[7, 5], [5, 3], false, false],
    [[5, 7], [5, 3], true, false],
    [[7, 5], [3, 5], false, true],
    [[5, 7], [3, 5], true, true],
    [[4, 6, 5], [4, 5, 3], false, false],
    [[4, 5, 6], [4, 3, 5], true, true],
    [[2, 3, 6, 5], [5, 4], false, false],
    [[3, big, big], [3, big, big], false, true],
    [[3, big, big], [1, big, big], true, false],
    [[1, big, big], [3, big, big], false, false],
  ];
  cases.forEach(([sa, sb, ta, tb], c) => {
    const a = randn(sa, `a${c}`);
    const b = randn(sb, `b${c}`);
    const got = tf.matMul(a, b, ta, tb);
    const want = loopMatMul(a, b, ta, tb);
    assert.deepEqual(got.shape, want.shape, `case ${c}: shape`);
    const g = got.dataSync();
    const k = ta ? sa[sa.length - 2] : sa[sa.length - 1];
    want.values.forEach((v, i) => closeTo(g[i], v, 1e-5 * k * 4, `case ${c} [${i}]`));
    tf.dispose([a, b, got]);
  });
});

test("matMul gradients equal the loop products dY·Bᵀ and Aᵀ·dY", async () => {
  await testBackend();
  const a = randn([6, 9], "ga");
  const b = randn([9, 4], "gb");
  const dy = randn([6, 4], "gdy");
  const va = tf.variable(a, true, "kcdl-ga");
  const vb = tf.variable(b, true, "kcdl-gb");
  const { grads } = tf.variableGrads(() => tf.sum(tf.mul(tf.matMul(va, vb), dy)) as tf.Scalar, [va, vb]);
  const da = loopMatMul(dy, b, false, true).values;
  const db = loopMatMul(a, dy, true, false).values;
  const ga = grads["kcdl-ga"].dataSync();
  const gb = grads["kcdl-gb"].dataSync();
  da.forEach((v, i) => closeTo(ga[i], v, 1e-4, `dA[${i}]`));
  db.forEach((v, i) => closeTo(gb[i], v, 1e-4, `dB[${i}]`));
  tf.dispose([a, b, va, vb, dy, ...Object.values(grads)]);
});

test("the gradient of gather (UnsortedSegmentSum) sums the upstream rows per index", async () => {
  await testBackend();
  const table = tf.variable(randn([4, 3], "table"), true, "kcdl-table");
  const idx = tf.tensor1d([2, 0, 2, 3, 2], "int32");
  const dy = randn([5, 3], "gather-dy");
  const { grads } = tf.variableGrads(() => tf.sum(tf.mul(tf.gather(table, idx), dy)) as tf.Scalar, [table]);
  const g = grads["kcdl-table"].dataSync();
  const d = dy.dataSync();
  const want = new Float64Array(12);
  [2, 0, 2, 3, 2].forEach((r, i) => {
    for (let j = 0; j < 3; j++) want[r * 3 + j] += d[i * 3 + j];
  });
  want.forEach((v, i) => closeTo(g[i], v, 1e-5, `dTable[${i}]`));
  tf.dispose([table, idx, dy, ...Object.values(grads)]);
});

test("broadcast comparisons equal elementwise comparisons of the broadcast operands", async () => {
  await testBackend();
  const a = tf.tensor3d([1, 2, 3, 3, 2, 1, 0, 5, 5, 4, 4, 4], [2, 2, 3]);
  const cases: [tf.Tensor, number[], (i: number, j: number, k: number) => number][] = [
    [tf.tensor3d([3, 2, 5, 4], [2, 2, 1]), [2, 2, 1], (i, j) => i * 2 + j],
    [tf.tensor1d([2, 2, 5]), [3], (_i, _j, k) => k],
    [tf.tensor3d([1, 2, 3, 4, 4, 4], [2, 1, 3]), [2, 1, 3], (i, _j, k) => i * 3 + k],
  ];
  const ops: [string, (x: tf.Tensor, y: tf.Tensor) => tf.Tensor, (x: number, y: number) => boolean][] = [
    ["equal", tf.equal, (x, y) => x === y],
    ["notEqual", tf.notEqual, (x, y) => x !== y],
    ["less", tf.less, (x, y) => x < y],
    ["lessEqual", tf.lessEqual, (x, y) => x <= y],
    ["greater", tf.greater, (x, y) => x > y],
    ["greaterEqual", tf.greaterEqual, (x, y) => x >= y],
  ];
  const av = a.dataSync();
  for (const [b, , at] of cases) {
    const bv = b.dataSync();
    for (const [name, op, cmp] of ops) {
      for (const swap of [false, true]) {
        const got = (swap ? op(b, a) : op(a, b)).dataSync();
        for (let i = 0; i < 2; i++) {
          for (let j = 0; j < 2; j++) {
            for (let k = 0; k < 3; k++) {
              const x = av[(i * 2 + j) * 3 + k];
              const y = bv[at(i, j, k)];
              assert.equal(got[(i * 2 + j) * 3 + k], (swap ? cmp(y, x) : cmp(x, y)) ? 1 : 0, `${name}${swap ? " (swapped)" : ""} at ${i},${j},${k} with b [${b.shape}]`);
            }
          }
        }
      }
    }
  }
  tf.dispose([a, ...cases.map((c) => c[0])]);
});
