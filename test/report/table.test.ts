import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { Table, formatNumber, tableToMarkdown, writeTable } from "../../src/report/table";

/** A small RFC 4180 parser: unquoted fields that look numeric become numbers, empty → null. */
function parseCsv(text: string): (string | number | null)[][] {
  const rows: (string | number | null)[][] = [];
  let row: (string | number | null)[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    let value: string | number | null;
    if (text[i] === '"') {
      let s = "";
      i++;
      for (;;) {
        if (text[i] === '"' && text[i + 1] === '"') { s += '"'; i += 2; }
        else if (text[i] === '"') { i++; break; }
        else s += text[i++];
      }
      value = s;
    } else {
      let j = i;
      while (j < n && text[j] !== "," && text[j] !== "\n") j++;
      const raw = text.slice(i, j);
      i = j;
      value = raw === "" ? null : /^(-?(\d|\.\d)[\d.e+-]*|NaN|-?Infinity)$/.test(raw) ? Number(raw) : raw;
    }
    row.push(value);
    if (text[i] === ",") i++;
    else if (text[i] === "\n" || i >= n) {
      rows.push(row);
      row = [];
      i++;
    }
  }
  return rows;
}

const table: Table = {
  title: "Table 1 | codelengths",
  columns: ["model", "bits, total", 'quote "q"', "ratio"],
  rows: [
    ["MLP", 1234.5678901234, null, 0.1 + 0.2],
    ["a,b", 1e-20, "line\nbreak", 1 / 3],
    [" padded ", -0, 'say "hi"', 123456789012345],
    ["007", NaN, "<b>&</b>", Infinity],
    ["x|y", 42, "", -2.5e-7],
  ],
};

// First, so that danfojs-node is loaded here for the first time in this process.
test("loading danfojs-node leaves the main tfjs backend and kernels alone", async () => {
  assert.ok(await tf.setBackend("wasm"));
  await tf.ready();
  const globals = (globalThis as unknown as { _tfGlobals: Map<string, Map<string, unknown>> })._tfGlobals;
  const kernels = globals.get("kernelRegistry")!;
  const before = new Map(kernels);
  const platform = tf.env().platform;
  const warn = console.warn;
  let warnings = 0;
  console.warn = () => void warnings++;
  try {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kcdl-table-"));
    await writeTable(table, dir, "t");
    fs.rmSync(dir, { recursive: true, force: true });
  } finally {
    console.warn = warn;
  }
  assert.equal(warnings, 0, "danfo's 'already registered' warnings are silenced");
  assert.equal(tf.getBackend(), "wasm");
  assert.equal(tf.env().platform, platform);
  for (const [k, v] of before) assert.equal(kernels.get(k), v, `kernel ${k} restored`);
  const y = tf.tidy(() => tf.add(tf.tensor1d([1, 2]), tf.scalar(1)).arraySync());
  assert.deepEqual(y, [2, 3]);
});

test("writeTable writes csv/md/html; the CSV parses back to the rows", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kcdl-table-"));
  try {
    const files = await writeTable(table, dir, "t1");
    assert.deepEqual(files.map((f) => path.basename(f)), ["t1.csv", "t1.md", "t1.html"]);
    const parsed = parseCsv(fs.readFileSync(files[0], "utf8"));
    assert.deepEqual(parsed[0], table.columns);
    // "" and null are both an empty field in CSV; "007" is a string only because we compare text.
    const expected = table.rows.map((r) => r.map((c) => (c === "" ? null : c === "007" ? 7 : Object.is(c, -0) ? 0 : c)));
    assert.deepEqual(parsed.slice(1), expected);
    const md = fs.readFileSync(files[1], "utf8");
    assert.match(md, /^### Table 1 \\\| codelengths\n\n\| model \| bits, total/);
    assert.match(md, /\| MLP \| 1235 \| {2}\| 0\.3 \|/);
    assert.match(md, /\| a,b \| 1e-20 \| line break \| 0\.3333 \|/);
    const html = fs.readFileSync(files[2], "utf8");
    assert.ok(html.includes("&lt;b&gt;&amp;&lt;/b&gt;"));
    assert.ok(html.includes("<title>Table 1 | codelengths</title>"));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("an empty table still has its header", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kcdl-table-"));
  try {
    const [csv] = await writeTable({ title: "empty", columns: ["a", "b"], rows: [] }, dir, "e");
    assert.equal(fs.readFileSync(csv, "utf8"), "a,b\n");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("ragged rows are rejected", () => {
  assert.throws(() => tableToMarkdown({ title: "bad", columns: ["a", "b"], rows: [[1]] }), /row 0 has 1 cells/);
});

test("formatNumber keeps ~4 significant digits", () => {
  assert.equal(formatNumber(3.14159265), "3.142");
  assert.equal(formatNumber(1200), "1200");
  assert.equal(formatNumber(0.0000123456), "1.235e-5");
  assert.equal(formatNumber(2e12 + 0.5), "2e+12");
  assert.equal(formatNumber(-Infinity), "−∞");
  assert.equal(formatNumber(1 - 1e-6), "0.999999");
  assert.equal(formatNumber(0.99995), "0.99995");
  assert.equal(formatNumber(1 + 1e-12), "1");
  assert.equal(formatNumber(18357.94), "18357.9", "integer digits are never rounded away");
  assert.equal(formatNumber(1234.567), "1235");
  assert.equal(formatNumber(2.00001), "2.00001");
});
