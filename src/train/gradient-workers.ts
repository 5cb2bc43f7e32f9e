/**
 * Data-parallel gradients on worker threads, so a training step uses every core
 * (the wasm backend runs one thread per process in Node: its threaded build is
 * disabled there). Each worker loads kcdl and its own tfjs backend, rebuilds the
 * training problem from a module export (`ProblemSource`), and returns, for a list
 * of tasks (weights θ, minibatch slice), the gradient ∂NLL/∂θ summed per weight
 * sample. The Trainer turns those into gradients of the posterior by the chain rule
 * (module `trainer.ts`). Calls are synchronous: the caller blocks on a shared flag
 * (Atomics.wait) and reads the reply with `receiveMessageOnPort`.
 */
import * as path from "node:path";
import { MessageChannel, MessagePort, Worker, receiveMessageOnPort } from "node:worker_threads";
import { KcdlError, UsageError } from "../core/errors";

/** Where a worker finds the training problem: `require(module)[factory](args)` must return a `TrainProblem`. */
export interface ProblemSource {
  /** Absolute path or package name of a CommonJS module. */
  module: string;
  /** Name of the exported factory. */
  factory: string;
  /** Structured-clonable argument of the factory. */
  args?: unknown;
}

/** One unit of work: the NLL gradient of weight sample `sample` on a minibatch (plain data). */
export interface GradientTask {
  sample: number;
  batch: unknown;
}

/** A worker's reply: per weight sample, Σ over its tasks of the NLL (bits) and of ∂NLL/∂θ by parameter name. */
export interface SampleGradient {
  sample: number;
  nllBits: number;
  grads: Record<string, Float32Array>;
}

interface Handle {
  worker: Worker;
  port: MessagePort;
  flag: Int32Array;
}

/** Milliseconds a worker may take to start or to answer before it is declared hung. */
const TIMEOUT_MS = 30 * 60 * 1000;

/** A pool of gradient workers (dispose it to end the threads). */
export class GradientWorkers {
  private readonly handles: Handle[];

  constructor(source: ProblemSource, count: number, backend: string) {
    if (!Number.isInteger(count) || count < 1) throw new UsageError(`gradient workers: the count must be an integer ≥ 1, got ${count}`);
    const script = path.join(__dirname, "gradient-worker.js");
    this.handles = Array.from({ length: count }, () => {
      const flag = new Int32Array(new SharedArrayBuffer(4));
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(script, { workerData: { source, backend, flag, port: port2 }, transferList: [port2] });
      worker.unref();
      return { worker, port: port1, flag };
    });
    for (const h of this.handles) this.await(h, "start");
  }

  get size(): number {
    return this.handles.length;
  }

  /** Live tensors in each worker after its last answer (constant from call to call when nothing leaks). */
  get liveTensors(): readonly number[] {
    return this.live;
  }
  private live: number[] = [];

  /** Blocks until worker `h` raises its flag, then returns its message. */
  private await(h: Handle, what: string): unknown {
    if (Atomics.wait(h.flag, 0, 0, TIMEOUT_MS) === "timed-out") throw new KcdlError(`gradient worker did not ${what} within ${TIMEOUT_MS / 60000} minutes`);
    Atomics.store(h.flag, 0, 0);
    const msg = receiveMessageOnPort(h.port)?.message as { error?: string } | undefined;
    if (!msg) throw new KcdlError(`gradient worker raised its flag without a message (${what})`);
    if (msg.error) throw new KcdlError(`gradient worker failed to ${what}: ${msg.error}`);
    return msg;
  }

  private pending: Handle[] = [];

  /**
   * Starts `tasks` (spread over the workers, consecutive tasks of one sample kept
   * together) with the weights of each sample (`weights[sample]`: name → values,
   * shapes from `shapes`) and returns at once; `finish` collects the results.
   */
  start(weights: Record<string, Float32Array>[], shapes: Record<string, number[]>, tasks: GradientTask[]): void {
    if (this.pending.length) throw new KcdlError("gradient workers: start called twice without finish");
    const n = this.handles.length;
    const per = Math.ceil(tasks.length / n);
    for (let i = 0; i < n && i * per < tasks.length; i++) {
      const mine = tasks.slice(i * per, (i + 1) * per);
      const samples = [...new Set(mine.map((t) => t.sample))];
      const h = this.handles[i];
      h.port.postMessage({ cmd: "run", shapes, weights: Object.fromEntries(samples.map((s) => [s, weights[s]])), tasks: mine });
      this.pending.push(h);
    }
  }

  /** Waits for the tasks of `start`; returns per-sample sums over all tasks, by sample. */
  finish(): SampleGradient[] {
    const used = this.pending;
    this.pending = [];
    const out = new Map<number, SampleGradient>();
    for (const h of used) {
      const reply = this.await(h, "compute a gradient") as { results: SampleGradient[]; liveTensors: number };
      this.live[this.handles.indexOf(h)] = reply.liveTensors;
      for (const r of reply.results) {
        const prev = out.get(r.sample);
        if (!prev) {
          out.set(r.sample, r);
          continue;
        }
        prev.nllBits += r.nllBits;
        for (const [name, g] of Object.entries(r.grads)) {
          const acc = prev.grads[name];
          for (let j = 0; j < g.length; j++) acc[j] += g[j];
        }
      }
    }
    return [...out.values()].sort((a, b) => a.sample - b.sample);
  }

  /** Ends the worker threads. */
  dispose(): void {
    for (const h of this.handles) {
      h.port.close();
      void h.worker.terminate();
    }
  }
}
