/**
 * End to end in JupyterLab: a private `jupyter lab` (127.0.0.1, token, temp
 * Jupyter dirs) driven by Debian's Chromium through playwright-core. Each
 * notebooks/*.ipynb is copied into a temp folder (the repo's notebooks are
 * never opened, so nothing can save over them), opened, and checked:
 *
 *   - opening it leaves it unmodified: once the kernel is up (JupyterLab has
 *     written the kernelspec and language_info it sees into the model) the
 *     document is not dirty, and saving it unchanged gives the same bytes;
 *   - Run All at the smoke preset (KCDL_PRESET=smoke in the server's
 *     environment, so in every kernel's) succeeds with no error output;
 *   - every figure output is drawn by plotly's JupyterLab renderer and turns
 *     into an interactive plot (`.js-plotly-plot`) when the pointer enters it;
 *   - the kernel is idle at the end.
 *
 * A screenshot per notebook goes to .test-output/jupyterlab/. Skipped (with
 * the install hint) without JupyterLab or Chromium; failed instead under
 * KCDL_REQUIRE_JUPYTER=1 (.ci/run).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { packageRoot } from "../src/core/io";
import { findChromium } from "../src/report/static-export";
import { jupyterLabAvailable, jupyterRequired } from "../scripts/notebook-runner";
import type { NotebookOutput } from "../scripts/notebook-runner";
import { LabServer, launchChromium, startJupyterLab } from "./support/jupyterlab";

const repo = packageRoot();
const notebooksDir = path.join(repo, "notebooks");
const outputDir = path.join(repo, ".test-output", "jupyterlab");
const NOTEBOOK_TIMEOUT_MS = 15 * 60_000;
const PLOTLY = "application/vnd.plotly.v1+json";
const PROBE = 'console.log(`probe: KCDL_PRESET=${process.env.KCDL_PRESET}`);';

const lab = jupyterLabAvailable();
const chromium = findChromium();
const missing = [
  lab.ok ? "" : lab.message,
  chromium ? "" : "Chromium is missing: install it (Debian/Ubuntu: apt-get install -y chromium) or set KCDL_CHROMIUM",
  fs.existsSync(path.join(repo, "dist", "index.js")) ? "" : "dist/ is missing: run `npm run build`",
].filter(Boolean);
const skip: string | false = missing.length === 0 || jupyterRequired() ? false : missing.join("; ");

const notebooks = fs.existsSync(notebooksDir)
  ? fs.readdirSync(notebooksDir).filter((f) => f.endsWith(".ipynb")).sort()
  : [];

type OutputJson = NotebookOutput;

/** What the page reports about the open notebook (evaluated in the browser). */
interface PanelState {
  path: string;
  dirty: boolean;
  kernelName: string;
  kernelStatus: string;
  outputs: OutputJson[][];
}

// Runs in the page: the current NotebookPanel of window.jupyterapp (expose_app_in_browser).
const PANEL_STATE = `(() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  if (!w || !w.context || !w.content || !w.sessionContext) return null;
  const kernel = w.sessionContext.session && w.sessionContext.session.kernel;
  const outputs = [];
  for (const cell of w.content.widgets) outputs.push(cell.model.type === "code" ? cell.model.outputs.toJSON() : []);
  return {
    path: w.context.path,
    dirty: w.context.model.dirty,
    kernelName: kernel ? kernel.name : "",
    kernelStatus: kernel ? kernel.status + "/" + kernel.connectionStatus : "none",
    outputs,
  };
})()`;

async function panelState(page: Page): Promise<PanelState> {
  const s = (await page.evaluate(PANEL_STATE)) as PanelState | null;
  assert.ok(s, "no notebook panel is open");
  return s;
}

function text(v: unknown): string {
  return Array.isArray(v) ? v.join("") : typeof v === "string" ? v : "";
}

async function waitFor(page: Page, what: string, fn: string, timeoutMs: number): Promise<void> {
  try {
    await page.waitForFunction(fn, undefined, { timeout: timeoutMs, polling: 250 });
  } catch (err) {
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${(err as Error).message.split("\n")[0]}`);
  }
}

describe("JupyterLab end to end (Chromium)", { skip }, () => {
  let tmp = "";
  let server: LabServer | undefined;
  let browser: BrowserContext | undefined;

  before(async () => {
    assert.ok(missing.length === 0, missing.join("; "));
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kcdl-lab-"));
    // <tmp>/work is the server root: notebooks/ holds the copies, and the links make
    // their `../dist/index` and package lookups resolve to this checkout.
    const work = path.join(tmp, "work");
    fs.mkdirSync(path.join(work, "notebooks"), { recursive: true });
    for (const n of ["dist", "node_modules", "package.json", "data"]) {
      if (fs.existsSync(path.join(repo, n))) fs.symlinkSync(path.join(repo, n), path.join(work, n));
    }
    for (const n of notebooks) fs.copyFileSync(path.join(notebooksDir, n), path.join(work, "notebooks", n));
    fs.mkdirSync(outputDir, { recursive: true });
    server = await startJupyterLab({
      jupyter: (lab as { jupyter: string }).jupyter,
      root: work,
      home: path.join(tmp, "jupyter"),
      repoRoot: repo,
      env: { KCDL_PRESET: "smoke", KCDL_OUT: path.join(tmp, "figures") },
    });
    browser = await launchChromium(chromium!, path.join(tmp, "chromium-profile"));
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    if (server) {
      fs.mkdirSync(outputDir, { recursive: true });
      fs.writeFileSync(path.join(outputDir, "server.log"), server.log());
      await server.stop();
    }
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  notebooks.forEach((name, i) => {
    test(`${name}: opens unmodified, runs all cells at the smoke preset, figures interactive`, { timeout: NOTEBOOK_TIMEOUT_MS }, async () => {
      const t0 = Date.now();
      const copy = path.join(tmp, "work", "notebooks", name);
      const original = fs.readFileSync(copy, "utf8");
      const page = await browser!.newPage();
      const pageErrors: string[] = [];
      // JupyterLab's debugger asks every kernel for a debug session; tslab has none.
      page.on("pageerror", (e) => /No active debugger session/.test(e.message) || pageErrors.push(e.message));
      try {
        // A workspace of its own, so no tab of an earlier notebook is restored.
        await page.goto(`${server!.base}/lab/workspaces/nb${i}/tree/notebooks/${encodeURIComponent(name)}?token=${server!.token}`);
        await waitFor(
          page,
          "the notebook to open with its kernel idle",
          `(() => { const s = ${PANEL_STATE}; return !!s && s.path === "notebooks/${name}" && s.kernelStatus === "idle/connected"; })()`,
          180_000,
        );
        // kernel_info has been answered by now; give JupyterLab a moment to apply it to the model.
        await page.evaluate("window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.info");
        await page.waitForTimeout(1000);
        const opened = await panelState(page);
        assert.equal(opened.kernelName, "tslab", "JupyterLab picked the notebook's tslab kernel");
        assert.equal(opened.dirty, false, "opening the notebook (and starting its kernel) modified it: its kernelspec/language_info metadata differ from what JupyterLab writes");
        await page.evaluate("window.jupyterapp.commands.execute('docmanager:save')");
        await waitFor(page, "the save", `!window.jupyterapp.shell.currentWidget.context.model.dirty`, 30_000);
        const saved = fs.readFileSync(copy, "utf8");
        if (saved !== original) fs.writeFileSync(path.join(outputDir, name.replace(/\.ipynb$/, ".saved.ipynb")), saved);
        assert.ok(saved === original, `saving the unmodified notebook in JupyterLab changed its bytes (a git diff): see ${outputDir}`);

        // A probe cell at the end shows the preset reached the kernel.
        await page.evaluate(
          `(() => { const m = window.jupyterapp.shell.currentWidget.content.model; m.sharedModel.insertCell(m.cells.length, { cell_type: "code", source: ${JSON.stringify(PROBE)} }); })()`,
        );
        const ran = await page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')");
        await waitFor(
          page,
          "the kernel to be idle after Run All",
          `(() => { const s = ${PANEL_STATE}; return !!s && s.kernelStatus === "idle/connected"; })()`,
          60_000,
        );
        const state = await panelState(page);
        const outputs = state.outputs.flat();
        const errors = outputs.filter((o) => o.output_type === "error").map((o) => `${o.ename}: ${o.evalue}`);
        const stderr = outputs.filter((o) => o.output_type === "stream" && o.name === "stderr").map((o) => text(o.text)).join("");
        assert.deepEqual(errors, [], "error outputs");
        assert.equal(ran, true, `Run All stopped at a failing cell; stderr:\n${stderr.slice(-3000)}`);
        assert.doesNotMatch(stderr, /Unhandled(Promise)?Rejection|UncaughtException|static images skipped/, "stderr");
        const probe = state.outputs[state.outputs.length - 1].map((o) => text(o.text)).join("");
        assert.match(probe, /probe: KCDL_PRESET=smoke/, "KCDL_PRESET reached the kernel");

        // Figures: plotly's renderer draws each (first as its PNG), and each becomes an
        // interactive plot when the pointer enters it.
        const figures = outputs.filter((o) => o.output_type === "display_data" && o.data && PLOTLY in o.data).length;
        assert.ok(figures > 0, "the notebook displayed no figure");
        const inPanel = (sel: string) =>
          `window.jupyterapp.shell.currentWidget.node.querySelectorAll(${JSON.stringify(sel)}).length`;
        await waitFor(page, `${figures} plotly renderers`, `${inPanel(".jp-RenderedPlotly")} >= ${figures}`, 60_000);
        assert.equal(await page.evaluate(inPanel(".jp-RenderedPlotly")), figures, "figure outputs drawn by plotly's JupyterLab renderer");
        await page.evaluate(
          `window.jupyterapp.shell.currentWidget.node.querySelectorAll(".jp-RenderedPlotly").forEach((el) => {
             const img = el.querySelector("img.plot-img");
             if (img) img.dispatchEvent(new MouseEvent("mouseenter"));
           })`,
        );
        await waitFor(page, `${figures} interactive plots`, `${inPanel(".js-plotly-plot")} >= ${figures}`, 120_000);
        assert.equal(await page.evaluate(inPanel(".js-plotly-plot")), figures, "interactive plotly plots (.js-plotly-plot) vs. figure outputs");

        const end = await panelState(page);
        assert.equal(end.kernelStatus, "idle/connected", "kernel idle at the end");
        await page.evaluate(
          `window.jupyterapp.shell.currentWidget.node.querySelector(".js-plotly-plot").scrollIntoView({ block: "center" })`,
        );
        await page.waitForTimeout(500);
        await page.screenshot({ path: path.join(outputDir, `${name.replace(/\.ipynb$/, "")}.png`) });
        assert.deepEqual(pageErrors, [], "uncaught errors in the page");
        console.log(`# ${name}: ${figures} figures, ${((Date.now() - t0) / 1000).toFixed(0)} s in JupyterLab`);
      } catch (err) {
        await page.screenshot({ path: path.join(outputDir, `${name.replace(/\.ipynb$/, "")}-failed.png`) }).catch(() => undefined);
        throw err;
      } finally {
        // Shut the kernel down and close the tab unsaved (the copy is thrown away).
        await page
          .evaluate("window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
          .catch(() => undefined);
        await page.close().catch(() => undefined);
        for (const s of ((await server!.api("GET", "/api/sessions").catch(() => [])) as { id: string }[])) {
          await server!.api("DELETE", `/api/sessions/${s.id}`).catch(() => undefined);
        }
      }
    });
  });
});
