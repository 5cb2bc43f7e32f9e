import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FigureSpec, writeFigure } from "../../src/report/figure";
import {
  StaticRenderer,
  closeSharedRenderer,
  findChromium,
  sharedRenderer,
} from "../../src/report/static-export";

const spec: FigureSpec = {
  data: [{ type: "scatter", mode: "lines+markers", x: [0, 1, 2, 3], y: [3, 1, 2, 0.5], name: "kl" }],
  layout: { title: { text: "static export" }, width: 400, height: 300 },
};
const NO_CHROMIUM = "no headless Chromium found (set KCDL_CHROMIUM or install chromium); static export untested";

test("KCDL_NO_CHROMIUM=1 disables static export", async () => {
  const saved = process.env.KCDL_NO_CHROMIUM;
  process.env.KCDL_NO_CHROMIUM = "1";
  try {
    assert.equal(findChromium(), undefined);
    assert.equal(await StaticRenderer.open(), undefined);
  } finally {
    if (saved === undefined) delete process.env.KCDL_NO_CHROMIUM;
    else process.env.KCDL_NO_CHROMIUM = saved;
  }
});

test("StaticRenderer renders PNG and SVG", { timeout: 120_000 }, async (t) => {
  if (!findChromium()) return t.skip(NO_CHROMIUM);
  const r = await StaticRenderer.open();
  assert.ok(r, "Chromium was found but did not start");
  try {
    const png = await r.toImage(spec, "png");
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.equal(png.readUInt32BE(16), 400, "PNG width from layout");
    assert.equal(png.readUInt32BE(20), 300, "PNG height from layout");
    const png2 = await r.toImage(spec, "png", { width: 200, height: 100, scale: 2 });
    assert.equal(png2.readUInt32BE(16), 400);
    const svg = (await r.toImage(spec, "svg")).toString("utf8");
    assert.ok(svg.includes("<svg"));
    assert.ok(svg.includes("static export"));
    // A trace type outside the cartesian bundle switches the page to the full bundle.
    const gl = await r.toImage({ data: [{ type: "scatterpolar", r: [1, 2, 3], theta: [0, 90, 180] }], layout: {} }, "svg");
    assert.ok(gl.toString("utf8").includes("<svg"));
  } finally {
    await r.close();
  }
  await r.close(); // twice is fine
  await assert.rejects(r.toImage(spec, "png"), /closed/);
});

test("writeFigure with a renderer writes html, svg and png; the shared renderer reopens after close", { timeout: 120_000 }, async (t) => {
  if (!findChromium()) return t.skip(NO_CHROMIUM);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kcdl-static-"));
  try {
    const r1 = await sharedRenderer();
    assert.ok(r1);
    assert.equal(await sharedRenderer(), r1, "one shared instance");
    const files = await writeFigure(spec, dir, "f", r1);
    assert.deepEqual(files.map((f) => path.basename(f)), ["f.html", "f.svg", "f.png"]);
    assert.equal(fs.readFileSync(files[2]).readUInt32BE(16), 800, "files get 2x PNGs");
    await closeSharedRenderer();
    assert.ok(r1.isClosed);
    const r2 = await sharedRenderer();
    assert.ok(r2 && r2 !== r1 && !r2.isClosed);
  } finally {
    await closeSharedRenderer();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
