/**
 * The kernel users pick and the notebooks' metadata agree, so JupyterLab has
 * nothing to rewrite when it opens a notebook (no dirty document, no autosave,
 * no git diff): one display name in install-jupyter.sh, the test harness's
 * kernelspec, every notebook's kernelspec and the README; and each notebook's
 * language_info is what the pinned tslab's kernel_info reply says.
 * (Its own process: loading tslab's jupyter.js here would make inKernel() true.)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { packageRoot } from "../src/core/io";
import { KERNEL_DISPLAY_NAME, writeTslabKernelSpec } from "../scripts/notebook-runner";

const repo = packageRoot();
const notebooksDir = path.join(repo, "notebooks");
const notebooks = fs.readdirSync(notebooksDir).filter((f) => f.endsWith(".ipynb")).sort();

test("install-jupyter.sh registers the kernel under the display name the notebooks and the harness use", () => {
  const script = fs.readFileSync(path.join(repo, "environment", "install-jupyter.sh"), "utf8");
  const m = /^DISPLAY_NAME="([^"]*)"/m.exec(script);
  assert.ok(m, "install-jupyter.sh sets DISPLAY_NAME");
  assert.equal(m[1], KERNEL_DISPLAY_NAME);
  assert.match(script, /"display_name": "\$DISPLAY_NAME"/, "the kernel.json it writes uses DISPLAY_NAME");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kcdl-kspec-"));
  try {
    const spec = JSON.parse(fs.readFileSync(writeTslabKernelSpec(dir, repo), "utf8"));
    assert.equal(spec.display_name, KERNEL_DISPLAY_NAME);
    assert.equal(spec.argv[0], path.join(repo, "node_modules", ".bin", "tslab"), "the project's tslab");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("the README names the kernel as JupyterLab's launcher shows it", () => {
  const readme = fs.readFileSync(path.join(repo, "README.md"), "utf8");
  const names = [...readme.matchAll(/\*\*([^*]+)\*\* kernel/g)].map((m) => m[1]);
  assert.ok(names.length > 0, "the README says which kernel to pick (**name** kernel)");
  for (const n of names) assert.equal(n, KERNEL_DISPLAY_NAME);
});

test("every notebook's kernelspec and language_info match what JupyterLab writes on open", () => {
  // What the pinned tslab answers to kernel_info (JupyterLab copies language_info from it).
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a file of tslab's by path, not a module with types
  const { JupyterHandlerImpl } = require(path.join(repo, "node_modules", "tslab", "dist", "jupyter.js"));
  const info = new JupyterHandlerImpl(undefined, false).handleKernel();
  for (const name of notebooks) {
    const nb = JSON.parse(fs.readFileSync(path.join(notebooksDir, name), "utf8"));
    assert.deepEqual(
      nb.metadata.kernelspec,
      { display_name: KERNEL_DISPLAY_NAME, language: "typescript", name: "tslab" },
      `${name}: kernelspec`,
    );
    assert.deepEqual(nb.metadata.language_info, info.language_info, `${name}: language_info`);
    assert.equal(nb.nbformat, 4, name);
    assert.equal(nb.nbformat_minor, 5, `${name}: nbformat 4.5 (cell ids), what JupyterLab 4 writes`);
  }
});
