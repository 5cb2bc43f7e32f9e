/**
 * Optional native kernels for the wasm backend: an N-API addon (native/, built by
 * `npm ci` where a C compiler and OpenBLAS exist; scripts/build-native.js) that runs
 * the step's heaviest kernels on the wasm heap itself.
 *
 * - `BatchMatMul` through `cblas_sgemm`: every transpose case natively (no transpose
 *   copies), batched products as a loop of sgemm calls over the heap (attention's
 *   [256, 19, 19]·[256, 19, 32] products run ≈ 1 GFLOP/s in wasm's generic loop).
 * - `Sum` over leading axes, `Tanh`, `Slice` (the QKV split), `Transpose` (the head
 *   split), broadcasting `Add`/`Sub`/`Multiply`/`RealDiv`, `Relu`, `Square`, `Step`:
 *   plain C loops, where wasm's versions are scalar, generic or run in JavaScript. The
 *   elementwise ones give the same IEEE results as wasm's (one operation per element).
 * - The per-weight pass of the fused Monte-Carlo KL (`nativeKlGmmPass`, called by
 *   src/codes/kl.ts): the variational step's largest cost once the products are fast.
 *   `KCDL_NATIVE_KL=0` keeps the JavaScript pass (to compare).
 * - The KL's and the posterior samples' seeded normal draws (`nativeRandomNormalT`, tfjs's
 *   generator in C; `KCDL_NATIVE_RNG=0` keeps tfjs's).
 *
 * The addon gets Float32Array views over the heap made right before each call (a heap
 * growth replaces the buffer, so a view is never kept), and writes into the output
 * tensor that `makeOutput` allocated: nothing is copied in or out. Unsupported cases
 * (other dtypes, general batch broadcasting) go to the kernel registered before.
 *
 * Not loading is never an error: without the built addon, or with `KCDL_NATIVE=0`,
 * the wasm kernels stay as they are. OpenBLAS runs `KCDL_NATIVE_THREADS` threads
 * (default 1: the trainer's parallelism is its worker threads). For a fixed count
 * OpenBLAS splits each product the same way every time, so a step repeats bit for bit.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import seedrandom from "seedrandom";
import { packageRoot } from "./io";
import { type KernelFn, kernelFn, replaceKernel, size } from "./wasm-registry";

/** The addon's functions (native/src/addon.c). */
export interface NativeAddon {
  gemm(a: Float32Array, b: Float32Array, out: Float32Array, batch: number, batchA: number, batchB: number, m: number, n: number, k: number, ta: number, tb: number): void;
  sumRows(x: Float32Array, out: Float32Array, p: number, q: number): void;
  tanh(x: Float32Array, out: Float32Array): void;
  slice(x: Float32Array, out: Float32Array, dims: Int32Array): void;
  binary(op: number, a: Float32Array, b: Float32Array, out: Float32Array, dims: Int32Array): void;
  unary(op: number, x: Float32Array, out: Float32Array, alpha: number): void;
  transpose(x: Float32Array, out: Float32Array, dims: Int32Array): void;
  klGmmPass(...args: (Float32Array | Float64Array | number)[]): void;
  normalAlea(out: Float32Array, s0: number, s1: number, s2: number, c: number, mean: number, std: number): void;
  setThreads(n: number): void;
  info(): string;
}

/** Where the build puts the addon, relative to the package root. */
export const NATIVE_ADDON_PATH = path.join("native", "build", "Release", "kcdl_native.node");

type Loaded = { addon?: NativeAddon; reason?: string };
let loaded: Loaded | undefined;

const unavailable = (reason: string): undefined => {
  loaded = { reason };
  return undefined;
};

/**
 * The native addon, loaded once; undefined (with `nativeUnavailableReason()` saying
 * why) when it is disabled, not built, or fails to load.
 */
export function nativeAddon(): NativeAddon | undefined {
  if (loaded) return loaded.addon;
  if (process.env.KCDL_NATIVE === "0") return unavailable("disabled by KCDL_NATIVE=0");
  const file = path.join(packageRoot(), NATIVE_ADDON_PATH);
  if (!fs.existsSync(file)) return unavailable(`not built (${NATIVE_ADDON_PATH} missing; node scripts/build-native.js builds it)`);
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a native addon is loaded by path at run time, if it was built
    const addon = require(file) as NativeAddon;
    const threads = Number(process.env.KCDL_NATIVE_THREADS ?? 1);
    addon.setThreads(Number.isInteger(threads) && threads >= 1 ? threads : 1);
    loaded = { addon };
    return addon;
  } catch (err) {
    return unavailable(`failed to load: ${(err as Error).message.split("\n")[0]}`);
  }
}

/** Why the addon is not in use (undefined when it is). */
export function nativeUnavailableReason(): string | undefined {
  nativeAddon();
  return loaded?.reason;
}

/** Sets OpenBLAS's thread count (process-wide); false when the addon is not loaded. */
export function setNativeThreads(n: number): boolean {
  const addon = nativeAddon();
  if (!addon) return false;
  addon.setThreads(Math.max(1, Math.floor(n)));
  return true;
}

const PATCHED = Symbol.for("kcdl.nativeKernelsPatched");

/** Whether the native kernels are registered (the addon loaded and `patchNativeKernels` ran). */
export function nativeKernelsActive(): boolean {
  return Boolean((globalThis as unknown as Record<symbol, boolean>)[PATCHED]);
}

/** e.g. "openblas 0.3.21 (Zen), 1 thread" when the native kernels are active, else undefined. */
export function nativeInfo(): string | undefined {
  return nativeKernelsActive() ? nativeAddon()?.info() : undefined;
}

/** The prior's per-component constants of the fused KL (gmmRows, src/codes/gmm.ts). */
export interface GmmRowsLike {
  logPi: Float64Array;
  ivar: Float64Array;
  logVar: Float64Array;
  dLogVar: Float64Array;
  pi: Float64Array;
}

/** The most prior components the native KL pass takes (KCDL_KL_MAX_K, native/src/kl.h). */
const KL_MAX_K = 64;

/**
 * The per-weight pass of the fused Monte-Carlo KL (klGaussianMonteCarloFusedT,
 * src/codes/kl.ts) in C, when the native kernels are active: the same double arithmetic
 * (exp and log from the C library, so equal up to rounding). Fills `out` as the
 * JavaScript pass does; false (nothing written) when it did not run.
 */
export function nativeKlGmmPass(
  n: number, S: number, K: number, perRow: boolean,
  muQ: Float32Array, sigma: Float64Array, eps: Float32Array, muP: Float32Array, G: GmmRowsLike,
  out: { sumTerm: Float64Array; sumG: Float64Array; sumGe: Float64Array; aMu: Float64Array; aNu: Float64Array; aW: Float64Array },
): boolean {
  if (!nativeKernelsActive() || K > KL_MAX_K || process.env.KCDL_NATIVE_KL === "0") return false;
  nativeAddon()!.klGmmPass(muQ, sigma, eps, muP, G.logPi, G.ivar, G.logVar, G.dLogVar, G.pi,
    out.sumTerm, out.sumG, out.sumGe, out.aMu, out.aNu, out.aW, n, S, K, perRow ? 1 : 0);
  return true;
}

/**
 * `tf.randomNormal(shape, 0, 1, "float32", seed)` drawn in C when the native kernels are
 * active: the same generator (seedrandom's alea, seeded here in JavaScript exactly as
 * tfjs seeds it, then Marsaglia's polar method), so the same numbers up to the C library's
 * log against Math.log (test/core/native-kernels.test.ts counts them). Undefined where it
 * does not apply (seed 0 means "unseeded" to tfjs) or `KCDL_NATIVE_RNG=0`.
 */
export function nativeRandomNormalT(shape: number[], seed: number): tf.Tensor | undefined {
  if (!nativeKernelsActive() || !seed || process.env.KCDL_NATIVE_RNG === "0") return undefined;
  const st = (seedrandom.alea(seed.toString(), { state: true }) as unknown as { state(): { s0: number; s1: number; s2: number; c: number } }).state();
  const out = new Float32Array(size(shape));
  nativeAddon()!.normalAlea(out, st.s0, st.s1, st.s2, st.c, 0, 1);
  return tf.tensor(out, shape, "float32");
}

const f32 = (x: Float32Array | Int32Array | Uint8Array) => x as Float32Array;
const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Replaces the wasm kernels above with native ones, falling back to the kernel
 * registered before for cases the addon does not take (idempotent; a no-op without
 * the addon). Called by `patchWasmKernels`, after its own fixes.
 */
export function patchNativeKernels(): void {
  const registry = globalThis as unknown as Record<symbol, boolean>;
  if (registry[PATCHED]) return;
  const addon = nativeAddon();
  if (!addon) return;
  registry[PATCHED] = true;

  const matMul = kernelFn("BatchMatMul");
  const batchMatMul: KernelFn = (args) => {
    const { a, b } = args.inputs;
    if (a.dtype !== "float32" || b.dtype !== "float32" || a.shape.length < 2 || b.shape.length < 2) return matMul.fn(args);
    const ta = Boolean(args.attrs.transposeA);
    const tb = Boolean(args.attrs.transposeB);
    const [ar, ac] = a.shape.slice(-2);
    const [br, bc] = b.shape.slice(-2);
    const m = ta ? ac : ar;
    const k = ta ? ar : ac;
    const n = tb ? br : bc;
    if ((tb ? bc : br) !== k) return matMul.fn(args); // the stock kernel reports the mismatch
    const da = a.shape.slice(0, -2);
    const db = b.shape.slice(0, -2);
    const batchA = size(da);
    const batchB = size(db);
    // one batch broadcast whole (or none); general broadcasting stays with wasm
    if (!(batchA === 1 || batchB === 1 || sameShape(da, db))) return matMul.fn(args);
    const outShape = tf.backend_util.assertAndGetBroadcastShape(da, db).concat([m, n]);
    const { backend } = args;
    const out = backend.makeOutput(outShape, "float32");
    // views after makeOutput: it may have grown the heap
    addon.gemm(f32(backend.typedArrayFromHeap(a)), f32(backend.typedArrayFromHeap(b)), f32(backend.typedArrayFromHeap(out)),
      Math.max(batchA, batchB), batchA, batchB, m, n, k, ta ? 1 : 0, tb ? 1 : 0);
    return out;
  };
  replaceKernel("BatchMatMul", batchMatMul, matMul.setupFunc);

  const sum = kernelFn("Sum");
  replaceKernel("Sum", (args) => {
    const x = args.inputs.x;
    const r = x.shape.length;
    const axes = tf.util.parseAxisParam(args.attrs.axis as number | number[], x.shape).sort((p, q) => p - q);
    const leading = axes.length > 0 && axes.length < r && axes.every((a, i) => a === i);
    if (x.dtype !== "float32" || !leading) return sum.fn(args);
    const P = size(x.shape.slice(0, axes.length));
    const Q = size(x.shape.slice(axes.length));
    const shape = args.attrs.keepDims ? x.shape.map((d, i) => (i < axes.length ? 1 : d)) : x.shape.slice(axes.length);
    const out = args.backend.makeOutput(shape, "float32");
    addon.sumRows(f32(args.backend.typedArrayFromHeap(x)), f32(args.backend.typedArrayFromHeap(out)), P, Q);
    return out;
  }, sum.setupFunc);

  const tanh = kernelFn("Tanh");
  replaceKernel("Tanh", (args) => {
    const x = args.inputs.x;
    if (x.dtype !== "float32") return tanh.fn(args);
    const out = args.backend.makeOutput([...x.shape], "float32");
    addon.tanh(f32(args.backend.typedArrayFromHeap(x)), f32(args.backend.typedArrayFromHeap(out)));
    return out;
  }, tanh.setupFunc);

  const slice = kernelFn("Slice");
  replaceKernel("Slice", (args) => {
    const x = args.inputs.x;
    if (x.dtype !== "float32" || x.shape.length === 0 || x.shape.length > 8) return slice.fn(args);
    const [begin, sz] = tf.slice_util.parseSliceParams(x as unknown as tf.Tensor, args.attrs.begin as number[], args.attrs.size as number[]);
    const out = args.backend.makeOutput(sz, "float32");
    if (size(sz) === 0) return out;
    addon.slice(f32(args.backend.typedArrayFromHeap(x)), f32(args.backend.typedArrayFromHeap(out)), Int32Array.from([...x.shape, ...begin, ...sz]));
    return out;
  }, slice.setupFunc);

  const binaries: [string, number][] = [["Add", 0], ["Sub", 1], ["Multiply", 2], ["RealDiv", 3]];
  for (const [name, op] of binaries) {
    const stock = kernelFn(name);
    replaceKernel(name, (args) => {
      const { a, b } = args.inputs;
      if (a.dtype !== "float32" || b.dtype !== "float32" || a.shape.length > 8 || b.shape.length > 8) return stock.fn(args);
      const shape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
      const out = args.backend.makeOutput(shape, "float32");
      if (size(shape) === 0) return out;
      const r = shape.length;
      const aligned = (s: readonly number[]) => [...new Array<number>(r - s.length).fill(1), ...s];
      const dims = Int32Array.from(r === 0 ? [1, 1, 1] : [...shape, ...aligned(a.shape), ...aligned(b.shape)]);
      const heap = args.backend;
      addon.binary(op, f32(heap.typedArrayFromHeap(a)), f32(heap.typedArrayFromHeap(b)), f32(heap.typedArrayFromHeap(out)), dims);
      return out;
    }, stock.setupFunc);
  }

  const unaries: [string, number][] = [["Relu", 0], ["Square", 1], ["Step", 2]];
  for (const [name, op] of unaries) {
    const stock = kernelFn(name);
    replaceKernel(name, (args) => {
      const x = args.inputs.x;
      if (x.dtype !== "float32") return stock.fn(args);
      const out = args.backend.makeOutput([...x.shape], "float32");
      addon.unary(op, f32(args.backend.typedArrayFromHeap(x)), f32(args.backend.typedArrayFromHeap(out)), Number(args.attrs?.alpha ?? 0));
      return out;
    }, stock.setupFunc);
  }

  const transpose = kernelFn("Transpose");
  replaceKernel("Transpose", (args) => {
    const x = args.inputs.x;
    const perm = args.attrs.perm as number[];
    if (x.dtype !== "float32" || x.shape.length === 0 || x.shape.length > 8) return transpose.fn(args);
    const out = args.backend.makeOutput(perm.map((p) => x.shape[p]), "float32");
    if (size(x.shape) === 0) return out;
    addon.transpose(f32(args.backend.typedArrayFromHeap(x)), f32(args.backend.typedArrayFromHeap(out)), Int32Array.from([...x.shape, ...perm]));
    return out;
  }, transpose.setupFunc);
}
