/**
 * tfjs backend choice. `auto` tries, in order, the native TensorFlow backend
 * (`@tensorflow/tfjs-node-gpu`, then `@tensorflow/tfjs-node`, both optional
 * dependencies), the WebAssembly backend (`@tensorflow/tfjs-backend-wasm`,
 * shipped with kcdl, works offline), and tfjs's pure-JS `cpu` backend.
 * A name other than `auto` forces that backend and fails clearly if it cannot load.
 * The wasm backend's slow or missing kernels are fixed once, here (`wasm-kernels.ts`).
 */
import * as tf from "@tensorflow/tfjs";
import { UsageError, KcdlError, assertChoice } from "./errors";
import { patchWasmKernels } from "./wasm-kernels";
import { nativeInfo } from "./native-kernels";

export const BACKENDS = ["auto", "tensorflow", "wasm", "cpu"] as const;
export type BackendName = (typeof BACKENDS)[number];

/** What `initBackend` chose and why. */
export interface BackendInfo {
  /** The tfjs backend name now active: "tensorflow", "wasm" or "cpu". */
  name: string;
  /** Which package provides it, e.g. "@tensorflow/tfjs-node-gpu". */
  provider: string;
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
 * Selects and initialises the tfjs backend (`auto`: tensorflow → wasm → cpu).
 * Idempotent for the same request; returns what was chosen.
 */
export async function initBackend(requested: string = "auto"): Promise<BackendInfo> {
  const want = assertChoice("backend", requested, BACKENDS);
  if (active && (want === "auto" || want === active.name)) return active;
  const skipped: string[] = [];

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

/** The backend chosen by the last `initBackend`, if any. */
export function activeBackend(): BackendInfo | undefined {
  return active;
}

export { tf };
