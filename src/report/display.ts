/**
 * Inline output in tslab notebooks (JupyterLab, nbclient/nbconvert).
 *
 * A figure goes out as ONE display_data carrying plotly JSON
 * (`application/vnd.plotly.v1+json`, interactive in JupyterLab with plotly ≥ 6.1),
 * a PNG (what nbconvert, GitHub and untrusted notebooks show) and a text/plain
 * caption — never text/html (see reference/ecosystem-notes.md §1–2).
 * tslab's public `display.raw` sends one MIME type per message, so the bundle
 * goes through tslab's internal `jupyter.js` module (`lastWriteDisplayData`),
 * found in `require.cache`; if that is missing we fall back to one `raw` call
 * with the most widely viewable type.
 *
 * Outside a kernel (plain node, tests) every function here is a quiet no-op:
 * tslab's display throws "Not ready" there, and `require("tslab")` may not resolve.
 */
import type { Progress, ProgressMetrics } from "../core/progress";
import { formatMetrics } from "../core/progress";
import type { FigureSpec } from "./figure";
import { sharedRenderer } from "./static-export";
import { Table, tableToMarkdown } from "./table";

type DisplayData = { data: Record<string, unknown>; metadata: Record<string, unknown>; transient: Record<string, unknown> };
type WriteDisplayData = (msg: DisplayData, update: boolean) => void;

interface TslabDisplay {
  raw(contentType: string, b: unknown): void;
  text(s: string): void;
  markdown(s: string): void;
}
interface TslabModule {
  display: TslabDisplay;
  newDisplay(): TslabDisplay;
}

const JUPYTER_JS = /tslab[\\/]dist[\\/]jupyter\.js$/;

/** tslab's internal `jupyter.js` module exports, if loaded (it is, inside a kernel). */
function jupyterModule(): { lastWriteDisplayData?: unknown } | undefined {
  const key = Object.keys(require.cache).find((k) => JUPYTER_JS.test(k));
  return key ? (require.cache[key]?.exports as { lastWriteDisplayData?: unknown }) : undefined;
}

/** tslab's internal writer for the cell now running, when inside a tslab kernel. */
function kernelWriter(): WriteDisplayData | undefined {
  const w = jupyterModule()?.lastWriteDisplayData;
  return typeof w === "function" ? (w as WriteDisplayData) : undefined;
}

/** tslab's public module, or undefined when it does not resolve. */
function tslab(): TslabModule | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- tslab is optional: resolved at run time, absent outside a kernel
    return require("tslab") as TslabModule;
  } catch {
    return undefined;
  }
}

/** Whether tslab's modules are loaded in this process (the kernel loads them; plain node does not). */
function tslabLoaded(): boolean {
  return Object.keys(require.cache).some((k) => /[\\/]tslab[\\/]dist[\\/]/.test(k));
}

/**
 * Whether this code runs inside a tslab Jupyter kernel that can display output.
 * Checks `require.cache` only, so it never loads tslab (and its TypeScript) into plain node.
 */
export function inKernel(): boolean {
  if (kernelWriter()) return true;
  // A tslab whose internals moved: trust that it is a kernel and let `raw` decide.
  return tslabLoaded() && jupyterModule() === undefined;
}

/** Sends one multi-MIME display_data; falls back to one `raw` message per MIME type. */
function sendBundle(data: Record<string, unknown>): boolean {
  const write = kernelWriter();
  if (write) {
    write({ data, metadata: {}, transient: {} }, false);
    return true;
  }
  const t = tslabLoaded() ? tslab() : undefined;
  if (!t) return false;
  // One MIME type per message here: send the one every viewer can show.
  const mime = ["image/png", "text/markdown", "application/vnd.plotly.v1+json"].find((m) => m in data) ?? "text/plain";
  try {
    t.display.raw(mime, data[mime]);
    return true;
  } catch {
    return false; // "Not ready": not in a kernel
  }
}

/**
 * Shows a figure inline: plotly JSON + PNG (when headless Chromium exists) +
 * the caption as text/plain. A no-op outside a kernel. A failed PNG render only
 * drops the PNG. Returns nothing, so a notebook cell ending in it prints nothing.
 */
export async function showFigure(spec: FigureSpec, caption: string): Promise<void> {
  if (!inKernel()) return;
  const data: Record<string, unknown> = {
    "application/vnd.plotly.v1+json": { data: spec.data, layout: spec.layout, config: spec.config ?? {} },
  };
  try {
    const renderer = await sharedRenderer();
    if (renderer) data["image/png"] = (await renderer.toImage(spec, "png")).toString("base64");
  } catch {
    // no static image; JupyterLab still shows the interactive plot
  }
  data["text/plain"] = caption;
  sendBundle(data);
}

/** Shows a table as markdown (heading + GitHub table). A no-op outside a kernel. */
export function showTable(table: Table): void {
  const md = tableToMarkdown(table);
  sendBundle({ "text/markdown": md, "text/plain": md });
}

/** Shows markdown text. A no-op outside a kernel. */
export function showMarkdown(markdown: string): void {
  sendBundle({ "text/markdown": markdown, "text/plain": markdown });
}

function formatDuration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return "?";
  if (s < 60) return `${s.toFixed(0)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.round((s % 3600) / 60)).padStart(2, "0")}m`;
}

/**
 * A `Progress` for notebooks: one updating text line per task
 * (`label  step/total  elapsed  ETA  metrics`), at most `maxPerSecond` updates a
 * second (the final state is always shown). `log` lines since the last `start`
 * share one updating text display below it.
 * Outside a kernel every method is a no-op.
 */
export function notebookProgress(maxPerSecond = 2): Progress {
  const minGapMs = 1000 / maxPerSecond;
  let line: TslabDisplay | undefined;
  let label = "";
  let total = 0;
  let t0 = 0;
  let lastShown = 0;
  let step = 0;
  let metrics: ProgressMetrics | undefined;
  let logDisplay: TslabDisplay | undefined;
  const logLines: string[] = [];

  const render = () => {
    const elapsed = (Date.now() - t0) / 1000;
    const eta = step > 0 && total > step ? formatDuration((elapsed / step) * (total - step)) : total > 0 && step >= total ? "done" : "?";
    const text = `${label}  ${step}/${total}  ${formatDuration(elapsed)} elapsed  ETA ${eta}  ${formatMetrics(metrics)}`.trimEnd();
    try {
      line?.text(text);
    } catch {
      line = undefined; // kernel went away
    }
    lastShown = Date.now();
  };

  return {
    start(l, n) {
      label = l;
      total = n;
      step = 0;
      metrics = undefined;
      t0 = Date.now();
      logDisplay = undefined; // log lines after this task go below its line
      logLines.length = 0;
      line = inKernel() ? tslab()?.newDisplay() : undefined;
      render();
    },
    update(s, m) {
      step = s;
      if (m) metrics = m;
      if (Date.now() - lastShown >= minGapMs || s >= total) render();
    },
    stop() {
      render();
      line = undefined;
    },
    log(message) {
      if (!inKernel()) return;
      // All log lines of one progress share one updating display (last 40 lines).
      logLines.push(message);
      if (logLines.length > 40) logLines.splice(0, logLines.length - 40);
      try {
        logDisplay ??= tslab()?.newDisplay();
        logDisplay?.text(logLines.join("\n"));
      } catch {
        logDisplay = undefined; // not in a kernel
      }
    },
  };
}
