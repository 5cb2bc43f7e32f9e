/**
 * Experiment `asymptotics` at the smoke preset: the codes on the grid against a brute force that
 * runs the simulator at each R itself, Proposition 2's monotonicity, Lemma 4's order, Theorem 2's
 * accounting of zmap's row, determinism, and bad input.
 */
import "../../src/experiments";
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { testBackend, closeTo } from "../support/helpers";
import { asymptotics, AsymptoticsConfig, AsymptoticsMetrics, monotonicityViolations } from "../../src/experiments/asymptotics";
import { resolveExperimentConfig } from "../../src/lab/runner";
import { silentProgress } from "../../src/core/progress";
import { UsageError } from "../../src/core/errors";
import { bitlang } from "../../src/zmap/machines/bitlang";
import { runPrefix } from "../../src/zmap/prefix-machine";
import { binaryStrings, booleanFunction } from "../../src/tasks/boolean-functions";
import { labelNllBits } from "../../src/codes/two-part";
import { rngStream } from "../../src/core/rng";

const backend = { name: "wasm", provider: "", skipped: [] };
const ctx = () => ({ seed: 1, preset: "smoke" as const, backend, progress: silentProgress, timings: {} });
const config = resolveExperimentConfig(asymptotics, "smoke") as AsymptoticsConfig;
let metrics: AsymptoticsMetrics;

test("asymptotics (smoke) runs, leaks no tensors, and every claim holds", async () => {
  await testBackend();
  const before = tf.memory().numTensors;
  metrics = await asymptotics.run(config, ctx());
  assert.equal(tf.memory().numTensors, before, "no tensors leaked");
  const results = { ...metrics, config, experiment: "asymptotics", preset: "smoke" as const, overrides: {}, seed: 1, backend: "wasm", kcdlVersion: "", timings: { startedAt: "", durationS: 0 } };
  const claims = asymptotics.claims(results);
  assert.deepEqual(claims.map((c) => c.agrees), [true, true, true, true, true], JSON.stringify(claims.map((c) => c.ours)));
  assert.equal(metrics.monotonicityViolations, 0);
});

test("C^2p_{T,R} and C^bayes on the grid = a brute force over every string, run by the simulator at R itself", () => {
  const inputs = binaryStrings(config.maxInputLength);
  const strings = binaryStrings(config.maxLength).slice(1);
  // the datasets' examples and labels, drawn as run.ts draws them (the same named streams)
  const rngX = rngStream(1, "asymptotics/inputs");
  const xs = Array.from({ length: config.data.size }, () => Math.floor(rngX() * inputs.length));
  for (const [rtI, rsI] of [[1, 1], [2, 2], [config.bounds.rt.length - 1, config.bounds.rs.length - 1]]) {
    const bounds = { rt: config.bounds.rt[rtI], rs: config.bounds.rs[rsI] };
    const halting: { bits: number; logits: number[][] }[] = [];
    for (const z of strings) {
      if (z.length > bounds.rs) continue;
      const runs = inputs.map((x) => runPrefix(bitlang, x, z, bounds));
      if (runs.every((r) => r.status === "halted") && Math.max(...runs.map((r) => r.programBitsRead)) === z.length) halting.push({ bits: z.length, logits: runs.map((r) => r.logits!) });
    }
    for (const d of metrics.datasets) {
      const rng = rngStream(1, `asymptotics/labels/${d.target}/${d.noise}`);
      const f = booleanFunction(d.target);
      const ys = xs.map((x) => (rng() < d.noise ? 1 - f(inputs[x]) : f(inputs[x])));
      const totals = halting.map((h) => h.bits + ys.reduce((a, y, j) => a + labelNllBits(h.logits[xs[j]], y), 0));
      const twoPart = totals.length ? Math.min(...totals) : null;
      const bayes = totals.length ? -Math.log2(totals.reduce((a, t) => a + 2 ** -t, 0)) : null;
      const at = `${d.name} at R = (${bounds.rt}, ${bounds.rs})`;
      if (twoPart === null) assert.equal(d.twoPart[rtI][rsI], null, at);
      else closeTo(d.twoPart[rtI][rsI]!, twoPart, 1e-9, `C^2p ${at}`);
      if (bayes === null) assert.equal(d.bayes[rtI][rsI], null, at);
      else closeTo(d.bayes[rtI][rsI]!, bayes, 1e-9, `C^bayes ${at}`);
    }
  }
});

test("Proposition 2 and Lemma 4 on the grid: non-increasing in R_t and R_s, C^bayes ≤ C^2p; the checker flags an increase", () => {
  for (const d of metrics.datasets) {
    assert.equal(monotonicityViolations(d.twoPart), 0, d.name);
    d.twoPart.forEach((row, i) => row.forEach((c, j) => c !== null && assert.ok(d.bayes[i][j]! <= c + 1e-9, `${d.name} (${i}, ${j})`)));
  }
  assert.equal(monotonicityViolations([[3, 2], [4, null]]), 3, "3 → 4 down the first column, 2 → ∞ down the second, 4 → ∞ along the last row");
  assert.equal(monotonicityViolations([[null, 5], [5, 2]]), 0);
});

test("zmap's row: KL − |z*| is one c_T, and the compiled Transformer's NLL is the simulator's", () => {
  const rows = metrics.datasets.filter((d) => d.zmap);
  assert.equal(rows.length, metrics.datasets.length);
  for (const d of rows) {
    const z = d.zmap!;
    closeTo(z.klBits - z.z.length, rows[0].zmap!.cT, 1e-6, `${d.name}: KL − |z|`);
    closeTo(z.nllBits, z.simulatorNllBits, 1e-3, `${d.name}: NLL`);
    assert.ok(z.maxLogitError < 1e-3, `${d.name}: logit error ${z.maxLogitError}`);
    closeTo(z.simulatorNllBits, d.best!.nllBits, 1e-9, `${d.name}: the two-part minimiser's NLL`);
  }
  // K of parity at R_max is the 8-bit loop FLIP NEXT LOOP OUT; last is not expressible
  assert.equal(metrics.k.find((k) => k.target === "parity")!.atMax!.z, "00011011");
  assert.equal(metrics.k.find((k) => k.target === "last")!.atMax, null);
});

test("the same seed gives the same metrics; bad grids are UsageErrors", async () => {
  const quick = { ...config, zmap: { enabled: false } };
  const a = await asymptotics.run(quick, ctx());
  const b = await asymptotics.run(quick, ctx());
  assert.deepEqual(a, b);
  assert.throws(() => asymptotics.check!({ ...config, bounds: { ...config.bounds, rs: [4, 6] } }), (e: unknown) => e instanceof UsageError && /must be ≥ maxLength/.test((e as Error).message));
  assert.throws(() => asymptotics.check!({ ...config, bounds: { ...config.bounds, rt: [20, 10] } }), (e: unknown) => e instanceof UsageError && /strictly increasing/.test((e as Error).message));
});
