/**
 * tfjs backend choice. `auto` tries, in order, WebGPU on a hardware adapter
 * (`@tensorflow/tfjs-backend-webgpu` on Dawn, `webgpu.ts`; a software adapter such
 * as SwiftShader is skipped), the native TensorFlow backend
 * (`@tensorflow/tfjs-node-gpu`, then `@tensorflow/tfjs-node`, both optional
 * dependencies), the WebAssembly backend (`@tensorflow/tfjs-backend-wasm`,
 * shipped with kcdl, works offline), and tfjs's pure-JS `cpu` backend.
 * A name other than `auto` forces that backend and fails clearly if it cannot load.
 * The wasm backend's slow or missing kernels are fixed once, here (`wasm-kernels.ts`).
 */
import * as fs from "node:fs";
import * as tf from "@tensorflow/tfjs";
import { UsageError, KcdlError, assertChoice } from "./errors";
import { patchWasmKernels } from "./wasm-kernels";
import { nativeInfo } from "./native-kernels";
import { WebgpuAdapter, activateWebgpu, adapterLabel, probeWebgpu } from "./webgpu";

export const BACKENDS = ["auto", "webgpu", "tensorflow", "wasm", "cpu"] as const;
export type BackendName = (typeof BACKENDS)[number];

/** What `initBackend` chose and why. */
export interface BackendInfo {
  /** The tfjs backend name now active: "webgpu", "tensorflow", "wasm" or "cpu". */
  name: string;
  /** Which package provides it, e.g. "@tensorflow/tfjs-node-gpu", or the WebGPU adapter in words. */
  provider: string;
  /** The WebGPU adapter (webgpu only). */
  adapter?: WebgpuAdapter;
  /** Backends tried before it, with the reason each was skipped. */
  skipped: string[];
  /** The native kernels under wasm, when active (native-kernels.ts), e.g. "openblas 0.3.21 (Zen), 1 thread". */
  native?: string;
}

let active: BackendInfo | undefined;

/** Loads a native tfjs-node package; returns a reason string if it is unusable. */
function tryNative(pkg: string): string | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the native package is chosen at run time and may be absent
    require(pkg);
  } catch (err) {
    return `${pkg}: ${(err as Error).message.split("\n")[0]}`;
  }
  // A package aliased to plain tfjs (as danfojs's override does) loads but registers nothing.
  if (!tf.findBackendFactory("tensorflow")) return `${pkg}: loaded but registered no 'tensorflow' backend`;
  return undefined;
}

async function activate(name: string): Promise<boolean> {
  try {
    return (await tf.setBackend(name)) && tf.getBackend() === name;
  } catch {
    return false;
  }
}

/**
 * Whether this machine shows a GPU to probe in `auto` (Linux: an NVIDIA device node or a
 * DRM render node; macOS and Windows: always). Without one, Dawn would only find a
 * software Vulkan driver, after printing its warnings, so `auto` does not ask it.
 */
function gpuPresent(): boolean {
  if (process.platform !== "linux") return process.platform === "darwin" || process.platform === "win32";
  if (fs.existsSync("/dev/nvidia0")) return true;
  try {
    return fs.readdirSync("/dev/dri").some((f) => f.startsWith("renderD"));
  } catch {
    return false;
  }
}

/**
 * Selects and initialises the tfjs backend (`auto`: webgpu on a hardware adapter →
 * tensorflow → wasm → cpu; `KCDL_AUTO_WEBGPU=0` skips the WebGPU probe).
 * Idempotent for the same request; returns what was chosen.
 */
export async function initBackend(requested: string = "auto"): Promise<BackendInfo> {
  const want = assertChoice("backend", requested, BACKENDS);
  if (active && (want === "auto" || want === active.name)) return active;
  const skipped: string[] = [];

  if (want === "webgpu" || (want === "auto" && process.env.KCDL_AUTO_WEBGPU !== "0" && gpuPresent())) {
    const found = await probeWebgpu();
    if (typeof found === "string") {
      if (want === "webgpu") throw new UsageError(`backend 'webgpu' is not available: ${found}; or use --backend wasm`);
      skipped.push(`webgpu: ${found.split(":")[0]}`);
    } else if (want === "auto" && found.software) {
      skipped.push(`webgpu: only a software adapter (${adapterLabel(found)})`);
    } else if (await activateWebgpu()) {
      return (active = { name: "webgpu", provider: `@tensorflow/tfjs-backend-webgpu on ${adapterLabel(found)}`, adapter: found, skipped });
    } else if (want === "webgpu") {
      throw new KcdlError(`the webgpu backend failed to initialise on ${adapterLabel(found)}; use --backend wasm`, 1);
    } else {
      skipped.push("webgpu: tfjs failed to initialise it");
    }
  }

  if (want === "auto" || want === "tensorflow") {
    for (const pkg of ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"]) {
      const why = tryNative(pkg);
      if (!why && (await activate("tensorflow"))) return (active = { name: "tensorflow", provider: pkg, skipped });
      skipped.push(why ?? `${pkg}: setBackend('tensorflow') failed`);
      if (!why) break;
    }
    if (want === "tensorflow") {
      throw new UsageError(
        `backend 'tensorflow' is not available (${skipped.join("; ")}); install @tensorflow/tfjs-node or ` +
          `@tensorflow/tfjs-node-gpu with its install script allowed, or use --backend wasm`,
      );
    }
  }
  if (want === "auto" || want === "wasm") {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: the wasm backend loads only when no native one is used
    require("@tensorflow/tfjs-backend-wasm");
    if (await activate("wasm")) {
      patchWasmKernels();
      return (active = { name: "wasm", provider: "@tensorflow/tfjs-backend-wasm", skipped, ...(nativeInfo() ? { native: nativeInfo() } : {}) });
    }
    skipped.push("@tensorflow/tfjs-backend-wasm: failed to initialise");
    if (want === "wasm") throw new KcdlError("the wasm backend failed to initialise; use --backend cpu", 1);
  }
  if (await activate("cpu")) return (active = { name: "cpu", provider: "@tensorflow/tfjs (pure JS)", skipped });
  throw new KcdlError(`no tfjs backend could be initialised (${skipped.join("; ")})`);
}

/**
 * The backend for code that reads tensors synchronously (`dataSync`, `arraySync`): the
 * active one, except on webgpu, which has no synchronous read-back, where it is wasm.
 * Experiments run their host-side work (compiling, scoring, summaries) there and train
 * on the device (`onDevice`, what `Trainer.run` uses).
 */
export async function useHostBackend(): Promise<string> {
  if (!active || active.name !== "webgpu") return tf.getBackend();
  if (!tf.findBackend("wasm")) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the host backend of a webgpu run
    require("@tensorflow/tfjs-backend-wasm");
  }
  await switchTo("wasm");
  patchWasmKernels();
  return "wasm";
}

/** Runs `fn` on the backend `initBackend` chose (the device), and stays there. */
export async function onDevice<T>(fn: () => T | Promise<T>): Promise<T> {
  if (active) await switchTo(active.name);
  return fn();
}

/** Runs `fn` on the host backend (`useHostBackend`) and returns to the backend that was current. */
export async function onHost<T>(fn: () => T | Promise<T>): Promise<T> {
  const was = tf.getBackend();
  if (!active || active.name !== "webgpu" || was !== "webgpu") return fn();
  await useHostBackend();
  try {
    return await fn();
  } finally {
    await switchTo(was);
  }
}

/**
 * Makes `name` the current tfjs backend. Leaving webgpu, every variable's value is read
 * back first (asynchronously; tfjs keeps the copy), so the next backend can take the
 * variables over without the synchronous read WebGPU lacks.
 */
export async function switchTo(name: string): Promise<void> {
  if (tf.getBackend() === name) return;
  if (tf.getBackend() === "webgpu") {
    for (const v of Object.values(tf.engine().registeredVariables)) if (!v.isDisposed) await v.data();
  }
  if (!(await tf.setBackend(name))) throw new KcdlError(`could not switch the tfjs backend to '${name}'`);
}

/** The backend chosen by the last `initBackend`, if any. */
export function activeBackend(): BackendInfo | undefined {
  return active;
}

export { tf };
