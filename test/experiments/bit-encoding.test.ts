import "../../src/experiments";
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { closeTo } from "../support/helpers";
import { resolveExperimentConfig, runExperiment } from "../../src/lab/runner";
import { bitEncoding, BitEncodingConfig } from "../../src/experiments/bit-encoding";
import { UsageError } from "../../src/core/errors";
import { unimodalFrontierPoint } from "../../src/codes/bit-code";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kcdl-bit-"));
let first: Record<string, unknown> = {};

test("bit-encoding at smoke: results contract, frontiers, and optimisation on the frontier", async () => {
  const { results, files } = await runExperiment("bit-encoding", { preset: "smoke", seed: 3, out: tmp, backend: "wasm", staticImages: false });
  first = results;
  for (const k of ["experiment", "preset", "seed", "backend", "kcdlVersion", "timings", "config"]) assert.ok(k in results, `header key ${k}`);
  for (const prior of ["unimodal", "multimodal"] as const) {
    const f = results[prior].frontier;
    assert.equal(f[0].pCorrect, 0.5);
    closeTo(f[f.length - 1].pCorrect, 1 - 1e-6, 1e-15, "frontier ends at 1 − 1e−6");
    for (let i = 1; i < f.length; i++) assert.ok(f[i].klBits >= f[i - 1].klBits - 1e-9, `${prior} frontier is non-decreasing`);
    for (const o of results[prior].optimized) {
      for (const k of ["pCorrect", "klBits", "klBitsExact"]) assert.equal(typeof o[k], "number");
      // the MC estimate at the solution agrees with the exact KL within MC error …
      closeTo(o.klBits, o.klBitsExact, 4 * o.klBitsStdErr, `${prior} p=${o.target}: MC vs quadrature`);
      // … the solution meets its target, and it lies on the exact frontier (never below it)
      assert.ok(o.pCorrect >= o.target - 2e-3, `${prior} p=${o.target}: reached ${o.pCorrect}`);
      assert.ok(o.klBitsExact >= o.frontierKlBits - 1e-6, `${prior}: below the frontier?`);
      closeTo(o.klBitsExact, o.frontierKlBits, 0.03, `${prior} p=${o.target}: optimiser vs frontier`);
    }
  }
  closeTo(results.unimodal.frontier[5].klBits, unimodalFrontierPoint(results.unimodal.frontier[5].pCorrect).klBits, 1e-12, "closed form");
  assert.ok(results.unimodal.numericVsClosedFormMaxAbsBits < 1e-7, "numerical frontier method matches the closed form");
  closeTo(results.multimodal.frontier.at(-1).klBits, 1, 1e-3, "multimodal: 1 bit at 1 − 1e−6");
  const names = files.map((f) => path.basename(f));
  for (const n of ["results.json", "fig7-posteriors.html", "fig8-frontier.html", "multimodal-variance.html", "frontier.csv", "frontier.md"]) {
    assert.ok(names.includes(n), `${n} written`);
  }
});

test("the same seed on the same backend gives identical metrics", async () => {
  const { results } = await runExperiment("bit-encoding", { preset: "smoke", seed: 3, out: null, backend: "wasm" });
  const strip = (r: Record<string, unknown>) => ({ ...r, timings: 0 });
  assert.deepEqual(strip(results), strip(first));
});

const committed = () => JSON.parse(fs.readFileSync(path.join(__dirname, "../../../figures/bit-encoding/results.json"), "utf8"));

test("claims are computed from the results: both agree on the committed run, and flip when the numbers do", () => {
  const r = committed();
  const [multimodal, unimodal] = bitEncoding.claims(r);
  assert.equal(multimodal.agrees, true);
  assert.equal(unimodal.agrees, true);
  assert.match(multimodal.ours, /1\.0000 bits at P\(correct\) = 1 − 1e−6/);
  assert.match(unimodal.ours, /2\.280 bits/);
  assert.match(unimodal.note, /only asymptotically/);
  assert.match(multimodal.note, /no row here is an eq\. 86 codelength/);
  const worse = structuredClone(r);
  worse.selected.at(-1).multimodalKlBits = 1.3;
  worse.selected.at(-1).unimodalKlBits = 1.5;
  const [m2, u2] = bitEncoding.claims(worse);
  assert.equal(m2.agrees, false);
  assert.equal(u2.agrees, false);
  assert.match(m2.ours, /1\.3000 bits/);
});

test("readme renders the README section from the results it is given", () => {
  const r = committed();
  const md = bitEncoding.readme(r);
  assert.match(md, /^### Bit encoding, Figs\. 7–8 \(`figures\/bit-encoding\/`\)/);
  assert.match(md, /\| 0\.99 \| 1\.3404 \| 1\.0000 \|/);
  assert.match(md, /\| 1 − 1e−6 \| 2\.2802 \| 1\.0000 \|/);
  assert.match(md, /multimodal ½N\(±1, 1e−4\)/);
  assert.match(md, /2\.28 bits at 1 − 1e−6 and 2\.83 at 1 − 1e−12/);
  const other = structuredClone(r);
  other.selected.find((s: { pCorrect: number }) => s.pCorrect === 0.99).unimodalKlBits = 1.23456;
  other.multimodal.componentVariance = 1e-3;
  const md2 = bitEncoding.readme(other);
  assert.match(md2, /\| 0\.99 \| 1\.2346 \| 1\.0000 \|/);
  assert.match(md2, /½N\(±1, 1e−3\)/);
});

test("config: the shared vocabulary (train.*, optimizer.* with β₂ = 0.99), old keys refused, check() before any work", async () => {
  const c = resolveExperimentConfig(bitEncoding, "cpu", { train: { lr: 0.05, finalLr: 1e-4 } }) as BitEncodingConfig;
  assert.equal(c.train.lr, 0.05);
  assert.equal(c.train.steps, 2000);
  assert.deepEqual(c.optimizer, { name: "adam", beta1: 0.9, beta2: 0.99, eps: 1e-8 });
  assert.throws(() => resolveExperimentConfig(bitEncoding, "cpu", { optimize: { learningRate: 0.1 } }), /unknown config key 'optimize\.learningRate'/);
  assert.throws(() => resolveExperimentConfig(bitEncoding, "cpu", { optimizer: { name: "sgd" } }), /must be one of adam/);
  const out = path.join(tmp, "never-created");
  for (const overrides of [{ pMax: 1 }, { optimize: { targets: [0.9, 1] } }, { train: { warmupSteps: 2000 } }]) {
    await assert.rejects(runExperiment("bit-encoding", { preset: "smoke", out, backend: "wasm", overrides }), UsageError);
  }
  assert.ok(!fs.existsSync(out), "nothing written before the check");
});
