/**
 * The wasm backend's kernel registry as the kernel fixes use it (wasm-kernels.ts,
 * native-kernels.ts): the backend internals they touch, and how a kernel is
 * looked up and replaced. tfjs exposes no public types for these internals.
 */
import * as tf from "@tensorflow/tfjs";

/** The wasm backend's internals used by the kernel fixes. */
export interface WasmBackendLike {
  incRef(dataId: object): void;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: object): boolean;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/** A kernel call; `attrs` is undefined for kernels without attributes (e.g. Relu), despite the type. */
export type KernelArgs = { inputs: Record<string, tf.TensorInfo>; backend: WasmBackendLike; attrs: Record<string, unknown> };
export type KernelFn = (args: KernelArgs) => tf.TensorInfo;

export const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** The wasm kernel registered now under `name` (stock or already patched). */
export function kernelFn(name: string): { fn: KernelFn; setupFunc?: tf.KernelConfig["setupFunc"] } {
  const k = tf.getKernel(name, "wasm");
  if (!k) throw new Error(`wasm kernel '${name}' is not registered`);
  return { fn: k.kernelFunc as unknown as KernelFn, setupFunc: k.setupFunc };
}

/** Registers `kernelFunc` as the wasm kernel `name`, replacing the one there. */
export function replaceKernel(name: string, kernelFunc: KernelFn, setupFunc?: tf.KernelConfig["setupFunc"]): void {
  if (tf.getKernel(name, "wasm")) tf.unregisterKernel(name, "wasm");
  tf.registerKernel({ kernelName: name, backendName: "wasm", kernelFunc: kernelFunc as unknown as tf.KernelFunc, setupFunc });
}
