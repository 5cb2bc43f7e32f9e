/**
 * Result tables: written as CSV (full precision, through danfojs-node's
 * DataFrame + toCSV), GitHub markdown and a small standalone HTML page
 * (~4 significant digits in both).
 *
 * danfojs-node is loaded lazily (≈2 s) and carefully: it brings its own nested
 * tfjs 4.21, which shares tfjs's global engine and kernel registry with the main
 * `@tensorflow/tfjs` 4.22. On load it would re-register (overwrite) the cpu
 * kernels and gradients with its 4.21 copies, replace the platform object and
 * print hundreds of "already registered" warnings. `loadDanfo` snapshots those
 * registries and the platform first and restores them afterwards, with the
 * warnings silenced, so the main backend and its kernels are untouched.
 */
import * as path from "node:path";
import { writeFileAtomic } from "../core/io";
import { assertFileStem, escapeHtml } from "./figure";

/** A results table. `null` is an empty cell. */
export interface Table {
  title: string;
  columns: string[];
  rows: (string | number | null)[][];
}

export type Cell = string | number | null;

/**
 * Formats a number to ~`digits` significant digits for reading (not for CSV).
 * A value within 10^−digits (relative) of a whole number but not within 1e−9
 * of it (a probability like 1 − 1e−6) gets the digits it needs, up to 12, so
 * 0.999999 never reads as "1"; 1234.6 still reads "1235".
 */
export function formatNumber(x: number, digits = 4): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "∞" : "−∞";
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-4 || a >= 1e9)) return x.toExponential(digits - 1).replace(/\.?0+e/, "e");
  // never round away integer digits (18357.9 must not show as 18360)
  let d = a >= 1 ? Math.max(digits, Math.floor(Math.log10(a)) + 1) : digits;
  let r = Number(x.toPrecision(d));
  while (d < 12 && Number.isInteger(r) && Math.abs(x - r) > 1e-9 * a && Math.abs(x - r) < 10 ** -digits * a) r = Number(x.toPrecision(++d));
  return String(r);
}

/** A cell as display text: numbers via `formatNumber`, null as empty. */
export function formatCell(c: Cell, digits = 4): string {
  if (c === null || c === undefined) return "";
  return typeof c === "number" ? formatNumber(c, digits) : c;
}

function checkTable(table: Table): void {
  for (const [i, row] of table.rows.entries()) {
    if (row.length !== table.columns.length) {
      throw new Error(`table '${table.title}': row ${i} has ${row.length} cells, expected ${table.columns.length}`);
    }
  }
}

// ---- danfojs-node, loaded lazily without disturbing the main tfjs -----------------------

/** The part of danfojs-node used here (its own typings would pull in tfjs-node's). */
interface Danfo {
  DataFrame: new (rows: Cell[][], opts: { columns: string[] }) => object;
  toCSV(df: object): unknown;
}
let danfo: Danfo | undefined;

/** Loads danfojs-node once, restoring tfjs's global kernel/gradient registries and platform. */
export function loadDanfo(): Danfo {
  if (danfo) return danfo;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: report/ loads tfjs only when a CSV is written
  const tf = require("@tensorflow/tfjs") as typeof import("@tensorflow/tfjs");
  const globals = (globalThis as { _tfGlobals?: Map<string, unknown> })._tfGlobals;
  const saved = new Map<string, Map<unknown, unknown>>();
  for (const key of ["kernelRegistry", "gradRegistry"]) {
    const reg = globals?.get(key);
    if (reg instanceof Map) saved.set(key, new Map(reg));
  }
  const env = tf.env();
  const platform = env.platform;
  const platformName = env.platformName;
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: danfojs-node is large and only CSV writing needs it
    danfo = require("danfojs-node") as Danfo;
  } finally {
    try {
      for (const [key, before] of saved) {
        const reg = globals!.get(key) as Map<unknown, unknown>;
        for (const [k, v] of before) reg.set(k, v);
      }
      if (platform && env.platform !== platform) env.setPlatform(platformName, platform);
    } finally {
      console.warn = warn;
    }
  }
  return danfo;
}

// ---- writers -----------------------------------------------------------------------------

/** Quotes a CSV field when it needs it (RFC 4180: separator, quote, CR/LF, edge spaces). */
export function csvField(s: string): string {
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * CSV text with full-precision numbers (shortest round-trip form), empty cells
 * for null, RFC 4180 quoting. Built with danfojs-node's DataFrame + toCSV;
 * danfo joins cells verbatim, so strings are quoted here first.
 */
export function tableToCsv(table: Table): string {
  checkTable(table);
  if (table.rows.length === 0) return table.columns.map(csvField).join(",") + "\n";
  const dfd = loadDanfo();
  const columns = table.columns.map(csvField);
  if (new Set(columns).size !== columns.length) throw new Error(`table '${table.title}': duplicate column names`);
  const rows = table.rows.map((r) => r.map((c) => (typeof c === "string" ? csvField(c) : c)));
  const df = new dfd.DataFrame(rows, { columns });
  return dfd.toCSV(df) as string;
}

/** A GitHub markdown table under a `### title` heading. */
export function tableToMarkdown(table: Table, digits = 4): string {
  checkTable(table);
  const esc = (s: string) => s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
  const numeric = table.columns.map((_, j) => table.rows.length > 0 && table.rows.every((r) => r[j] === null || typeof r[j] === "number"));
  const lines = [
    `### ${esc(table.title)}`,
    "",
    `| ${table.columns.map(esc).join(" | ")} |`,
    `| ${numeric.map((n) => (n ? "---:" : "---")).join(" | ")} |`,
    ...table.rows.map((r) => `| ${r.map((c) => esc(formatCell(c, digits))).join(" | ")} |`),
  ];
  return lines.join("\n") + "\n";
}

/** A small standalone HTML page with the table (escaped, numbers right-aligned). */
export function tableToHtml(table: Table, digits = 4): string {
  checkTable(table);
  const cell = (tag: string, c: Cell) =>
    `<${tag}${typeof c === "number" ? ' class="num"' : ""}>${escapeHtml(formatCell(c, digits))}</${tag}>`;
  return [
    "<!DOCTYPE html>",
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(table.title)}</title>`,
    "<style>body{font-family:system-ui,sans-serif;margin:1.5em}table{border-collapse:collapse}" +
      "th,td{border:1px solid #ccc;padding:.3em .6em}th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}</style>",
    "</head><body>",
    `<h3>${escapeHtml(table.title)}</h3>`,
    "<table>",
    `<thead><tr>${table.columns.map((c) => cell("th", c)).join("")}</tr></thead>`,
    "<tbody>",
    ...table.rows.map((r) => `<tr>${r.map((c) => cell("td", c)).join("")}</tr>`),
    "</tbody></table>",
    "</body></html>",
    "",
  ].join("\n");
}

/** Writes `<dir>/<name>.csv`, `.md` and `.html` atomically; returns the paths. */
export async function writeTable(table: Table, dir: string, name: string): Promise<string[]> {
  assertFileStem(name);
  const out: [string, string][] = [
    [path.join(dir, `${name}.csv`), tableToCsv(table)],
    [path.join(dir, `${name}.md`), tableToMarkdown(table)],
    [path.join(dir, `${name}.html`), tableToHtml(table)],
  ];
  for (const [file, text] of out) writeFileAtomic(file, text);
  return out.map(([file]) => file);
}
