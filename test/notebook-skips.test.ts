/**
 * On a machine without Jupyter (or Chromium), `npm test` stays green: the
 * notebook and JupyterLab tests report *skipped* with the install hint; with
 * KCDL_REQUIRE_JUPYTER=1 (.ci/run) they fail instead. Each test file runs in a
 * child process with Jupyter hidden (KCDL_PYTHON / KCDL_JUPYTER point nowhere).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";

function runHidden(file: string, env: NodeJS.ProcessEnv): { status: number | null; out: string } {
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    KCDL_PYTHON: "/nonexistent/python3",
    KCDL_JUPYTER: "/nonexistent/jupyter",
    KCDL_REQUIRE_JUPYTER: "",
    ...env,
  };
  delete childEnv.NODE_TEST_CONTEXT; // a runner of its own, not a subtest of ours
  const r = spawnSync(process.execPath, ["--test", "--test-reporter=tap", path.join(__dirname, file)], {
    env: childEnv,
    encoding: "utf8",
    timeout: 120_000,
  });
  return { status: r.status, out: r.stdout + r.stderr };
}

for (const file of ["notebooks.test.js", "jupyterlab.test.js"]) {
  test(`${file} without Jupyter: every test skipped with the install hint`, () => {
    const r = runHidden(file, {});
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /# SKIP .*bash environment\/install-jupyter\.sh/, r.out);
    assert.match(r.out, /^# fail 0$/m, r.out);
    assert.match(r.out, /^# pass 0$/m, "nothing ran");
  });

  test(`${file} without Jupyter under KCDL_REQUIRE_JUPYTER=1: fails`, () => {
    const r = runHidden(file, { KCDL_REQUIRE_JUPYTER: "1" });
    assert.notEqual(r.status, 0, r.out);
    assert.doesNotMatch(r.out, /# SKIP/, r.out);
    assert.match(r.out, /install-jupyter\.sh/, "the failure says how to install it");
  });
}
