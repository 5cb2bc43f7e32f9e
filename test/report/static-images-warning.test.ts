/**
 * Without Chromium no PNG/SVG is made, and classic Notebook, nbconvert and
 * GitHub then show no figure at all: the first figure without a renderer says
 * so in exactly one stderr line, with how to install it. Runs in a child
 * process, since the warning is once per process.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const staticExport = path.join(__dirname, "..", "..", "src", "report", "static-export.js");
const figure = path.join(__dirname, "..", "..", "src", "report", "figure.js");

function runChild(env: NodeJS.ProcessEnv, out: string): { status: number | null; stderr: string; stdout: string } {
  const script = `
    const se = require(${JSON.stringify(staticExport)});
    const fig = require(${JSON.stringify(figure)});
    (async () => {
      const spec = { data: [{ type: "scatter", x: [1, 2], y: [3, 4] }], layout: {} };
      for (let i = 0; i < 3; i++) {
        const files = await fig.writeFigure(spec, ${JSON.stringify(out)}, "f" + i, await se.sharedRenderer());
        console.log(files.map((f) => require("path").basename(f)).join(" "));
      }
      await se.closeSharedRenderer();
    })().catch((e) => { console.error(e); process.exit(2); });
  `;
  const r = spawnSync(process.execPath, ["-e", script], { env: { ...process.env, ...env }, encoding: "utf8", timeout: 120_000 });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

test("no Chromium: one 'static images skipped: install chromium' line, on the first figure only", () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "kcdl-noimg-"));
  try {
    const env = { KCDL_CHROMIUM: path.join(out, "no-such-chromium"), KCDL_NO_CHROMIUM: "" };
    const r = runChild(env, out);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim().split("\n").join("|"), "f0.html|f1.html|f2.html", "HTML only, no PNG/SVG");
    const lines = r.stderr.split("\n").filter((l) => /static images skipped/.test(l));
    assert.equal(lines.length, 1, `exactly one warning line, got:\n${r.stderr}`);
    assert.match(lines[0], /^static images skipped: install chromium \(.*apt-get install chromium/);
    assert.match(lines[0], /classic Notebook/);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
