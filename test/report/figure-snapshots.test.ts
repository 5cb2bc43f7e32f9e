/**
 * Snapshot tests of everything an experiment renders: for each registered experiment,
 * its figures (plotly specs), tables and claims, rendered from the committed fixture
 * test/fixtures/<experiment>/results.json (a smoke run), every number rounded to 6
 * significant digits and every object's keys sorted, against the goldens
 *
 *   test/fixtures/<experiment>/snapshots/figure-<name>.json   one per figure
 *   test/fixtures/<experiment>/snapshots/table-<name>.json    one per table
 *   test/fixtures/<experiment>/snapshots/claims.json          the claims
 *
 * A missing golden fails, and so does one that nothing renders any more (a figure removed).
 *
 * After an intended change to what is rendered, update the goldens (and review their diff):
 *
 *   npm run update-snapshots
 *
 * (build, compile the tests, then `node .test-build/test/report/figure-snapshots.test.js --update`;
 * KCDL_UPDATE_SNAPSHOTS=1 in the environment does the same under `node --test`.)
 *
 * After a change to the results shape, regenerate the fixtures from smoke runs, then the goldens:
 *
 *   node bin/kcdl.js run all --preset smoke --seed 1 --out /tmp/fx --no-images
 *   npm run update-snapshots -- --fixtures-from /tmp/fx
 *
 * (`--fixtures-from DIR` copies DIR/<experiment>/results.json of every registered experiment
 * found there into test/fixtures/, each array of scalars on one line to keep the files small.)
 */
import "../../src/experiments";
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { packageRoot } from "../../src/core/io";
import { experiments } from "../../src/lab/registry";
import { checkResults } from "../../src/lab/runner";

const fixturesDir = path.join(packageRoot(), "test", "fixtures");
const argv = process.argv.slice(2);
const update = argv.includes("--update") || process.env.KCDL_UPDATE_SNAPSHOTS === "1";
const fixturesFrom = argv.includes("--fixtures-from") ? argv[argv.indexOf("--fixtures-from") + 1] : undefined;
const HINT = "run `npm run update-snapshots` to write the goldens, and review their diff";

/** `v` with every number rounded to 6 significant digits and every object's keys sorted (JSON's view: undefined dropped). */
function normalize(v: unknown): unknown {
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return String(v); // NaN, ±Infinity: JSON has no such numbers
    return v === 0 ? 0 : Number(v.toPrecision(6));
  }
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>, normalize);
  if (Array.isArray(v)) return v.map((x) => (x === undefined || typeof x === "function" ? null : normalize(x)));
  if (v !== null && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined && typeof x !== "function") out[k] = normalize(x);
    }
    return out;
  }
  return v;
}

/** JSON with two-space indentation, except that an array of scalars stays on one line. */
function formatJson(v: unknown, indent = ""): string {
  const inner = indent + "  ";
  if (Array.isArray(v)) {
    if (v.every((x) => x === null || typeof x !== "object")) return JSON.stringify(v);
    return v.length ? `[\n${v.map((x) => inner + formatJson(x, inner)).join(",\n")}\n${indent}]` : "[]";
  }
  if (v !== null && typeof v === "object") {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    return entries.length ? `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${formatJson(x, inner)}`).join(",\n")}\n${indent}}` : "{}";
  }
  return JSON.stringify(v);
}

const registered = experiments();

if (fixturesFrom) {
  for (const name of Object.keys(registered)) {
    const file = path.join(fixturesFrom, name, "results.json");
    if (!fs.existsSync(file)) continue; // only the experiments run into that folder
    const results: unknown = JSON.parse(fs.readFileSync(file, "utf8"));
    fs.mkdirSync(path.join(fixturesDir, name), { recursive: true });
    fs.writeFileSync(path.join(fixturesDir, name, "results.json"), formatJson(results) + "\n");
  }
}

test("every fixture folder belongs to a registered experiment", () => {
  const folders = fs.existsSync(fixturesDir) ? fs.readdirSync(fixturesDir).filter((f) => fs.statSync(path.join(fixturesDir, f)).isDirectory()) : [];
  for (const f of folders) assert.ok(f in registered, `test/fixtures/${f}/ is no registered experiment's (${Object.keys(registered).join(", ")}); remove it`);
});

for (const [name, exp] of Object.entries(registered)) {
  test(`${name}: figures, tables and claims match their goldens`, async (t) => {
    const file = path.join(fixturesDir, name, "results.json");
    assert.ok(
      fs.existsSync(file),
      `no fixture ${path.relative(packageRoot(), file)}: node bin/kcdl.js run ${name} --preset smoke --seed 1 --out /tmp/fx --no-images, then npm run update-snapshots -- --fixtures-from /tmp/fx`,
    );
    const results: unknown = JSON.parse(fs.readFileSync(file, "utf8"));
    checkResults(exp, results, file);

    const rendered = new Map<string, unknown>();
    for (const [fig, spec] of Object.entries(exp.figures(results))) rendered.set(`figure-${fig}.json`, spec);
    for (const [table, spec] of Object.entries(exp.tables(results))) rendered.set(`table-${table}.json`, spec);
    rendered.set("claims.json", exp.claims(results));

    const dir = path.join(fixturesDir, name, "snapshots");
    const existing = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".json")) : [];
    if (update) {
      fs.mkdirSync(dir, { recursive: true });
      for (const f of existing) if (!rendered.has(f)) fs.rmSync(path.join(dir, f));
      for (const [f, v] of rendered) fs.writeFileSync(path.join(dir, f), formatJson(normalize(v)) + "\n");
      return;
    }
    const extra = existing.filter((f) => !rendered.has(f));
    assert.deepEqual(extra, [], `goldens that ${name} no longer renders (a figure or table removed?); ${HINT}`);
    for (const [f, v] of rendered) {
      await t.test(f, () => {
        const golden = path.join(dir, f);
        assert.ok(fs.existsSync(golden), `missing golden ${path.relative(packageRoot(), golden)}; ${HINT}`);
        const expected: unknown = JSON.parse(fs.readFileSync(golden, "utf8"));
        assert.deepStrictEqual(normalize(v), expected, `${name}'s ${f} differs from its golden; if the change is intended, ${HINT}`);
      });
    }
  });
}
