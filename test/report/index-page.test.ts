import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { listExperimentDir, writeIndex } from "../../src/report/index-page";

test("writeIndex links results, figures and tables per experiment with relative links", () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "kcdl-index-"));
  try {
    const a = path.join(out, "bit-encoding");
    fs.mkdirSync(a);
    fs.writeFileSync(path.join(a, "results.json"), JSON.stringify({ preset: "smoke", seed: 1, timings: { durationS: 1.23456 } }));
    for (const f of ["fig8.html", "fig8.png", "fig8.svg", "fig7.html", "table1.csv", "table1.md", "table1.html", "notes.txt", ".tmp.x"]) {
      fs.writeFileSync(path.join(a, f), "x");
    }
    fs.mkdirSync(path.join(out, "parity"));
    fs.writeFileSync(path.join(out, "parity", "results.json"), "{not json");
    fs.mkdirSync(path.join(out, "empty"));

    const l = listExperimentDir(a);
    assert.equal(l.results, "results.json");
    assert.deepEqual(l.figures, [
      { stem: "fig7", files: ["fig7.html"] },
      { stem: "fig8", files: ["fig8.html", "fig8.svg", "fig8.png"] },
    ]);
    assert.deepEqual(l.tables, [{ stem: "table1", files: ["table1.csv", "table1.md", "table1.html"] }]);
    assert.deepEqual(l.other, ["notes.txt"]);

    const file = writeIndex(out);
    assert.equal(file, path.join(out, "index.html"));
    const html = fs.readFileSync(file, "utf8");
    for (const f of ["results.json", "fig8.html", "fig8.png", "fig8.svg", "fig7.html", "table1.csv", "table1.md", "table1.html", "notes.txt"]) {
      assert.ok(html.includes(`href="bit-encoding/${f}"`), `links ${f}`);
    }
    assert.ok(html.includes('<img src="bit-encoding/fig8.png"'));
    assert.ok(html.includes("preset smoke, seed 1, durationS 1.235"));
    assert.ok(html.includes('href="parity/results.json"'));
    assert.ok(html.includes("(unreadable)"));
    assert.ok(!html.includes(".tmp.x"));
    assert.ok(!html.includes('id="empty"'), "empty folders are left out");
    assert.ok(!html.includes(out), "no absolute paths");
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test("writeIndex on a missing folder writes an empty index", () => {
  const out = path.join(os.tmpdir(), `kcdl-index-missing-${process.pid}`);
  try {
    const html = fs.readFileSync(writeIndex(out), "utf8");
    assert.ok(html.includes("No results yet."));
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
