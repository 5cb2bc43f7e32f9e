/** Experiment `zmap` at the smoke preset: every machine exact against the simulator, B.5.5's counts, Theorem 2's constant. */
import "../../src/experiments";
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { testBackend } from "../support/helpers";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { zmapExperiment, ZmapConfig } from "../../src/experiments/zmap";
import { resolveExperimentConfig, runExperiment } from "../../src/lab/runner";
import { UsageError } from "../../src/core/errors";
import { silentProgress } from "../../src/core/progress";

test("zmap experiment (smoke): 0 mismatches on every machine, heads 9 + 2|Y|, offsets {−1, 0, +1}, one c_T per machine", async () => {
  await testBackend();
  const config = resolveExperimentConfig(zmapExperiment, "smoke") as ZmapConfig;
  const backend = { name: tf.getBackend(), provider: "", skipped: [] };
  const before = tf.memory().numTensors;
  const m = await zmapExperiment.run(config, { seed: 1, preset: "smoke", backend, progress: silentProgress, timings: {} });
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

const committed = () => JSON.parse(fs.readFileSync(path.join(__dirname, "../../../figures/zmap/results.json"), "utf8"));

test("Theorem 2's figure gives each machine its own colour", () => {
  const fig = zmapExperiment.figures(committed())["theorem2-kl"];
  const colourOf = new Map<string, Set<string>>();
  for (const t of fig.data as { name: string; line: { color: string } }[]) {
    const machine = t.name.split(",")[0];
    if (!colourOf.has(machine)) colourOf.set(machine, new Set());
    colourOf.get(machine)!.add(t.line.color);
  }
  assert.equal(colourOf.size, 3);
  for (const [m, cs] of colourOf) assert.equal(cs.size, 1, `${m}: one colour`);
  const all = [...colourOf.values()].map((cs) => [...cs][0]);
  assert.equal(new Set(all).size, all.length, `distinct colours per machine: ${all.join(", ")}`);
});

test("the head-trace legend is laid out under the plot, across its width, with room below (no entry cut)", () => {
  const { layout } = zmapExperiment.figures(committed())["zmap-head-trace"];
  const legend = layout.legend as { orientation: string; y: number; yanchor: string; x: number; xanchor: string };
  const margin = layout.margin as { b: number };
  assert.equal(legend.orientation, "h");
  assert.equal(legend.yanchor, "top");
  assert.ok(legend.y < -0.15, "below the x-axis title");
  assert.equal(legend.xanchor, "left");
  assert.equal(legend.x, 0);
  assert.ok(margin.b >= 120, "bottom margin holds two legend rows");
});

test("claims are computed from the results, and flip when the numbers do", () => {
  const r = committed();
  const cs = zmapExperiment.claims(r);
  assert.deepEqual(cs.map((c) => c.agrees), [true, true, true, true]);
  assert.match(cs[0].ours, /18,358 \(selector\), 26,706 \(bitlang\), 16,890 \(ratio\)/);
  assert.match(cs[1].ours, /^0 of 438 /);
  assert.match(cs[2].ours, /1\.7·10⁻⁵/);
  const bad = structuredClone(r);
  bad.theorem2[1].klBits += 0.5;
  bad.machines[2].perProgram[0].configMismatches = 1;
  bad.machines[0].perProgram[0].logitMismatches = 2;
  bad.machines[1].heads = 15;
  assert.deepEqual(zmapExperiment.claims(bad).map((c) => c.agrees), [false, false, false, false]);
  assert.match(zmapExperiment.claims(bad)[1].ours, /^1 of 438 /);
});

test("readme renders the README subsection from the results it is given (three machines, 438 runs)", () => {
  const r = committed();
  const md = zmapExperiment.readme(r);
  assert.match(md, /^### zmap and Theorem 2 \(`figures\/zmap\/`\)/);
  assert.match(md, /Three prefix machines — `selector`/);
  assert.match(md, /\(438 runs;/);
  assert.match(md, /within 1\.7·10⁻⁵ relative/);
  assert.match(md, /R_s ∈ \{12, 24, 48\} \(18,358 bits for `selector`, 26,706 for `bitlang`, 16,890 for `ratio`\); only the prompt table grows/);
  const fewer = structuredClone(r);
  fewer.machines = fewer.machines.slice(0, 2);
  fewer.theorem2 = fewer.theorem2.filter((t: { machine: string }) => t.machine !== "ratio");
  const md2 = zmapExperiment.readme(fewer);
  assert.match(md2, /Two prefix machines/);
  assert.match(md2, /\(312 runs;/);
});

test("config: machine and program names are choices; check() refuses bad programs before any work", async () => {
  assert.throws(() => resolveExperimentConfig(zmapExperiment, "smoke", { trace: { machine: "turing" } }), /trace\.machine.*must be one of selector, bitlang, ratio/);
  assert.throws(() => resolveExperimentConfig(zmapExperiment, "smoke", { selector: { programs: ["parity", "xor"] } }), /selector\.programs.*must be one of zero, one, first, parity/);
  assert.throws(() => resolveExperimentConfig(zmapExperiment, "smoke", { ratio: { programs: ["2"] } }), /ratio\.programs/);
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "kcdl-zmap-")), "never-created");
  for (const overrides of [{ bitlang: { programs: ["NEXT JUMP OUT"] } }, { trace: { machine: "selector", program: "NEXT FLIP OUT" } }]) {
    await assert.rejects(runExperiment("zmap", { preset: "smoke", out, backend: "wasm", overrides }), UsageError);
  }
  assert.ok(!fs.existsSync(out), "nothing written before the check");
});
