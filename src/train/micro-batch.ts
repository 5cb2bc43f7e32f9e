/**
 * The micro-batch size from memory (Trainer `microBatchSize`, gradient accumulation):
 * the largest that fits a budget, from the measured memory of the NLL gradient (S weight
 * samples) on two small slices of a minibatch. The memory of a slice's forward/backward
 * pass is linear in its examples (activations kept for the backward pass), so two sizes
 * give a fixed part and a per-example part (`tapeBytes`). On webgpu the largest single tensor must also fit the device's storage-buffer
 * binding limit (attention scores [micro·heads, T, T] grow with the micro-batch).
 *
 * The budget: `KCDL_DEVICE_MEMORY_MB` when set; on webgpu 80 % of the GPU's memory as
 * `nvidia-smi` reports it (WebGPU does not expose a device's memory), else a quarter of
 * the host's (a software adapter computes in host memory) capped at 8 GiB; on wasm
 * 1 GiB of the module's 4 GiB heap (the KL, the backward pass's transients, optimiser and
 * weights live there too; C.1's step with micro-batches of 16 peaked at a 2.4 GB heap).
 */
import * as os from "node:os";
import { execFileSync } from "node:child_process";
import * as tf from "@tensorflow/tfjs";
import { webgpuAdapter } from "../core/webgpu";

export interface MemoryBudget {
  /** Bytes the step's activations may take. */
  bytes: number;
  /** The largest single tensor allowed (webgpu: maxStorageBufferBindingSize), or Infinity. */
  maxTensorBytes: number;
  /** Where `bytes` came from, in words. */
  source: string;
}

/** What `Trainer.fitMicroBatch` measured and chose. */
export interface MicroBatchFit {
  microBatchSize: number;
  /** Bytes one slice's NLL gradient keeps for its backward pass = fixedBytes + perExampleBytes · examples. */
  fixedBytes: number;
  perExampleBytes: number;
  /** Bytes per example of the largest tensor the pass makes. */
  largestTensorPerExample: number;
  budget: MemoryBudget;
}

const GIB = 2 ** 30;

function nvidiaMemoryBytes(): number | undefined {
  try {
    const out = execFileSync("nvidia-smi", ["--query-gpu=memory.total", "--format=csv,noheader,nounits"], { encoding: "utf8", timeout: 5000, stdio: ["ignore", "pipe", "ignore"] });
    const mib = Number(out.trim().split("\n")[0]);
    return Number.isFinite(mib) && mib > 0 ? mib * 2 ** 20 : undefined;
  } catch {
    return undefined;
  }
}

/** The memory budget of the active backend (module comment). */
export function memoryBudget(): MemoryBudget {
  const backend = tf.getBackend();
  const adapter = backend === "webgpu" ? webgpuAdapter() : undefined;
  const maxTensorBytes = adapter ? adapter.maxStorageBufferBindingSize : Infinity;
  const env = Number(process.env.KCDL_DEVICE_MEMORY_MB);
  if (Number.isFinite(env) && env > 0) return { bytes: env * 2 ** 20, maxTensorBytes, source: `KCDL_DEVICE_MEMORY_MB=${env}` };
  if (backend === "webgpu") {
    const gpu = adapter && !adapter.software ? nvidiaMemoryBytes() : undefined;
    if (gpu) return { bytes: 0.8 * gpu, maxTensorBytes, source: `80 % of the GPU's ${(gpu / GIB).toFixed(1)} GiB (nvidia-smi)` };
    const host = Math.min(8 * GIB, os.totalmem() / 4);
    return { bytes: host, maxTensorBytes, source: `${(host / GIB).toFixed(1)} GiB (${adapter?.software ? "a software adapter uses host memory" : "the GPU's memory is unknown: set KCDL_DEVICE_MEMORY_MB"})` };
  }
  return { bytes: GIB, maxTensorBytes, source: "1 GiB of the wasm heap" };
}

/**
 * The bytes a differentiated pass keeps for its backward pass: called inside the
 * function handed to `tf.variableGrads`, after the forward pass, it sums the buffers
 * (each once: views such as reshapes share one) of every output and saved tensor on the
 * gradient tape. tfjs's own byte count (`tf.memory`, `tf.profile`) counts every view of
 * a buffer again, several times the real memory of a Transformer's pass.
 */
export function tapeBytes(): { bytes: number; largestTensorBytes: number } {
  const tape = (tf.engine() as unknown as { state: { activeTape?: { outputs?: tf.Tensor[]; saved?: tf.Tensor[] }[] } }).state.activeTape ?? [];
  const seen = new Set<object>();
  let bytes = 0;
  let largestTensorBytes = 0;
  for (const node of tape) {
    for (const t of [...(node.outputs ?? []), ...(node.saved ?? [])]) {
      if (!t || t.isDisposed || seen.has(t.dataId)) continue;
      seen.add(t.dataId);
      const b = t.size * 4;
      bytes += b;
      largestTensorBytes = Math.max(largestTensorBytes, b);
    }
  }
  return { bytes, largestTensorBytes };
}

/** The largest micro-batch ≤ batchSize within the budget, from the two measured slice sizes (module comment). */
export function chooseMicroBatch(batchSize: number, small: { examples: number; bytes: number; largestTensorBytes: number }, large: { examples: number; bytes: number; largestTensorBytes: number }, budget: MemoryBudget): MicroBatchFit {
  const perExampleBytes = Math.max(1, (large.bytes - small.bytes) / (large.examples - small.examples));
  const fixedBytes = Math.max(0, small.bytes - perExampleBytes * small.examples);
  const largestTensorPerExample = large.largestTensorBytes / large.examples;
  const byMemory = Math.floor((budget.bytes - fixedBytes) / perExampleBytes);
  const byTensor = Number.isFinite(budget.maxTensorBytes) ? Math.floor(budget.maxTensorBytes / Math.max(1, largestTensorPerExample)) : Infinity;
  const microBatchSize = Math.max(1, Math.min(batchSize, byMemory, byTensor));
  return { microBatchSize, fixedBytes, perExampleBytes, largestTensorPerExample, budget };
}
