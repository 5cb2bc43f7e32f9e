import "../../src/experiments";
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { README_BEGIN, README_END, readmeResults, spliceReadme } from "../../src/lab/readme";
import { experiments } from "../../src/lab/registry";
import { fieldsOf } from "../../src/lab/schema";
import { MEANING } from "../../src/lab/vocabulary";

const root = path.resolve(__dirname, "..", "..", "..");

test("the README's Results section is exactly what `kcdl render all --readme README.md` writes from figures/", () => {
  const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
  const expected = spliceReadme(readme, readmeResults(path.join(root, "figures")));
  assert.ok(readme.includes(README_BEGIN) && readme.includes(README_END), "README has the results markers");
  assert.equal(readme, expected, "README results block is stale: run `npx kcdl render all --readme README.md`");
});

test("every committed experiment has a README section rendered from its results", () => {
  const block = readmeResults(path.join(root, "figures"));
  for (const name of Object.keys(experiments())) {
    const r = JSON.parse(fs.readFileSync(path.join(root, "figures", name, "results.json"), "utf8"));
    assert.ok(block.includes(`figures/${name}/`), `${name} section`);
    assert.ok(r.experiment === name);
  }
});

test("one vocabulary: a train/optimizer/posterior/prior key means the same thing in every experiment", () => {
  const seen = new Map<string, string[]>();
  for (const exp of Object.values(experiments())) {
    for (const [key, f] of fieldsOf(exp.schema)) {
      const meaning = MEANING[key];
      if (meaning) {
        assert.ok(f.doc.startsWith(meaning), `${exp.name}: ${key}'s doc must state the shared meaning ("${meaning}"), got "${f.doc}"`);
        seen.set(key, [...(seen.get(key) ?? []), exp.name]);
      } else if (/^(train|optimizer|posterior|prior)\./.test(key) && ["lr", "learningRate", "finalLearningRate", "initNu", "posteriorNu", "beta1", "beta2", "epsilon"].some((old) => key.endsWith(`.${old}`))) {
        assert.fail(`${exp.name}: ${key} is an old name; use the vocabulary (lab/vocabulary.ts)`);
      }
    }
  }
  // the keys ablations reach for exist where the experiment trains
  for (const key of ["train.steps", "train.lr", "train.klCoef", "optimizer.beta1", "posterior.nu", "prior.components", "prior.grouping"]) {
    assert.ok((seen.get(key) ?? []).includes("mlp-identity") && (seen.get(key) ?? []).includes("parity"), `${key} in mlp-identity and parity`);
  }
});

test("kcdl config lists every key with type, default, the preset's value and its doc", () => {
  const r = spawnSync(process.execPath, [path.join(root, "bin", "kcdl.js"), "config", "parity", "--preset", "smoke"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^train\.lr {2}number \[0, ∞\]\n {4}default 0\.001\n {4}Peak learning rate/m);
  assert.match(r.stdout, /^train\.steps {2}integer \[0, ∞\]\n {4}default 50000, smoke: 3\n/m);
  assert.match(r.stdout, /^prior\.grouping {2}"all" \| "tensor" \| "column"\n/m);
  const help = spawnSync(process.execPath, [path.join(root, "bin", "kcdl.js"), "run", "--help"], { encoding: "utf8" });
  assert.match(help.stdout, /kcdl config <experiment>/);
});
