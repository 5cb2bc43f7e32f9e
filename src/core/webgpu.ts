/**
 * The WebGPU backend in Node: `@tensorflow/tfjs-backend-webgpu` on Dawn, through the
 * `webgpu` npm package (its `dawn.node` ships inside the package for linux-x64,
 * macOS and Windows; no download at install). Dawn drives the machine's Vulkan
 * driver (Metal on macOS, D3D12 on Windows): on an NVIDIA machine that is the GPU.
 * Without a GPU it accepts SwiftShader, the CPU Vulkan driver inside Debian's
 * `chromium` package (`VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json`),
 * slow, for correctness tests; Mesa's lavapipe is refused by Dawn.
 *
 * WebGPU has no synchronous read-back, and in Node there is no OffscreenCanvas for
 * tfjs's workaround, so `dataSync`/`arraySync` of a tensor that lives on the device
 * cannot work: the backend's `readSync` is replaced by one clear error, and the code
 * that trains (Trainer `run`, `stepAsync`) reads its numbers with `await tensor.data()`.
 *
 * tfjs 4.22's webgpu `AddN` binds every input as a storage buffer in one shader, so a
 * sum of more tensors than the device's `maxStorageBuffersPerShaderStage` − 1 (8 − 1 on
 * SwiftShader and in WebGPU's default limits) fails validation and yields garbage; the
 * KL of a parameter tree sums one term per tensor. The patched kernel sums in chunks.
 * `Sum` and `Max` over a short last axis (≤ 8) run as slices combined elementwise: tfjs's
 * webgpu reductions give every output row its own workgroup, so the Monte-Carlo KL's
 * logsumexp over a mixture's K = 3 components of [samples, weights, K] (and its
 * gradient's sums) took seconds per thousand weights on SwiftShader.
 */
import * as tf from "@tensorflow/tfjs";
import { KcdlError } from "./errors";

/** Chromium's SwiftShader Vulkan driver on Debian. */
export const SWIFTSHADER_ICD = "/usr/lib/chromium/vk_swiftshader_icd.json";

/** What Dawn reports of the adapter it chose. */
export interface WebgpuAdapter {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A CPU implementation (SwiftShader, llvmpipe, a fallback adapter): for tests, not for speed. */
  software: boolean;
  /** The adapter's largest buffer and storage binding, in bytes (they bound a tensor's size). */
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
}

interface GpuLike {
  requestAdapter(opts?: { powerPreference?: string }): Promise<AdapterLike | null>;
}
interface AdapterLike {
  info?: Record<string, unknown>;
  isFallbackAdapter?: boolean;
  limits: { maxBufferSize: number; maxStorageBufferBindingSize: number };
}

// `import()` kept as is by the CommonJS build: the `webgpu` package is an ES module.
const importEsm = new Function("specifier", "return import(specifier)") as (s: string) => Promise<Record<string, unknown>>;

let gpu: GpuLike | undefined;
let adapter: WebgpuAdapter | undefined;

function describeAdapter(a: AdapterLike): WebgpuAdapter {
  const info = (a.info ?? {}) as Record<string, unknown>;
  const str = (k: string) => (typeof info[k] === "string" ? (info[k] as string) : "");
  const text = `${str("vendor")} ${str("architecture")} ${str("device")} ${str("description")}`;
  const software = Boolean(a.isFallbackAdapter || info.isFallbackAdapter) || /swiftshader|llvmpipe|lavapipe|software/i.test(text);
  return {
    vendor: str("vendor"),
    architecture: str("architecture"),
    device: str("device"),
    description: str("description"),
    software,
    maxBufferSize: a.limits.maxBufferSize,
    maxStorageBufferBindingSize: a.limits.maxStorageBufferBindingSize,
  };
}

/** The adapter in words, e.g. "nvidia (hopper), NVIDIA H200" or "google swiftshader (software)". */
export function adapterLabel(a: WebgpuAdapter): string {
  const name = [a.vendor, a.architecture && `(${a.architecture})`].filter(Boolean).join(" ");
  const desc = a.description && a.description !== a.architecture ? `, ${a.description}` : "";
  return `${name || "unknown adapter"}${desc}${a.software ? " — software (CPU) Vulkan, for tests only" : ""}`;
}

/**
 * Loads Dawn and asks it for an adapter. Returns the adapter, or the reason there is
 * none (package missing, no Vulkan loader or driver), naming the fix.
 */
export async function probeWebgpu(): Promise<WebgpuAdapter | string> {
  if (adapter) return adapter;
  let mod: Record<string, unknown>;
  try {
    mod = await importEsm("webgpu");
  } catch (err) {
    return `the 'webgpu' package (Dawn) did not load (${(err as Error).message.split("\n")[0]}); install it: npm install webgpu`;
  }
  Object.assign(globalThis, mod.globals as object);
  const g = (mod.create as (flags: string[]) => GpuLike)([]);
  let a: AdapterLike | null;
  try {
    a = await g.requestAdapter({ powerPreference: "high-performance" });
  } catch (err) {
    a = null;
    void err;
  }
  if (!a) {
    return (
      "Dawn found no WebGPU adapter: it needs the Vulkan loader (Debian: apt-get install libvulkan1) and a Vulkan driver " +
      "(the GPU's: NVIDIA's driver ships one). To test on the CPU, point VK_ICD_FILENAMES at SwiftShader " +
      `(${SWIFTSHADER_ICD}, from Debian's chromium package)`
    );
  }
  gpu = g;
  adapter = describeAdapter(a);
  return adapter;
}

/**
 * Registers and activates tfjs's webgpu backend on the adapter `probeWebgpu` found.
 * Returns false if tfjs could not initialise it.
 */
export async function activateWebgpu(): Promise<boolean> {
  if (!gpu) throw new Error("activateWebgpu before probeWebgpu found an adapter");
  const nav = (globalThis as { navigator?: object }).navigator ?? {};
  Object.defineProperty(globalThis, "navigator", { value: Object.assign(Object.create(nav), { gpu }), configurable: true, writable: true });
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: the backend registers itself when loaded, only when asked for
  require("@tensorflow/tfjs-backend-webgpu");
  let ok = false;
  try {
    ok = (await tf.setBackend("webgpu")) && tf.getBackend() === "webgpu";
  } catch {
    ok = false;
  }
  if (ok) {
    guardSyncReads();
    patchWebgpuKernels();
  }
  return ok;
}

/** The adapter of the active webgpu backend, if any. */
export function webgpuAdapter(): WebgpuAdapter | undefined {
  return adapter;
}

const GUARDED = Symbol.for("kcdl.webgpuReadSyncGuarded");

/** `readSync` on data that is on the device throws one clear error instead of tfjs's OffscreenCanvas crash. */
function guardSyncReads(): void {
  const b = tf.engine().findBackend("webgpu") as unknown as {
    readSync(id: object): unknown;
    tensorMap: { get(id: object): { values?: unknown; dtype?: string } | undefined };
    [GUARDED]?: boolean;
  };
  if (!b || b[GUARDED]) return;
  const original = b.readSync.bind(b);
  b.readSync = (id: object) => {
    const d = b.tensorMap.get(id);
    if (d && (d.values != null || d.dtype === "string")) return original(id);
    throw new KcdlError(
      "a synchronous read (dataSync/arraySync) of a tensor on the WebGPU device: WebGPU in Node has no synchronous read-back. " +
        "Read it with `await tensor.data()` / `await tensor.array()`, or run this on --backend wasm",
    );
  };
  b[GUARDED] = true;
}

const PATCHED = Symbol.for("kcdl.webgpuKernelsPatched");

type KernelArgs = {
  inputs: Record<string, tf.TensorInfo> | tf.TensorInfo[];
  backend: { device: { limits: { maxStorageBuffersPerShaderStage: number } }; disposeData(id: object): boolean };
  attrs: Record<string, unknown>;
};
type KernelFn = (args: KernelArgs) => tf.TensorInfo;

/** Replaces the webgpu kernel `name` by `make(original)`, once. */
function replaceWebgpuKernel(name: string, make: (original: KernelFn) => KernelFn): void {
  const k = tf.getKernel(name, "webgpu");
  if (!k || (k as unknown as Record<symbol, boolean>)[PATCHED]) return;
  tf.unregisterKernel(name, "webgpu");
  const config = { ...k, kernelFunc: make(k.kernelFunc as unknown as KernelFn) as unknown as tf.KernelFunc };
  (config as unknown as Record<symbol, boolean>)[PATCHED] = true;
  tf.registerKernel(config);
}

const run = (name: string, args: KernelArgs) => (tf.getKernel(name, "webgpu")!.kernelFunc as unknown as KernelFn)(args);

/** `AddN` of any number of terms: sums of at most `maxStorageBuffersPerShaderStage` − 1 at a time. */
const chunkedAddN = (original: KernelFn): KernelFn => (args) => {
  const max = Math.max(2, args.backend.device.limits.maxStorageBuffersPerShaderStage - 1);
  let terms = args.inputs as tf.TensorInfo[];
  const made: tf.TensorInfo[] = [];
  while (terms.length > max) {
    const next: tf.TensorInfo[] = [];
    for (let i = 0; i < terms.length; i += max) {
      const chunk = terms.slice(i, i + max);
      if (chunk.length === 1) next.push(chunk[0]);
      else {
        const sum = original({ ...args, inputs: chunk });
        made.push(sum);
        next.push(sum);
      }
    }
    terms = next;
  }
  const out = original({ ...args, inputs: terms });
  for (const t of made) args.backend.disposeData(t.dataId);
  return out;
};

/** Longest last axis reduced as slices combined elementwise. */
const SHORT_AXIS = 8;

/**
 * A reduction (`Sum`, `Max`) over a short last axis (≤ 8: a mixture's K components) as
 * its K slices combined elementwise by `combine`; any other reduction keeps tfjs's kernel.
 */
const shortLastAxis = (combine: (parts: tf.TensorInfo[], args: KernelArgs) => tf.TensorInfo) => (original: KernelFn): KernelFn => (args) => {
  const x = (args.inputs as Record<string, tf.TensorInfo>).x;
  const rank = x.shape.length;
  // Sum's attribute is `axis`, Max's `reductionIndices`
  const raw = (args.attrs.axis ?? args.attrs.reductionIndices) as number | number[];
  const axes = (Array.isArray(raw) ? raw : [raw]).map((a) => (a < 0 ? a + rank : a));
  const n = x.shape[rank - 1];
  if (x.dtype !== "float32" || rank < 2 || axes.length !== 1 || axes[0] !== rank - 1 || n > SHORT_AXIS || n < 2) return original(args);
  const size = [...x.shape.slice(0, -1), 1];
  const begin = (j: number) => [...x.shape.slice(0, -1).map(() => 0), j];
  const parts = Array.from({ length: n }, (_, j) => run("Slice", { ...args, inputs: { x }, attrs: { begin: begin(j), size } }));
  const total = combine(parts, args);
  for (const t of parts) args.backend.disposeData(t.dataId);
  if (args.attrs.keepDims) return total;
  const out = run("Reshape", { ...args, inputs: { x: total }, attrs: { shape: x.shape.slice(0, -1) } });
  args.backend.disposeData(total.dataId);
  return out;
};

/** max of the parts, pairwise with `Maximum` (intermediates freed). */
function maximumOf(parts: tf.TensorInfo[], args: KernelArgs): tf.TensorInfo {
  let m = parts[0];
  for (const p of parts.slice(1)) {
    const next = run("Maximum", { ...args, inputs: { a: m, b: p }, attrs: {} });
    if (m !== parts[0]) args.backend.disposeData(m.dataId);
    m = next;
  }
  return m;
}

/** The kernel fixes of the module comment. */
function patchWebgpuKernels(): void {
  replaceWebgpuKernel("AddN", chunkedAddN);
  replaceWebgpuKernel("Sum", shortLastAxis((parts, args) => run("AddN", { ...args, inputs: parts, attrs: {} })));
  replaceWebgpuKernel("Max", shortLastAxis(maximumOf));
}
