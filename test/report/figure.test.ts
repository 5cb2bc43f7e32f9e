import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  CARTESIAN_TRACE_TYPES,
  FigureSpec,
  bundleFor,
  figureHtml,
  plotlyBundlePath,
  writeFigure,
} from "../../src/report/figure";

const spec: FigureSpec = {
  data: [{ type: "scatter", x: [1, 2, 3], y: [0.5, 0.25, 0.125], name: "a </script> b" }],
  layout: { title: { text: "Codelength" }, xaxis: { title: { text: "step" } } },
};

test("figureHtml inlines the cartesian bundle and the spec, with no external scripts", () => {
  const html = figureHtml(spec, "My <figure>");
  assert.match(html, /<title>My &lt;figure&gt;<\/title>/);
  assert.ok(html.includes("plotly.js (cartesian - minified) v3"), "cartesian bundle inlined");
  assert.ok(html.includes('"y":[0.5,0.25,0.125]'), "spec inlined");
  assert.ok(html.includes("\\u003c/script>"), "'</script>' inside the spec is escaped");
  assert.equal((html.match(/<\/script>/g) ?? []).length, 2, "exactly the two script elements close");
  assert.doesNotMatch(html, /<script[^>]*\bsrc=/i, "no script src at all");
  assert.doesNotMatch(html, /<link[^>]*href=["']?http/i, "no external stylesheet");
  assert.ok(html.includes('"responsive":true'));
});

test("a trace type outside the cartesian bundle selects the full bundle", () => {
  assert.equal(bundleFor(spec), "cartesian");
  assert.equal(bundleFor({ data: [{ y: [1] }], layout: {} }), "cartesian", "default trace type is scatter");
  const gl: FigureSpec = { data: [{ type: "scattergl", y: [1, 2] }], layout: {} };
  assert.equal(bundleFor(gl), "full");
  const html = figureHtml(gl, "gl");
  assert.ok(html.includes("plotly.js v3"), "full bundle inlined");
  assert.ok(html.length > 5_000_000);
});

test("CARTESIAN_TRACE_TYPES matches the installed cartesian bundle", () => {
  const src = fs.readFileSync(plotlyBundlePath("cartesian"), "utf8");
  const found = [...new Set([...src.matchAll(/moduleType:"trace",name:"(\w+)"/g)].map((m) => m[1]))].sort();
  assert.deepEqual(found, [...CARTESIAN_TRACE_TYPES].sort());
});

test("writeFigure without a renderer writes only the HTML", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kcdl-fig-"));
  try {
    const files = await writeFigure(spec, dir, "fig1");
    assert.deepEqual(files, [path.join(dir, "fig1.html")]);
    assert.match(fs.readFileSync(files[0], "utf8"), /<title>Codelength<\/title>/);
    assert.deepEqual(fs.readdirSync(dir), ["fig1.html"], "no temp files left behind");
    await assert.rejects(writeFigure(spec, dir, "../escape"), /bad output name/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
