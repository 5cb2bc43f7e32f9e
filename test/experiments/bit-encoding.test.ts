import "../../src/experiments";
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { closeTo } from "../support/helpers";
import { runExperiment } from "../../src/lab/runner";
import { unimodalFrontierPoint } from "../../src/codes/bit-code";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kcdl-bit-"));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let first: any;

test("bit-encoding at smoke: results contract, frontiers, and optimisation on the frontier", async () => {
  const { results, files } = await runExperiment("bit-encoding", { preset: "smoke", seed: 3, out: tmp, backend: "wasm", staticImages: false });
  first = results;
  for (const k of ["experiment", "preset", "seed", "backend", "kcdlVersion", "startedAt", "durationS", "config"]) assert.ok(k in results, `header key ${k}`);
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
  const strip = (r: Record<string, unknown>) => ({ ...r, startedAt: 0, durationS: 0 });
  assert.deepEqual(strip(results), strip(first));
});
