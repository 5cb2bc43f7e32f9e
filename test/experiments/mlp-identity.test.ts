import "../../src/experiments";
import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { closeTo, testBackend } from "../support/helpers";
import { runExperiment } from "../../src/lab/runner";
import { countModes } from "../../src/codes/gmm";
import { manualIdentityWeights, mlpSpecs, mlpNllBitsPerExample, mlpForward } from "../../src/nn/mlp";
import { binaryVectors, identityAll } from "../../src/tasks/identity";
import { gmm, gmmFromMoments } from "../../src/codes/gmm";
import { entropyBits } from "../../src/codes/optimal-prior";

before(testBackend);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kcdl-mlp-"));

test("the manual solution (C.2, λ = 20) computes the identity; eq. 105 against a direct computation", () => {
  const shape = { inputs: 4, hidden: 16, outputs: 4 };
  const m = manualIdentityWeights(shape, 20);
  const w = Object.fromEntries(mlpSpecs(shape).map((s) => [s.name, tf.tensor(Array.from(m[s.name]), s.shape)]));
  const all = identityAll(4);
  const f = mlpForward(w, all.x).arraySync();
  const nll = mlpNllBitsPerExample(w, all.x, all.y).arraySync();
  binaryVectors(4).forEach((v, i) => {
    // sigmoid(190) ≈ 1 for ones, sigmoid(−10) for zeros: NLL = #zeros · −log₂(1 − sigmoid(−10))
    const zeros = v.filter((b) => b === 0).length;
    closeTo(nll[i], zeros * -Math.log2(1 - 1 / (1 + Math.exp(10))), 1e-6, `NLL of ${v}`);
    v.forEach((b, j) => assert.equal(Math.round(f[i][j]), b));
  });
  tf.dispose([...Object.values(w), all.x, all.y]);
});

test("countModes counts the modes of a GMM density", () => {
  assert.equal(countModes(gmmFromMoments([-10, 0, 20], [0.01, 0.01, 0.01])), 3);
  assert.equal(countModes(gmmFromMoments([-0.1, 0, 0.1], [1, 1, 1])), 1);
  assert.equal(countModes(gmm([0], [0])), 1);
  // compiled weights: spikes of σ² = softplus(−10) at ±100 and 0 (the parity prior) — 3 modes wherever they sit
  const spikes = gmm([-100, 0, 100, 0], [-10, -10, -10, -10], [Math.log(0.0625), Math.log(0.875), Math.log(0.0625), -Infinity]);
  assert.equal(countModes(spikes), 3);
  // two components closer than their widths merge into one mode; apart by 4σ they do not
  assert.equal(countModes(gmmFromMoments([-0.5, 0.5], [1, 1])), 1);
  assert.equal(countModes(gmmFromMoments([-2, 2], [1, 1])), 2);
});

test("mlp-identity at smoke: results contract, Table 2 rows, B.9.3 manual KL, figures", async () => {
  const { results: r, files } = await runExperiment("mlp-identity", { preset: "smoke", seed: 2, out: tmp, backend: "wasm", staticImages: false });
  for (const k of ["experiment", "preset", "seed", "backend", "kcdlVersion", "startedAt", "durationS", "config", "rows", "manual", "fig9", "paper"]) assert.ok(k in r, `key ${k}`);
  const keys = r.rows.map((x: { objective: string; init: string; klCoef: number | null }) => `${x.objective}/${x.init}/${x.klCoef}`);
  assert.deepEqual(keys, ["mle/random/null", ...r.config.klCoefs.map((k: number) => `variational/random/${k}`), "variational/manual/0.01"]);
  for (const row of r.rows) {
    for (const k of ["objective", "init", "klCoef", "klBits", "trainNllBits", "codelengthBits", "accuracy"]) assert.ok(k in row, `row key ${k}`);
    assert.ok(row.accuracy >= 0 && row.accuracy <= 1);
    closeTo(row.trainNllBits, row.nllBitsPerExample * r.config.trainSetSize, 1e-6 * row.trainNllBits + 1e-9, "NLL total = per example × set size");
    if (row.objective === "mle") assert.equal(row.klBits, null);
    else {
      assert.ok(row.klBits > 0);
      closeTo(row.codelengthBits, row.klBits + row.trainNllBits, 1e-9 * row.codelengthBits, "codelength = KL + NLL");
    }
  }
  // B.9.3: 148 weights, values {−10: 20, 0: 120, 20: 8} → N·H(p)
  assert.deepEqual(r.manual.histogram, { values: [-10, 0, 20], counts: [20, 120, 8] });
  closeTo(r.manual.optimalPriorKlBits, 148 * entropyBits([20, 120, 8]), 1e-9, "N·H(p)");
  // with the prior's components at the posterior's ν the Gaussian KL equals N·H(p) (components far apart)
  closeTo(r.manual.atInit.klBits, r.manual.optimalPriorKlBits, 1e-3, "manual KL at init");
  const manual = r.rows.at(-1);
  assert.equal(manual.accuracy, 1, "the manual solution stays exact");
  assert.ok(manual.codelengthBits < r.rows[2].codelengthBits, "manual beats random init");
  assert.equal(r.paper.comparison.length, 7);
  assert.ok(r.fig9.manual.x.length === r.fig9.manual.prior.length && r.fig9.learned.aggregatedPosterior.length === r.fig9.learned.x.length);
  const names = files.map((f) => path.basename(f));
  for (const n of ["results.json", "fig9-distributions.html", "prior-collapse.html", "table2.csv", "table2.md", "table2.html"]) assert.ok(names.includes(n), `${n} written`);
});

test("bad config: a KL coefficient ≤ 0 is refused before training", async () => {
  await assert.rejects(
    runExperiment("mlp-identity", { preset: "smoke", out: null, backend: "wasm", overrides: { klCoefs: [0.1, 0], learnedKlCoef: 0.1 } }),
    /KL coefficient must be > 0/,
  );
});
