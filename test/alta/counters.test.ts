/**
 * The two new sequential programs (alta/programs/counters.ts) against the ALTA interpreter and
 * against the tasks' labels written directly (tasks/sequence-tasks.ts): on every input of up to 6
 * bits and random longer ones, the compiled model — padded to the codes experiment's cpu model with
 * its compile settings — decodes to the interpreter's outputs at SEP after n + 1 layers, and its
 * logits' argmax is the label; the interpreter itself gives the label only from layer n + 1 on.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { testBackend } from "../support/helpers";
import { decodeOutputs, interpret, onesModProgram, thresholdProgram } from "../../src/alta";
import { disposeForward, forward, makeBatch, weightsFromValues } from "../../src/nn/transformer";
import { binaryStrings } from "../../src/tasks/boolean-functions";
import { sequenceTask } from "../../src/tasks/sequence-tasks";
import { rngStream } from "../../src/core/rng";
import { UsageError } from "../../src/core/errors";
import { compileTask } from "../../src/experiments/codes";
import { resolveExperimentConfig } from "../../src/lab/runner";
import { codes } from "../../src/experiments/codes";
import type { CodesConfig } from "../../src/experiments/codes";

const CASES = [
  { task: "at-least-two", program: () => thresholdProgram(2), output: "atLeast" },
  { task: "ones-mod-3", program: () => onesModProgram(3), output: "count" },
];

const randomInputs = (count: number, seed: string) => {
  const rng = rngStream(1, seed);
  return Array.from({ length: count }, () => Array.from({ length: 7 + Math.floor(rng() * 10) }, () => (rng() < 0.5 ? 1 : 0)));
};

test("the interpreter computes each task's label at SEP after n + 1 layers (and is a fixed point after)", () => {
  for (const c of CASES) {
    const task = sequenceTask(c.task);
    for (const x of [...binaryStrings(6).slice(1), ...randomInputs(20, c.task)]) {
      const p = c.program();
      assert.equal(interpret(p, x, { layers: x.length + 1, promptTokens: 2 }).outputs[c.output], task.label(x), `${c.task} [${x}]`);
      assert.equal(interpret(p, x, { layers: x.length + 5, promptTokens: 2 }).outputs[c.output], task.label(x), `${c.task} [${x}] fixed point`);
    }
  }
  // one layer short: the rightmost bits have not reached SEP yet
  assert.equal(interpret(thresholdProgram(2), [1, 0, 1], { layers: 3, promptTokens: 0 }).outputs.atLeast, 0);
});

test("compiled (the codes experiment's cpu model and settings) = interpreter = label, on every input up to 6 bits and random ones up to 16", async () => {
  await testBackend();
  const config = resolveExperimentConfig(codes, "cpu") as CodesConfig;
  const before = tf.memory().numTensors;
  for (const c of CASES) {
    const compiled = compileTask(config, c.task);
    const task = sequenceTask(c.task);
    const w = weightsFromValues(compiled.config, compiled.values);
    const inputs = [...binaryStrings(6).slice(1), ...randomInputs(16, `${c.task}/compiled`)];
    const byLength = new Map<number, number[][]>();
    for (const x of inputs) byLength.set(x.length, [...(byLength.get(x.length) ?? []), x]);
    let checks = 0;
    for (const [n, xs] of byLength) {
      const r = forward(compiled.config, w, makeBatch(compiled.config, xs), { layers: n + 1 });
      const logits = r.logits.arraySync() as number[][];
      disposeForward(r);
      xs.forEach((x, b) => {
        const want = interpret(compiled.program, x, { layers: n + 1, promptTokens: compiled.config.promptTokens }).outputs[c.output];
        assert.equal(decodeOutputs(compiled, logits[b])[c.output], want, `${c.task} [${x}]: decoded output`);
        const argmax = logits[b].indexOf(Math.max(...logits[b]));
        assert.equal(argmax, task.label(x), `${c.task} [${x}]: logits [${logits[b].map((v) => v.toFixed(2))}]`);
        checks++;
      });
    }
    tf.dispose(Object.values(w));
    assert.ok(checks >= 126, `${c.task}: ${checks} inputs`);
  }
  assert.equal(tf.memory().numTensors, before, "no tensors leaked");
});

test("bad parameters are UsageErrors", () => {
  assert.throws(() => thresholdProgram(0), UsageError);
  assert.throws(() => onesModProgram(1), UsageError);
  assert.throws(() => sequenceTask("majority"), UsageError);
});
