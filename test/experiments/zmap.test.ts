/** Experiment `zmap` at the smoke preset: every machine exact against the simulator, B.5.5's counts, Theorem 2's constant. */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { testBackend } from "../support/helpers";
import { zmapExperiment, defaults } from "../../src/experiments/zmap";
import { resolveConfig } from "../../src/core/config";
import { silentProgress } from "../../src/core/progress";

test("zmap experiment (smoke): 0 mismatches on every machine, heads 9 + 2|Y|, offsets {−1, 0, +1}, one c_T per machine", async () => {
  await testBackend();
  const config = resolveConfig<typeof defaults>(defaults, zmapExperiment.presets.smoke, {});
  const backend = { name: tf.getBackend(), provider: "", skipped: [] };
  const before = tf.memory().numTensors;
  const m = await zmapExperiment.run(config, { seed: 1, backend, progress: silentProgress });
  assert.equal(tf.memory().numTensors, before, "no tensors leaked");
  assert.deepEqual(m.machines.map((r) => r.name), ["selector", "bitlang", "ratio"]);
  for (const r of m.machines) {
    assert.ok(r.inputsChecked > 0);
    assert.equal(r.mismatches, 0, `${r.name}: ${JSON.stringify(r.perProgram.map((p) => p.firstMismatch))}`);
    assert.ok(r.perProgram.every((p) => p.halted === p.inputs && p.maxLogitError <= config.logitTolerance));
    assert.equal(r.heads, 9 + 2 * 2, `${r.name}: heads`);
    assert.equal(r.paperHeads, 7 + 3 * 2);
    assert.deepEqual(r.relativeOffsets, [-1, 0, 1]);
  }
  for (const name of ["selector", "bitlang", "ratio"]) {
    const rows = m.theorem2.filter((t) => t.machine === name);
    assert.ok(rows.length >= 2);
    const cts = new Set(rows.map((t) => (t.klBits - t.programBits).toFixed(6)));
    assert.equal(cts.size, 1, `${name}: KL − |z| = ${[...cts].join(", ")}`);
  }
  // the trace follows the simulator layer by layer
  assert.ok(m.trace.layers.length > 3);
  for (const l of m.trace.layers) assert.deepEqual(l.compiled, l.simulator, `trace layer ${l.layer}`);
});
