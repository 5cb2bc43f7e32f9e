/**
 * The native kernels under wasm (src/core/native-kernels.ts, native/): products in every
 * transpose case, batched and with a broadcast batch, leading-axis sums, tanh and slices
 * equal plain loops within float rounding; a few training steps of a bench-like model
 * equal those on the wasm kernels alone, and repeat bit for bit with 1 and 2 OpenBLAS
 * threads. Skipped when the addon is not built, unless KCDL_REQUIRE_NATIVE=1 (CI), which
 * makes a missing addon a failure.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { closeTo, testBackend } from "../support/helpers";
import { activeBackend } from "../../src/core/backend";
import { nativeAddon, nativeKernelsActive, nativeUnavailableReason } from "../../src/core/native-kernels";
import { rngStream, normal } from "../../src/core/rng";

const required = process.env.KCDL_REQUIRE_NATIVE === "1";
const addon = nativeAddon();
const skip = addon || required ? false : `native kernels not in use: ${nativeUnavailableReason()} (KCDL_REQUIRE_NATIVE=1 makes this a failure)`;

function randn(shape: number[], stream: string): tf.Tensor {
  const rng = rngStream(11, stream);
  return tf.tensor(Float32Array.from({ length: shape.reduce((x, y) => x * y, 1) }, () => normal(rng)), shape);
}

/** op(A)·op(B) by loops, batch dims broadcast from a batch of 1. */
function loopMatMul(a: tf.Tensor, b: tf.Tensor, ta: boolean, tb: boolean): Float64Array {
  const av = a.dataSync();
  const bv = b.dataSync();
  const [ar, ac] = a.shape.slice(-2);
  const [br, bc] = b.shape.slice(-2);
  const m = ta ? ac : ar;
  const k = ta ? ar : ac;
  const n = tb ? br : bc;
  const batchA = a.size / (ar * ac);
  const batchB = b.size / (br * bc);
  const batch = Math.max(batchA, batchB);
  const out = new Float64Array(batch * m * n);
  for (let z = 0; z < batch; z++) {
    const oa = (batchA === 1 ? 0 : z) * ar * ac;
    const ob = (batchB === 1 ? 0 : z) * br * bc;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += av[oa + (ta ? p * ac + i : i * ac + p)] * bv[ob + (tb ? j * bc + p : p * bc + j)];
        out[(z * m + i) * n + j] = s;
      }
    }
  }
  return out;
}

test("the addon is loaded and the native kernels are active on wasm", { skip }, async () => {
  assert.ok(addon, `KCDL_REQUIRE_NATIVE=1 but the native kernels are not in use: ${nativeUnavailableReason()}`);
  await testBackend();
  if (activeBackend()?.name !== "wasm") return;
  assert.ok(nativeKernelsActive());
  assert.match(activeBackend()?.native ?? "", /^openblas \S+ \(.*\), \d+ threads?$/);
});

test("native matMul in every transpose case, batched and broadcast, equals the loop product", { skip }, async () => {
  await testBackend();
  const cases: [number[], number[]][] = [
    [[7, 5], [5, 3]],
    [[1, 1], [1, 1]],
    [[4, 6, 5], [4, 5, 3]],
    [[256, 19, 19], [256, 19, 32]],
    [[2, 3, 6, 5], [5, 4]],
    [[6, 5], [3, 5, 4]],
    [[3, 6, 5], [1, 5, 4]],
    [[70, 40], [40, 90]],
  ];
  cases.forEach(([sa, sb], c) => {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        const swap = (s: number[], t: boolean) => (t ? [...s.slice(0, -2), s[s.length - 1], s[s.length - 2]] : s);
        const a = randn(swap(sa, ta), `a${c}`);
        const b = randn(swap(sb, tb), `b${c}`);
        const got = tf.matMul(a, b, ta, tb);
        const want = loopMatMul(a, b, ta, tb);
        const g = got.dataSync();
        assert.equal(g.length, want.length, `case ${c}: size`);
        const k = sa[sa.length - 1];
        want.forEach((v, i) => closeTo(g[i], v, 2e-6 * k * 4, `case ${c} (${ta}, ${tb}) [${i}]`));
        tf.dispose([a, b, got]);
      }
    }
  });
});

test("native Sum over leading axes, Tanh and Slice equal plain loops", { skip }, async () => {
  await testBackend();
  const x = randn([6, 5, 7], "x");
  const xv = x.dataSync();
  for (const [axes, q] of [[[0], 35], [[0, 1], 7]] as const) {
    const got = tf.sum(x, [...axes]).dataSync();
    const want = new Float64Array(q);
    xv.forEach((v, i) => (want[i % q] += v));
    want.forEach((v, i) => closeTo(got[i], v, 1e-5, `sum over ${axes} [${i}]`));
  }
  const big = tf.mul(randn([4096], "t"), 4);
  const extremes = tf.tensor1d([0, -0, 1e-30, -1e-8, 0.6249, 0.625, 8.9, 9, 50, -50, Infinity, -Infinity, NaN]);
  for (const t of [big, extremes]) {
    const got = tf.tanh(t).dataSync();
    t.dataSync().forEach((v, i) => {
      if (Number.isNaN(v)) assert.ok(Number.isNaN(got[i]), "tanh(NaN) is NaN");
      else closeTo(got[i], Math.tanh(v), 2e-7 * Math.max(1e-30, Math.abs(Math.tanh(v))) + 1e-37, `tanh(${v})`);
    });
  }
  assert.ok(Object.is(tf.tanh(tf.scalar(-0)).dataSync()[0], -0), "tanh(−0) is −0");
  const boxes: [number[], number[]][] = [
    [[0, 0, 0], [6, 5, 7]],
    [[1, 0, 0], [3, 5, 7]],
    [[0, 2, 3], [6, 2, 4]],
    [[5, 4, 6], [1, 1, 1]],
    [[2, 1, 0], [2, 3, 7]],
  ];
  for (const [begin, size] of boxes) {
    const got = tf.slice(x, begin, size).dataSync();
    let o = 0;
    for (let i = begin[0]; i < begin[0] + size[0]; i++) {
      for (let j = begin[1]; j < begin[1] + size[1]; j++) {
        for (let k = begin[2]; k < begin[2] + size[2]; k++) assert.equal(got[o++], xv[(i * 5 + j) * 7 + k], `slice ${begin} ${size}`);
      }
    }
  }
  tf.dispose([x, big, extremes]);
});

test("the addon rejects sizes that do not fit its operands", { skip }, () => {
  const a = new Float32Array(6);
  assert.throws(() => addon!.gemm(a, a, new Float32Array(3), 1, 1, 1, 2, 2, 3, 0, 0), /sizes do not match/);
  assert.throws(() => addon!.slice(a, a, Int32Array.from([6, 4, 4])), /outside/);
  assert.throws(() => addon!.sumRows(a, a, 7, 1), /bad arguments/);
});

/** The steps' {native, losses, weights} from a child process with `env` added. */
function runSteps(objective: string, env: Record<string, string>): { native: string | null; losses: number[]; weights: number[][] } {
  const script = path.join(__dirname, "..", "support", "native-steps.js");
  const r = spawnSync(process.execPath, [script, objective, "3"], { encoding: "utf8", env: { ...process.env, ...env }, timeout: 300_000, maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, `native-steps ${objective} ${JSON.stringify(env)}: ${r.signal ?? ""} ${r.error?.message ?? ""} ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}

test("training steps with native kernels equal the wasm kernels' and repeat bit for bit (1 and 2 threads)", { skip, timeout: 900_000 }, () => {
  for (const objective of ["mle", "variational"]) {
    const wasm = runSteps(objective, { KCDL_NATIVE: "0" });
    const native = runSteps(objective, { KCDL_NATIVE: "1", KCDL_NATIVE_THREADS: "1" });
    assert.equal(wasm.native, null);
    assert.match(native.native ?? "", /openblas .*, 1 thread$/);
    native.losses.forEach((l, i) => closeTo(l, wasm.losses[i], 1e-4 * Math.max(1, Math.abs(wasm.losses[i])), `${objective}: loss at step ${i + 1}`));
    // Adam divides each gradient by its own RMS, so rounding differences in small gradients
    // move weights by up to a fraction of a step (lr 1e-3 × 3 steps in native-steps.ts)
    native.weights.forEach((w, v) => {
      const scale = Math.max(...wasm.weights[v].map(Math.abs));
      w.forEach((x, i) => closeTo(x, wasm.weights[v][i], 1e-5 * scale + 0.02 * 1e-3 * 3, `${objective}: variable ${v} [${i}]`));
    });
    if (objective !== "mle") continue;
    assert.deepEqual(runSteps(objective, { KCDL_NATIVE: "1", KCDL_NATIVE_THREADS: "1" }), native, "1 thread: the same bits again");
    const two = runSteps(objective, { KCDL_NATIVE: "1", KCDL_NATIVE_THREADS: "2" });
    assert.match(two.native ?? "", /, 2 threads$/);
    assert.deepEqual(runSteps(objective, { KCDL_NATIVE: "1", KCDL_NATIVE_THREADS: "2" }), two, "2 threads: the same bits again");
  }
});
