import "../../src/experiments";
import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { closeTo, testBackend } from "../support/helpers";
import { planRuns, runExperiment } from "../../src/lab/runner";
import { getExperiment } from "../../src/lab/registry";
import { linearFit } from "../../src/slt/fit";
import { UsageError } from "../../src/core/errors";

before(testBackend);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kcdl-llc-"));
const exp = getExperiment("llc");

test("llc at smoke: results contract, checkpoints of every run, fits recomputed from the checkpoints, renderers; same seed, same numbers", async () => {
  const run = (out: string) => runExperiment("llc", { preset: "smoke", seed: 3, out, backend: "wasm", staticImages: false });
  const { results: r } = await run(path.join(tmp, "a"));
  for (const k of ["experiment", "preset", "overrides", "seed", "backend", "kcdlVersion", "timings", "config", "calibration", "checkpoints", "fits", "sgld"]) assert.ok(k in r, `key ${k}`);
  const runs = (fam: string) => [...new Set(r.checkpoints.filter((c: { family: string }) => c.family === fam).map((c: { run: string }) => c.run))].sort();
  for (const fam of ["mlp", "parity"]) assert.deepEqual(runs(fam), ["manual", "manual/variational", "random/mle", "random/variational"], fam);
  for (const c of r.checkpoints) {
    assert.equal(c.chainLlc.length, r.config.sgld.chains);
    assert.equal(c.traces.length, r.config.sgld.chains);
    assert.equal(c.klBits === null, c.objective === "mle", `${c.family} ${c.run}: KL exactly for non-MLE checkpoints`);
    const ok = c.chainLlc.filter((x: number | null) => x !== null);
    if (ok.length) closeTo(c.llc, ok.reduce((a: number, b: number) => a + b, 0) / ok.length, 1e-9, "λ̂ = mean over chains");
  }
  for (const f of r.fits) {
    const pts = r.checkpoints.filter((c: Record<string, number | null> & { family: string }) => c.family === f.family && Number.isFinite(c.llc) && c[f.y] !== null);
    const g = linearFit(pts.map((c: { llc: number }) => c.llc), pts.map((c: Record<string, number>) => c[f.y]));
    assert.equal(f.fit.n, g.n);
    if (Number.isFinite(g.slope)) closeTo(f.fit.slope, g.slope, 1e-9, `${f.family} ${f.y} slope`);
  }
  assert.equal(r.calibration.rows.length, r.calibration.models.length * r.config.calibration.nbetas.length * r.config.calibration.gammas.length * r.config.calibration.lrs.length);
  assert.ok(Object.keys(exp.figures(r)).length >= 4);
  assert.ok(Object.keys(exp.tables(r)).includes("calibration"));
  const figureNames = Object.keys(exp.figures(r));
  assert.deepEqual(Object.keys(exp.tables(r)).filter((t) => figureNames.includes(t)), [], "a figure and a table of one name would write the same .html");
  for (const c of exp.claims(r)) assert.ok([true, false, null].includes(c.agrees));
  assert.match(exp.readme(r), /\| model \|/);
  const { results: again } = await run(path.join(tmp, "b"));
  const { timings: _t1, ...a } = r;
  const { timings: _t2, ...b } = again;
  assert.deepEqual(a, b, "two runs with one seed differ only in timings");
});

test("llc: bad settings are usage errors before any work", () => {
  assert.throws(() => planRuns(["llc"], "smoke", { calibration: { reducedRank: { rank: 5 } } }, { out: null }), UsageError);
  assert.throws(() => planRuns(["llc"], "smoke", { quant: { tolerance: 0 } }, { out: null }), UsageError);
  assert.throws(() => planRuns(["llc"], "smoke", { sgld: { sampler: "hmc" } }, { out: null }), UsageError);
});
