/**
 * `npm test` runs test files only (helpers live in test/support/ and are not
 * counted as passing tests), and the notebook-execution tooling is project
 * tooling under scripts/, not part of the shipped library.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { packageRoot } from "../src/core/io";
import * as report from "../src/report";

const repo = packageRoot();

test("npm test's runner picks every *.test.js and nothing else", () => {
  const r = spawnSync(process.execPath, [path.join(repo, "scripts", "run-tests.js"), "--list"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const files = r.stdout.trim().split("\n");
  assert.ok(files.length > 10, r.stdout);
  for (const f of files) assert.match(f, /^\.test-build\/test\/.*\.test\.js$/, f);
  assert.ok(!files.some((f) => f.includes("/support/")), "helpers under test/support/ are not tests");
  const sources = (fs.readdirSync(path.join(repo, "test"), { recursive: true }) as string[])
    .filter((f) => f.endsWith(".test.ts"))
    .map((f) => path.join(".test-build", "test", f.replace(/\.ts$/, ".js")))
    .sort();
  assert.deepEqual([...files].sort(), sources, "one compiled file per test/**/*.test.ts");
  const helpers = (fs.readdirSync(path.join(repo, "test"), { recursive: true }) as string[])
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && !f.startsWith("support"));
  assert.deepEqual(helpers, [], "test helpers belong in test/support/");
});

test("the library exports no notebook-execution tooling", () => {
  for (const name of ["executeNotebook", "jupyterAvailable", "summarizeNotebook", "writeTslabKernelSpec", "JUPYTER_MISSING"]) {
    assert.ok(!(name in report), `kcdl's report module exports ${name}`);
  }
  assert.ok(!fs.existsSync(path.join(repo, "src", "report", "notebook-runner.ts")));
  assert.ok(fs.existsSync(path.join(repo, "scripts", "notebook-runner.ts")));
});
