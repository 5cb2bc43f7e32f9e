/**
 * Fixes to the wasm backend's kernels (tfjs 4.22), applied in one place when
 * `initBackend` activates wasm, so model code can use plain tfjs ops.
 *
 * - `BatchMatMul` with `transposeA`/`transposeB` runs a generic loop 10–25× slower
 *   than the untransposed product (measured: [2432,64]ᵀ·[2432,256] at 0.7 GFLOP/s
 *   against 17 GFLOP/s after an explicit transpose). Every backward pass of a matMul
 *   asks for those products (dA = dY·Bᵀ, dB = Aᵀ·dY), so the patched kernel transposes
 *   the operand explicitly and multiplies untransposed.
 * - `BatchMatMul` with more than one batch matrix also takes the generic loop; XNNPACK
 *   runs only single 2-D products. Large batched products are cut into their 2-D
 *   products (small ones, like attention scores, stay batched: per-call overhead
 *   exceeds the gain there).
 * - `Identity` and same-dtype `Cast` copy their input; tfjs runs them for every tensor it
 *   saves for the backward pass (`clone`), so a training step copied each activation
 *   once more. Here they share the (immutable) data, as tfjs's `cpu` backend does.
 * - `Sum` over leading axes (bias and DyT γ/β gradients) transposes, then reduces; here
 *   it is one pass over the rows (accumulated in float64).
 * - Comparisons (`Equal`, `Less`, …) with broadcasting take a generic path of ~180 ns
 *   per element; `tf.max`'s gradient (inside `tf.logSumExp`, so in every GMM log-density
 *   of the Monte-Carlo KL) runs one on [samples, weights, K]. Broadcast comparisons
 *   run here as a loop over the output's rows.
 * - `UnsortedSegmentSum` (the gradient of `tf.gather`) is not registered on wasm: it
 *   is added here, computed on the host side of the wasm heap.
 *
 * Results are numerically the same products (summation order inside a dot product
 * may differ, so equal up to float rounding). `KCDL_WASM_FIXES=0` in the environment
 * leaves the stock kernels in place (to measure the difference, `npm run bench`).
 *
 * Where the optional native addon is built (native/, OpenBLAS), `patchNativeKernels`
 * then runs the heaviest of these kernels natively on the same heap (native-kernels.ts).
 */
import * as tf from "@tensorflow/tfjs";
import { type KernelFn, type WasmBackendLike, kernelFn, replaceKernel, size } from "./wasm-registry";
import { patchNativeKernels } from "./native-kernels";

/** Batched products with at least this many multiply-adds per 2-D product are cut into 2-D products. */
export const SPLIT_BATCH_MIN_MACS = 1 << 15;

const PATCHED = Symbol.for("kcdl.wasmKernelsPatched");

/** Copies `src`'s data into a new wasm tensor of `shape` (a reshape the caller disposes). */
function view(backend: WasmBackendLike, src: tf.TensorInfo, shape: number[], from = 0): tf.TensorInfo {
  const out = backend.makeOutput(shape, src.dtype);
  const n = size(shape);
  (backend.typedArrayFromHeap(out) as Float32Array).set((backend.typedArrayFromHeap(src) as Float32Array).subarray(from, from + n));
  return out;
}

/** Row-major strides of `shape` aligned right to rank `r`, 0 along broadcast (size-1 or missing) axes. */
function broadcastStrides(shape: readonly number[], r: number): number[] {
  const st = new Array<number>(r).fill(0);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[r - shape.length + i] = shape[i] === 1 ? 0 : acc;
    acc *= shape[i];
  }
  return st;
}

/**
 * Visits a broadcast of `aShape` and `bShape` to `shape` row by row (the last axis):
 * `row(outOffset, aOffset, bOffset, rowLength, aStep, bStep)`.
 */
function broadcastRows(
  shape: readonly number[],
  aShape: readonly number[],
  bShape: readonly number[],
  row: (o: number, ia: number, ib: number, n: number, sa: number, sb: number) => void,
): void {
  const r = shape.length;
  const sa = broadcastStrides(aShape, r);
  const sb = broadcastStrides(bShape, r);
  const n = shape[r - 1];
  const rows = size(shape) / n;
  const idx = new Array<number>(r).fill(0);
  let ia = 0;
  let ib = 0;
  for (let q = 0; q < rows; q++) {
    row(q * n, ia, ib, n, sa[r - 1], sb[r - 1]);
    // advance the multi-index over the axes before the last
    for (let d = r - 2; d >= 0; d--) {
      idx[d]++;
      ia += sa[d];
      ib += sb[d];
      if (idx[d] < shape[d]) break;
      ia -= sa[d] * shape[d];
      ib -= sb[d] * shape[d];
      idx[d] = 0;
    }
  }
}

/**
 * Applies the fixes above to the registered wasm kernels (idempotent). Must run
 * after the wasm backend has been initialised (its kernels' setup has run).
 */
export function patchWasmKernels(): void {
  const registry = globalThis as unknown as Record<symbol, boolean>;
  if (registry[PATCHED] || process.env.KCDL_WASM_FIXES === "0") return;
  registry[PATCHED] = true;

  const matMul = kernelFn("BatchMatMul");
  const transpose = kernelFn("Transpose").fn;

  const batchMatMul: KernelFn = (args) => {
    const { backend } = args;
    let { a, b } = args.inputs;
    const ta = Boolean(args.attrs.transposeA);
    const tb = Boolean(args.attrs.transposeB);
    const owned: tf.TensorInfo[] = [];
    const swapLast = (t: tf.TensorInfo) => {
      const r = t.shape.length;
      const perm = [...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2];
      const out = transpose({ inputs: { x: t }, backend, attrs: { perm } });
      owned.push(out);
      return out;
    };
    if (ta) a = swapLast(a);
    if (tb) b = swapLast(b);
    const attrs = { ...args.attrs, transposeA: false, transposeB: false };
    const [m, k] = a.shape.slice(-2);
    const n = b.shape[b.shape.length - 1];
    const batchA = size(a.shape.slice(0, -2));
    const batchB = size(b.shape.slice(0, -2));
    const batch = Math.max(batchA, batchB);
    let out: tf.TensorInfo;
    if (batch > 1 && m * k * n >= SPLIT_BATCH_MIN_MACS && (batchA === batchB || batchA === 1 || batchB === 1)) {
      const outShape = tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2)).concat([m, n]);
      if (batchB === 1) {
        // one right matrix: a single 2-D product over the stacked rows of A
        const a2 = view(backend, a, [batchA * m, k]);
        const b2 = view(backend, b, [k, n]);
        const o = matMul.fn({ inputs: { a: a2, b: b2 }, backend, attrs });
        out = view(backend, o, outShape);
        owned.push(a2, b2, o);
      } else {
        out = backend.makeOutput(outShape, "float32");
        for (let i = 0; i < batch; i++) {
          const ai = view(backend, a, [m, k], batchA === 1 ? 0 : i * m * k);
          const bi = view(backend, b, [k, n], batchB === 1 ? 0 : i * k * n);
          const oi = matMul.fn({ inputs: { a: ai, b: bi }, backend, attrs });
          // typedArrayFromHeap after the product: the heap may have grown (new buffer)
          (backend.typedArrayFromHeap(out) as Float32Array).set(backend.typedArrayFromHeap(oi) as Float32Array, i * m * n);
          for (const t of [ai, bi, oi]) backend.disposeData(t.dataId);
        }
      }
    } else {
      out = matMul.fn({ inputs: { a, b }, backend, attrs });
    }
    for (const t of owned) backend.disposeData(t.dataId);
    return out;
  };
  replaceKernel("BatchMatMul", batchMatMul, matMul.setupFunc);

  const identity = kernelFn("Identity");
  replaceKernel("Identity", (args) => {
    const x = args.inputs.x;
    if (x.dtype === "string") return identity.fn(args);
    args.backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  }, identity.setupFunc);

  const cast = kernelFn("Cast");
  replaceKernel("Cast", (args) => {
    const x = args.inputs.x;
    if (x.dtype !== args.attrs.dtype || x.dtype === "string") return cast.fn(args);
    args.backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  }, cast.setupFunc);

  const sum = kernelFn("Sum");
  replaceKernel("Sum", (args) => {
    const { backend } = args;
    const x = args.inputs.x;
    const r = x.shape.length;
    const axes = tf.util.parseAxisParam(args.attrs.axis as number | number[], x.shape).sort((p, q) => p - q);
    const leading = axes.length > 0 && axes.length < r && axes.every((a, i) => a === i);
    const P = size(x.shape.slice(0, axes.length));
    const Q = size(x.shape.slice(axes.length));
    if (x.dtype !== "float32" || !leading || P * Q < 4096) return sum.fn(args);
    const shape = args.attrs.keepDims ? x.shape.map((d, i) => (i < axes.length ? 1 : d)) : x.shape.slice(axes.length);
    const out = backend.makeOutput(shape, "float32");
    const xs = backend.typedArrayFromHeap(x) as Float32Array;
    const acc = new Float64Array(Q);
    for (let i = 0; i < P; i++) {
      const o = i * Q;
      for (let j = 0; j < Q; j++) acc[j] += xs[o + j];
    }
    (backend.typedArrayFromHeap(out) as Float32Array).set(acc);
    return out;
  }, sum.setupFunc);

  const comparisons: [string, (x: number, y: number) => boolean][] = [
    ["Equal", (x, y) => x === y],
    ["NotEqual", (x, y) => x !== y],
    ["Less", (x, y) => x < y],
    ["LessEqual", (x, y) => x <= y],
    ["Greater", (x, y) => x > y],
    ["GreaterEqual", (x, y) => x >= y],
  ];
  for (const [name, cmp] of comparisons) {
    const stock = kernelFn(name);
    replaceKernel(name, (args) => {
      const { a, b } = args.inputs;
      const same = a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
      if (same || a.dtype === "string" || b.dtype === "string") return stock.fn(args);
      const shape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
      const out = args.backend.makeOutput(shape, "bool");
      if (size(shape) === 0) return out;
      const av = args.backend.typedArrayFromHeap(a);
      const bv = args.backend.typedArrayFromHeap(b);
      const ov = args.backend.typedArrayFromHeap(out);
      broadcastRows(shape, a.shape, b.shape, (o, ia, ib, n, sa, sb) => {
        for (let j = 0; j < n; j++) ov[o + j] = cmp(av[ia + j * sa], bv[ib + j * sb]) ? 1 : 0;
      });
      return out;
    }, stock.setupFunc);
  }

  if (!tf.getKernel("UnsortedSegmentSum", "wasm")) {
    replaceKernel("UnsortedSegmentSum", ({ inputs, backend, attrs }) => {
      const { x, segmentIds } = inputs;
      const numSegments = attrs.numSegments as number;
      const inner = size(x.shape.slice(segmentIds.shape.length));
      const out = backend.makeOutput([numSegments, ...x.shape.slice(segmentIds.shape.length)], x.dtype);
      const ids = backend.typedArrayFromHeap(segmentIds);
      const xs = backend.typedArrayFromHeap(x);
      const os = backend.typedArrayFromHeap(out);
      os.fill(0);
      for (let i = 0; i < ids.length; i++) {
        const s = ids[i];
        if (s < 0 || s >= numSegments) continue;
        for (let j = 0; j < inner; j++) os[s * inner + j] += xs[i * inner + j];
      }
      return out;
    });
  }

  patchNativeKernels();
}
