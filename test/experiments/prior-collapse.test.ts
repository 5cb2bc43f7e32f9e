/**
 * `prior-collapse` at the smoke preset: bad input refused before any run; the study's
 * numbers equal those of the same mlp-identity run made directly (in this process, not
 * through the sweep's child processes), and its parity baseline equals the parity
 * experiment's own random-init variational row; the summaries are the seeds' statistics.
 */
import "../../src/experiments";
import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { testBackend } from "../support/helpers";
import { runExperiment } from "../../src/lab/runner";
import { summarize } from "../../src/lab/sweep";
import { REMEDIES } from "../../src/experiments/prior-collapse";
import type { PriorCollapseResults } from "../../src/experiments/prior-collapse";
import type { MlpResults } from "../../src/experiments/mlp-identity";
import type { ParityResults } from "../../src/experiments/parity";
import { UsageError } from "../../src/core/errors";

before(testBackend);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kcdl-pc-"));

test("bad input fails before any run: an unknown remedy, no baseline, Table 1 missing", async () => {
  const out = path.join(tmp, "never");
  const run = (overrides: object) => runExperiment("prior-collapse", { preset: "smoke", seed: 1, out, backend: "wasm", overrides, staticImages: false });
  await assert.rejects(run({ remedies: ["baseline", "adamw"] }), /remedies.*adamw|adamw.*remedies/);
  await assert.rejects(run({ remedies: ["zero-component"] }), /must include "baseline"/);
  await assert.rejects(run({ parity: { baseline: "table1" } }), (err: Error) => err instanceof UsageError && /kcdl run parity --preset smoke --seed 1/.test(err.message) && /parity\.baseline=run/.test(err.message));
  assert.ok(!fs.existsSync(path.join(out, "prior-collapse", "work")), "no run started");
});

test("the study's numbers are those of the same runs made directly; summaries are the seeds' statistics", async () => {
  const overrides = { remedies: ["baseline", "zero-component"], seeds: 2 };
  const { results } = await runExperiment("prior-collapse", { preset: "smoke", seed: 3, out: tmp, backend: "wasm", overrides, staticImages: false });
  const r = results as PriorCollapseResults;
  assert.deepEqual(r.runs.map((x) => `${x.remedy}/${x.seed}`).sort(), ["baseline/3", "baseline/4", "zero-component/3", "zero-component/4"]);

  // zero-component at seed 4, directly: mlp-identity with the remedy's keys and the study's klCoef
  const remedy = REMEDIES.find((x) => x.name === "zero-component")!;
  const direct = (await runExperiment("mlp-identity", { preset: "smoke", seed: 4, out: null, backend: "wasm", overrides: { ...remedy.overrides("mlp-identity", 40), train: { klCoef: [r.config.klCoef] } } })).results as MlpResults;
  const row = direct.rows.find((x) => x.init === "random" && x.objective === "variational")!;
  const mine = r.runs.find((x) => x.remedy === "zero-component" && x.seed === 4)!;
  assert.equal(mine.paperBits, row.codelength!.paperBits);
  assert.equal(mine.totalBits, row.codelength!.totalBits);
  assert.equal(mine.priorBits, 32 * 7, "L_Ψ of one group of 3 components less the fixed μ₀, π₀");
  assert.deepEqual(mine.modes, direct.priorTraces[`random/${r.config.klCoef}`].map((t) => t.modes));
  assert.equal(mine.prior.mu[0] === 0, true);

  // summaries and the reach rule
  for (const s of r.summaries) {
    const own = r.runs.filter((x) => x.remedy === s.remedy);
    assert.deepEqual(s.paperBits, summarize(own.map((x) => x.paperBits)));
    assert.equal(s.unimodalRuns, own.filter((x) => x.finalModes === 1).length);
  }
  const zc = r.summaries.find((s) => s.remedy === "zero-component")!;
  const diffs = [3, 4].map((seed) => r.runs.find((x) => x.remedy === "zero-component" && x.seed === seed)!.paperBits - r.runs.find((x) => x.remedy === "baseline" && x.seed === seed)!.paperBits);
  assert.deepEqual(zc.vsBaseline, summarize(diffs));
  for (const x of r.runs) {
    const m = r.manual.perSeed.find((p) => p.seed === x.seed)!;
    assert.equal(x.reached, x.paperBits <= (1 + r.config.nearManual) * m.paperBits);
  }
  const means = r.ranking.map((n) => r.summaries.find((s) => s.remedy === n)!.paperBits.mean!);
  assert.deepEqual(means, [...means].sort((a, b) => a - b), "ranked by mean codelength");

  // parity: the best non-baseline remedy, and a baseline equal to the parity experiment's own row at seed 3
  assert.deepEqual(r.parity!.chosen, ["zero-component"]);
  const parity = (await runExperiment("parity", { preset: "smoke", seed: 3, out: null, backend: "wasm" })).results as ParityResults;
  const t1 = parity.rows.find((x) => x.key === "random/variational")!;
  const base = r.parity!.rows.find((x) => x.source === "baseline")!;
  assert.equal(base.paperBits, t1.codelengthBits);
  assert.equal(base.oodAcc, t1.oodAcc);
  assert.ok(r.parity!.rows.some((x) => x.source === "zero-component"));
});
