/**
 * Reporting: plotly figures → offline HTML (+ SVG/PNG through headless
 * Chromium), tables → CSV/markdown/HTML, `index.html` over an output folder,
 * inline display in tslab notebooks, and headless notebook execution.
 */
export type { FigureSpec, PlotlyBundle } from "./figure";
export { figureHtml, writeFigure, bundleFor, traceTypes, CARTESIAN_TRACE_TYPES } from "./figure";
export type { ImageOptions } from "./static-export";
export { StaticRenderer, findChromium, sharedRenderer, closeSharedRenderer, setSharedRendererIdle } from "./static-export";
export type { Table } from "./table";
export { writeTable, tableToCsv, tableToMarkdown, tableToHtml, formatNumber } from "./table";
export { showFigure, showTable, showMarkdown, notebookProgress, inKernel } from "./display";
export { writeIndex } from "./index-page";
export type { ExecuteOptions, ExecuteResult, JupyterCheck } from "./notebook-runner";
export { executeNotebook, jupyterAvailable, summarizeNotebook, outputText, writeTslabKernelSpec, JUPYTER_MISSING } from "./notebook-runner";
