import { test } from "node:test";
import assert from "node:assert/strict";
import { inKernel, notebookProgress, showFigure, showMarkdown, showTable } from "../../src/report/display";

test("outside a kernel the display helpers are quiet no-ops", async () => {
  assert.equal(inKernel(), false);
  await showFigure({ data: [{ y: [1, 2] }], layout: {} }, "caption");
  showTable({ title: "t", columns: ["a"], rows: [[1]] });
  showMarkdown("# hi");
  const p = notebookProgress();
  p.start("train", 10);
  for (let i = 1; i <= 10; i++) p.update(i, { loss: 1 / i });
  p.log("message");
  p.stop();
  assert.ok(!Object.keys(require.cache).some((k) => /[\\/]tslab[\\/]/.test(k)), "tslab is never loaded outside a kernel");
});
