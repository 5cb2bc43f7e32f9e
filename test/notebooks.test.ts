/**
 * Executes every notebooks/*.ipynb headless with the tslab kernel (nbconvert →
 * nbclient) at the smoke preset, into a temp folder (the notebooks themselves
 * are never modified), and checks: no failing cell, no error output, at least
 * one figure displayed (PNG or plotly JSON) and at least one file exported.
 * A throwaway notebook first checks the harness itself.
 *
 * Without Jupyter every test here is reported as skipped, with the install
 * hint; with KCDL_REQUIRE_JUPYTER=1 (.ci/run) a missing Jupyter fails them.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { packageRoot } from "../src/core/io";
import {
  ExecuteResult,
  NotebookJson,
  executeNotebook,
  jupyterAvailable,
  jupyterRequired,
  outputText,
  summarizeNotebook,
} from "../scripts/notebook-runner";

const repo = packageRoot();
const NOTEBOOK_TIMEOUT_MS = 30 * 60_000;

/** node:test's `skip`: the install hint when Jupyter is missing, unless the CI variable requires it. */
const jupyter = jupyterAvailable();
const skip: string | false = jupyter.ok || jupyterRequired() ? false : jupyter.message;

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath ?? e.path, e.name));
}

/** Preconditions every notebook run needs; fails (never skips) with the fix. */
function requireSetup(): void {
  const check = jupyterAvailable();
  assert.ok(check.ok, check.ok ? "" : check.message);
  assert.ok(fs.existsSync(path.join(repo, "node_modules", ".bin", "tslab")), "node_modules/.bin/tslab is missing: run `npm ci`");
  assert.ok(
    fs.existsSync(path.join(repo, "dist", "report", "index.js")),
    "dist/ is missing: run `npm run build` first (notebooks import the built package)",
  );
}

/** Runs one notebook at the smoke preset and checks the common expectations. */
async function runAndCheck(notebook: string): Promise<{ result: ExecuteResult; exported: string[] }> {
  requireSetup();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kcdl-nb-"));
  const figures = path.join(tmp, "figures");
  const result = await executeNotebook(notebook, {
    outDir: tmp,
    jupyterDir: path.join(tmp, "jupyter"),
    env: { KCDL_PRESET: "smoke", KCDL_OUT: figures },
  });
  const { errors, stderr, mimeTypes } = summarizeNotebook(result.notebook);
  assert.deepEqual(errors.map((e) => `${e.ename}: ${e.evalue}`), [], "error outputs");
  assert.doesNotMatch(stderr, /Unhandled(Promise)?Rejection|UncaughtException/, "a promise rejected unawaited");
  assert.ok(
    mimeTypes.has("image/png") || mimeTypes.has("application/vnd.plotly.v1+json"),
    `no figure displayed (MIME types seen: ${[...mimeTypes].join(", ") || "none"})`,
  );
  const exported = listFiles(figures);
  assert.ok(exported.length > 0, `nothing exported under KCDL_OUT (${figures})`);
  fs.rmSync(tmp, { recursive: true, force: true });
  return { result, exported };
}

function code(source: string) {
  return { cell_type: "code", execution_count: null, metadata: {}, outputs: [], source };
}

/** A minimal notebook that imports the built package the way notebooks/ do. */
function selfCheckNotebook(): NotebookJson {
  return {
    nbformat: 4,
    nbformat_minor: 4,
    metadata: {
      kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" },
      language_info: { name: "typescript" },
    },
    cells: [
      { cell_type: "markdown", metadata: {}, source: "# kcdl notebook harness self-check" },
      code(
        [
          'import * as report from "../dist/report/index";',
          'import * as path from "path";',
          'const out = process.env.KCDL_OUT ?? "figures";',
          'if (!report.inKernel()) throw new Error("inKernel() is false inside tslab");',
          'console.log("preset", process.env.KCDL_PRESET);',
        ].join("\n"),
      ),
      code(
        [
          'const spec = { data: [{ type: "scatter", x: [1, 2, 3], y: [1, 4, 9] }], layout: { title: { text: "self-check" } } };',
          'await report.showFigure(spec, "Self-check: y = x²");',
          'const files = await report.writeFigure(spec, path.join(out, "selfcheck"), "fig", await report.sharedRenderer());',
          'console.log(files.map((f) => path.basename(f)).join(" "));',
        ].join("\n"),
      ),
      code(
        [
          'report.showTable({ title: "Self-check table", columns: ["n", "bits"], rows: [[1, 0.5], [2, 0.25]] });',
          'const p = report.notebookProgress();',
          'p.start("steps", 5);',
          "for (let i = 1; i <= 5; i++) { await new Promise((r) => setTimeout(r, 100)); p.update(i, { loss: 1 / i }); }",
          "p.stop();",
          'p.log("progress done");',
          "await report.closeSharedRenderer();",
        ].join("\n"),
      ),
    ],
  };
}

test("Jupyter with nbconvert and nbclient is installed", { skip }, () => {
  const check = jupyterAvailable();
  assert.ok(check.ok, check.ok ? "" : check.message);
});

test("harness executes a minimal tslab notebook", { timeout: 10 * 60_000, skip }, async () => {
  requireSetup();
  // Beside notebooks/ (in the git-ignored /tmp/), so `../dist/...` resolves as it does there.
  const dir = path.join(repo, "tmp");
  fs.mkdirSync(dir, { recursive: true });
  const nb = path.join(dir, `selfcheck-${process.pid}.ipynb`);
  fs.writeFileSync(nb, JSON.stringify(selfCheckNotebook(), null, 1));
  try {
    const { result, exported } = await runAndCheck(nb);
    const outputs = result.notebook.cells.flatMap((c) => c.outputs ?? []);
    const figure = outputs.find((o) => o.output_type === "display_data" && o.data?.["application/vnd.plotly.v1+json"]);
    assert.ok(figure, "the figure display is missing");
    assert.equal(outputText(figure.data!["text/plain"]), "Self-check: y = x²");
    assert.ok(!("text/html" in figure.data!), "no text/html in a figure bundle");
    assert.ok(figure.data!["image/png"], "no PNG in the figure bundle (is Chromium installed?)");
    assert.equal(Buffer.from(outputText(figure.data!["image/png"]), "base64").subarray(1, 4).toString(), "PNG");
    assert.ok(outputs.some((o) => outputText(o.data?.["text/markdown"]).includes("Self-check table")));
    const progress = outputs.filter((o) => o.output_type === "display_data" && outputText(o.data?.["text/plain"]).startsWith("steps"));
    assert.equal(progress.length, 1, "progress is one updating display");
    assert.match(outputText(progress[0].data!["text/plain"]), /steps {2}5\/5 .*ETA done {2}loss=0\.2/);
    assert.deepEqual(exported.map((f) => path.basename(f)).sort(), ["fig.html", "fig.png", "fig.svg"]);
    assert.equal(fs.readFileSync(nb, "utf8"), JSON.stringify(selfCheckNotebook(), null, 1), "source notebook untouched");
  } finally {
    fs.rmSync(nb, { force: true });
    try {
      fs.rmdirSync(dir);
    } catch {
      // not empty: someone else's files
    }
  }
});

const notebooksDir = path.join(repo, "notebooks");
const notebooks = fs.existsSync(notebooksDir)
  ? fs.readdirSync(notebooksDir).filter((f) => f.endsWith(".ipynb")).sort()
  : [];

test("the committed notebooks are stored exactly as Jupyter writes them (a save in JupyterLab leaves no diff)", { skip }, () => {
  assert.ok(jupyter.ok, jupyter.ok ? "" : jupyter.message);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kcdl-nbformat-"));
  try {
    const rewrite = "import nbformat, sys\nfor src, dst in zip(sys.argv[1::2], sys.argv[2::2]):\n    nbformat.write(nbformat.read(src, as_version=4), dst)";
    const pairs = notebooks.flatMap((n) => [path.join(notebooksDir, n), path.join(tmp, n)]);
    const r = spawnSync(jupyter.python, ["-c", rewrite, ...pairs], { encoding: "utf8", timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    const differ = notebooks.filter((n) => !fs.readFileSync(path.join(tmp, n)).equals(fs.readFileSync(path.join(notebooksDir, n))));
    assert.deepEqual(differ, [], "notebooks whose bytes nbformat would rewrite (rerun `npm run notebooks`, or rewrite them with nbformat)");
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

for (const name of notebooks) {
  test(`notebook ${name} runs top to bottom at the smoke preset`, { timeout: NOTEBOOK_TIMEOUT_MS, skip }, async () => {
    const file = path.join(notebooksDir, name);
    const before = fs.readFileSync(file, "utf8");
    await runAndCheck(file);
    assert.equal(fs.readFileSync(file, "utf8"), before, "the notebook was modified in place");
  });
}
