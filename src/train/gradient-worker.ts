/**
 * The body of a gradient worker thread (see `gradient-workers.ts`): loads the
 * backend and the problem, then answers `run` messages with per-sample sums of the
 * NLL and its gradient with respect to the weights.
 */
import { workerData, MessagePort } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../core/backend";
import { variableFrom } from "../nn/param-tree";
import type { ProblemSource, GradientTask, SampleGradient } from "./gradient-workers";
import type { TrainProblem } from "./trainer";

const { source, backend, flag, port } = workerData as { source: ProblemSource; backend: string; flag: Int32Array; port: MessagePort };

function reply(msg: unknown, transfer: ArrayBuffer[] = []): void {
  port.postMessage(msg, transfer);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

function run(shapes: Record<string, number[]>, weights: Record<number, Record<string, Float32Array>>, tasks: GradientTask[], problem: TrainProblem<object>): SampleGradient[] {
  const out = new Map<number, { nll: number; grads: Record<string, Float64Array | Float32Array> }>();
  for (const [sample, values] of Object.entries(weights)) {
    const vars: Record<string, tf.Variable> = {};
    for (const [name, v] of Object.entries(values)) vars[name] = variableFrom(tf.tensor(v, shapes[name], "float32"), true);
    const list = Object.values(vars);
    for (const task of tasks.filter((t) => t.sample === Number(sample))) {
      const { value, grads } = tf.variableGrads(() => problem.nllBits(vars, task.batch as object), list);
      const prev = out.get(task.sample);
      const named = Object.fromEntries(Object.entries(vars).map(([name, v]) => [name, grads[v.name]]));
      if (!prev) {
        out.set(task.sample, {
          nll: value.dataSync()[0],
          grads: Object.fromEntries(Object.entries(named).map(([name, g]) => [name, g ? Float32Array.from(g.dataSync()) : new Float32Array(values[name].length)])),
        });
      } else {
        prev.nll += value.dataSync()[0];
        for (const [name, g] of Object.entries(named)) {
          if (!g) continue;
          const d = g.dataSync();
          const acc = prev.grads[name];
          for (let j = 0; j < d.length; j++) acc[j] += d[j];
        }
      }
      tf.dispose([value, ...Object.values(grads)]);
    }
    tf.dispose(list);
  }
  return [...out.entries()].map(([sample, r]) => ({ sample, nllBits: r.nll, grads: r.grads as Record<string, Float32Array> }));
}

(async () => {
  let problem: TrainProblem<object>;
  try {
    await initBackend(backend);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const factory = require(source.module)[source.factory];
    if (typeof factory !== "function") throw new Error(`module '${source.module}' exports no function '${source.factory}'`);
    problem = factory(source.args);
    reply({ ready: true });
  } catch (err) {
    reply({ error: (err as Error).message });
    return;
  }
  port.on("message", (msg: { cmd: string; shapes: Record<string, number[]>; weights: Record<number, Record<string, Float32Array>>; tasks: GradientTask[] }) => {
    try {
      const results = run(msg.shapes, msg.weights, msg.tasks, problem);
      reply({ results, liveTensors: tf.memory().numTensors }, results.flatMap((r) => Object.values(r.grads).map((g) => g.buffer as ArrayBuffer)));
    } catch (err) {
      reply({ error: (err as Error).message });
    }
  });
})();
