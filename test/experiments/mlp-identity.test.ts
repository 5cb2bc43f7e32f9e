import "../../src/experiments";
import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { closeTo, testBackend } from "../support/helpers";
import { planRuns, runExperiment } from "../../src/lab/runner";
import { getExperiment } from "../../src/lab/registry";
import { priorParameterBits } from "../../src/codes/codelength";
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

const exp = getExperiment("mlp-identity");
const committed = () => JSON.parse(fs.readFileSync(path.join(__dirname, "../../../figures/mlp-identity/results.json"), "utf8"));

test("mlp-identity at smoke: results contract, Table 2 rows, eq. 86 records, B.9.3 manual KL, figures, claims", async () => {
  const { results: r, files } = await runExperiment("mlp-identity", { preset: "smoke", seed: 2, out: tmp, backend: "wasm", staticImages: false });
  for (const k of ["experiment", "preset", "overrides", "seed", "backend", "kcdlVersion", "timings", "config", "rows", "manual", "fig9", "paper"]) assert.ok(k in r, `key ${k}`);
  const keys = r.rows.map((x: { objective: string; init: string; klCoef: number | null }) => `${x.objective}/${x.init}/${x.klCoef}`);
  assert.deepEqual(keys, ["mle/random/null", ...r.config.train.klCoef.map((k: number) => `variational/random/${k}`), "variational/manual/0.01"]);
  for (const row of r.rows) {
    for (const k of ["objective", "init", "klCoef", "klBits", "trainNllBits", "codelengthBits", "accuracy", "codelength"]) assert.ok(k in row, `row key ${k}`);
    assert.ok(row.accuracy >= 0 && row.accuracy <= 1);
    closeTo(row.trainNllBits, row.nllBitsPerExample * r.config.trainSetSize, 1e-6 * row.trainNllBits + 1e-9, "NLL total = per example × set size");
    if (row.objective === "mle") assert.equal(row.klBits, null);
    else {
      assert.ok(row.klBits > 0);
      closeTo(row.codelengthBits, row.klBits + row.trainNllBits, 1e-9 * row.codelengthBits, "codelength = KL + NLL");
      // eq. 86: one prior group ("all") × 3 components × (μ, ν, w) × 32 bits
      assert.deepEqual(Object.keys(row.codelength), ["klBits", "nllBits", "priorBits", "totalBits", "paperBits"]);
      assert.equal(row.codelength.priorBits, 288);
      assert.equal(row.codelength.paperBits, row.codelengthBits);
      closeTo(row.codelength.totalBits, row.codelengthBits + 288, 1e-9 * row.codelengthBits, "total = KL + NLL + L_Ψ");
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
  for (const n of ["results.json", "fig9-distributions.html", "prior-collapse.html", "table2.csv", "table2.md", "table2.html", "claims.md"]) assert.ok(names.includes(n), `${n} written`);
  const t2 = fs.readFileSync(path.join(tmp, "mlp-identity", "table2.csv"), "utf8").split("\n")[0];
  assert.match(t2, /codelengthBits,priorBits,totalBits/);
});

for (const K of [1, 2, 5]) {
  test(`prior.components = ${K} runs; the manual row's optimal prior keeps its 3 components (B.9.3), independent of K`, async () => {
    const overrides = { prior: { components: K }, train: { klCoef: 1e-3 } };
    const { results: r } = await runExperiment("mlp-identity", { preset: "smoke", seed: 1, out: null, backend: "wasm", overrides });
    assert.deepEqual(r.overrides, overrides, "overrides recorded");
    const [mle, random, manual] = r.rows;
    assert.equal(mle.codelength, null);
    assert.equal(random.prior.mu.length, K);
    assert.equal(random.codelength.priorBits, priorParameterBits({ groups: 1, components: K }));
    assert.equal(r.manual.priorComponents, 3);
    assert.equal(manual.prior.mu.length, 3);
    assert.equal(manual.codelength.priorBits, priorParameterBits({ groups: 1, components: 3 }));
    closeTo(r.manual.atInit.klBits, r.manual.optimalPriorKlBits, 1e-3, "manual KL at init");
    assert.equal(r.fig9.learned.klCoef, 1e-3, "a single train.klCoef is the learned row");
  });
}

test("prior.grouping comes from config: 'tensor' gives one prior per tensor; the manual prior has M = max distinct values per tensor", async () => {
  const overrides = { prior: { components: 2, grouping: "tensor" }, train: { klCoef: 1e-3 } };
  const { results: r } = await runExperiment("mlp-identity", { preset: "smoke", seed: 1, out: null, backend: "wasm", overrides });
  const [, random, manual] = r.rows;
  assert.equal(random.codelength.priorBits, priorParameterBits({ groups: 4, components: 2 }), "4 tensors × 2 components");
  // W¹, W² take {0, λ} (2 values), b¹, b² only −λ/2 (1 value): 2 + 1 + 2 + 1 components
  assert.equal(r.manual.priorComponents, 2);
  assert.equal(manual.codelength.priorBits, priorParameterBits({ groups: 1, components: 6 }));
  closeTo(r.manual.atInit.klBits, r.manual.optimalPriorKlBits, 1e-3, "per-tensor N·H(p) at init");
  assert.ok(r.manual.optimalPriorKlBits < 148 * entropyBits([20, 120, 8]), "per-tensor priors code the manual weights in fewer bits");
});

test("bad config is refused before any work: a KL coefficient ≤ 0, a learned row that is not run", async () => {
  const logs: string[] = [];
  const progress = { start: () => {}, update: () => {}, stop: () => {}, log: (s: string) => void logs.push(s) };
  await assert.rejects(runExperiment("mlp-identity", { preset: "smoke", out: null, backend: "wasm", progress, overrides: { train: { klCoef: [0.1, 0] } } }), /KL coefficient must be > 0; train.klCoef has 0/);
  await assert.rejects(runExperiment("mlp-identity", { preset: "smoke", out: null, backend: "wasm", progress, overrides: { manual: { klCoef: 0 } } }), /manual.klCoef has 0/);
  await assert.rejects(
    runExperiment("mlp-identity", { preset: "smoke", out: null, backend: "wasm", progress, overrides: { report: { learnedKlCoef: 1e-4 } } }),
    /report.learnedKlCoef 0.0001 must be one of train.klCoef \[0.1, 0.001\]/,
  );
  assert.deepEqual(logs, [], "nothing ran");
  assert.throws(() => planRuns(["mlp-identity"], "cpu", { train: { klCoef: 1e-4 }, report: { learnedKlCoef: 1e-3 } }), /must be one of train.klCoef \[0.0001\]/);
  assert.throws(() => planRuns(["mlp-identity"], "cpu", { prior: { grouping: "layer" } }), /prior.grouping.*must be one of all, tensor, column/);
  assert.throws(() => planRuns(["mlp-identity"], "cpu", { klCoefs: [0.1] }), /unknown config key 'klCoefs'/);
  // a single coefficient runs one random-init row (learned row: that one)
  assert.doesNotThrow(() => planRuns(["mlp-identity"], "cpu", { train: { klCoef: 1e-4 } }));
});

test("claims are computed from the results they are given", () => {
  const r = committed();
  const claims = exp.claims(r);
  assert.ok(claims.length >= 6);
  for (const c of claims) for (const k of ["claim", "paper", "ours", "agrees", "note"]) assert.ok(k in c, `claim key ${k}`);
  const shortest = (x: typeof r) => exp.claims(x).find((c: { claim: string }) => c.claim.startsWith("the manual solution has a shorter codelength"))!;
  assert.equal(shortest(r).agrees, true);
  assert.match(shortest(r).ours, /136\.9 bits vs ≥ 636\.1/);
  assert.match(shortest(r).paper, /227\.2 bits vs ≥ 775\.7/);
  const worse = structuredClone(r);
  worse.rows.at(-1).codelengthBits = 5000;
  assert.equal(shortest(worse).agrees, false, "agrees follows the numbers");
  const unimodal = exp.claims(r).find((c: { claim: string }) => c.claim.includes("unimodal"))!;
  const last = r.priorTraces["random/0.001"].at(-1).modes;
  assert.equal(unimodal.agrees, last === 1);
});

test("readme() renders the numbers of the results it is given", () => {
  const r = committed();
  const md = exp.readme(r);
  assert.match(md, /^### MLP identity task, Table 2 and Fig\. 9 \(`figures\/mlp-identity\/`\)/);
  const manual = r.rows.at(-1);
  for (const x of [manual.klBits, manual.codelengthBits, r.rows[1].trainNllBits, manual.codelength.totalBits]) assert.ok(md.includes(x.toFixed(1)), `${x.toFixed(1)} in the README block`);
  const changed = structuredClone(r);
  changed.rows.at(-1).klBits = 321.04;
  assert.ok(exp.readme(changed).includes("321.0 / 227.2"));
});
