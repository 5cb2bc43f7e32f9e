/**
 * Reporting: plotly figures → offline HTML (+ SVG/PNG through headless
 * Chromium), tables → CSV/markdown/HTML, `index.html` over an output folder,
 * and inline display in tslab notebooks. (Headless notebook execution is
 * project tooling: scripts/notebook-runner.ts.)
 */
export type { FigureSpec, PlotlyBundle } from "./figure";
export { figureHtml, writeFigure, bundleFor, traceTypes, CARTESIAN_TRACE_TYPES } from "./figure";
export type { ImageOptions } from "./static-export";
export { StaticRenderer, findChromium, sharedRenderer, closeSharedRenderer, setSharedRendererIdle } from "./static-export";
export type { Table } from "./table";
export { writeTable, tableToCsv, tableToMarkdown, tableToHtml, formatNumber } from "./table";
export { showFigure, showTable, showMarkdown, notebookProgress, inKernel } from "./display";
export { writeIndex } from "./index-page";
