/**
 * Figures as plotly JSON (`FigureSpec`), written to disk as self-contained,
 * offline HTML (the plotly.js bundle inlined, no network) and, when a headless
 * Chromium is available (`static-export.ts`), as SVG and PNG beside it.
 *
 * The small cartesian bundle (`plotly.js-cartesian-dist-min`, ~1.4 MB) is used
 * whenever every trace type is one it contains; otherwise the full
 * `plotly.js-dist` bundle (~11 MB) is inlined.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "../core/io";
import { UsageError } from "../core/errors";
import type { StaticRenderer } from "./static-export";

/** A plotly figure: `Plotly.newPlot(div, data, layout, config)`. */
export interface FigureSpec {
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
  config?: Record<string, unknown>;
}

/**
 * Trace types compiled into `plotly.js-cartesian-dist-min` 3.x (its README, and
 * `moduleType:"trace",name:"…"` in the bundle; a test checks this list against
 * the installed bundle).
 */
export const CARTESIAN_TRACE_TYPES: readonly string[] = [
  "bar", "box", "contour", "heatmap", "histogram", "histogram2d", "histogram2dcontour",
  "image", "pie", "scatter", "scatterternary", "violin",
];

/** Which plotly.js bundle a figure needs. */
export type PlotlyBundle = "cartesian" | "full";

/** The trace types a figure uses (plotly's default type is "scatter"). */
export function traceTypes(spec: FigureSpec): string[] {
  const types = new Set<string>();
  for (const trace of spec.data) types.add(typeof trace.type === "string" ? trace.type : "scatter");
  return [...types];
}

/** "cartesian" when every trace type is in the cartesian bundle, else "full". */
export function bundleFor(spec: FigureSpec): PlotlyBundle {
  return traceTypes(spec).every((t) => CARTESIAN_TRACE_TYPES.includes(t)) ? "cartesian" : "full";
}

/** Absolute path of a plotly.js bundle file in node_modules. */
export function plotlyBundlePath(bundle: PlotlyBundle): string {
  return bundle === "cartesian"
    ? require.resolve("plotly.js-cartesian-dist-min")
    : require.resolve("plotly.js-dist");
}

const bundleCache = new Map<PlotlyBundle, string>();

/** The bundle's source text, read once per process. */
export function plotlyBundleSource(bundle: PlotlyBundle): string {
  let src = bundleCache.get(bundle);
  if (src === undefined) {
    // "</script" never occurs in plotly 3.7's bundles; escape it anyway so inlining stays safe.
    src = fs.readFileSync(plotlyBundlePath(bundle), "utf8").replace(/<\/(script)/gi, "<\\/$1");
    bundleCache.set(bundle, src);
  }
  return src;
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** JSON that is safe inside a <script> element (no `</script>`, no U+2028/2029 surprises). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/**
 * A standalone, offline HTML page showing the figure interactively. The plot
 * fills the window and follows resizes (`responsive: true`) unless the layout
 * fixes its own width/height.
 */
export function figureHtml(spec: FigureSpec, title: string): string {
  const bundle = bundleFor(spec);
  const config = { responsive: true, displaylogo: false, ...(spec.config ?? {}) };
  const fixedHeight = typeof spec.layout.height === "number";
  const style = fixedHeight ? "width:100%" : "width:100%;height:100vh";
  return [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    "<style>html,body{margin:0;padding:0;background:#fff}</style>",
    `<script>/* plotly.js ${bundle} bundle, inlined */\n${plotlyBundleSource(bundle)}\n</script>`,
    "</head>",
    "<body>",
    `<div id="figure" style="${style}"></div>`,
    "<script>",
    `(function () { var spec = ${scriptJson({ data: spec.data, layout: spec.layout })};`,
    `  Plotly.newPlot("figure", spec.data, spec.layout, ${scriptJson(config)}); })();`,
    "</script>",
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

/** Throws unless `name` is a plain file stem (letters, digits, `.`, `_`, `-`). */
export function assertFileStem(name: string): void {
  if (!/^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(name)) {
    throw new UsageError(`bad output name '${name}': use letters, digits, '.', '_' and '-' only`);
  }
}

/** The figure's `layout.title` as text (string or `{text}`), if any. */
export function figureTitle(spec: FigureSpec): string | undefined {
  const t = spec.layout.title;
  if (typeof t === "string") return t;
  if (t && typeof t === "object" && typeof (t as { text?: unknown }).text === "string") return (t as { text: string }).text;
  return undefined;
}

/**
 * Writes `<dir>/<name>.html` (always) and, when a renderer is given,
 * `<dir>/<name>.svg` and `<dir>/<name>.png` (2× scale). Atomic writes.
 * Returns the paths written.
 */
export async function writeFigure(
  spec: FigureSpec,
  dir: string,
  name: string,
  renderer?: StaticRenderer,
): Promise<string[]> {
  assertFileStem(name);
  const files: string[] = [];
  const html = path.join(dir, `${name}.html`);
  writeFileAtomic(html, figureHtml(spec, figureTitle(spec) ?? name));
  files.push(html);
  if (renderer) {
    const svg = path.join(dir, `${name}.svg`);
    writeFileAtomic(svg, await renderer.toImage(spec, "svg"));
    files.push(svg);
    const png = path.join(dir, `${name}.png`);
    writeFileAtomic(png, await renderer.toImage(spec, "png", { scale: 2 }));
    files.push(png);
  }
  return files;
}
