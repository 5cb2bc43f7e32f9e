/**
 * `<out>/index.html`: one page linking every experiment's results.json, figures
 * (.html/.svg/.png, with the PNG as a thumbnail) and tables (.csv/.md/.html),
 * grouped per experiment subdirectory, with relative links so the folder can be
 * committed, zipped or served as is.
 *
 * A file stem with a .csv or .md sibling is a table; other .html/.svg/.png stems
 * are figures; anything else is listed under "other files".
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "../core/io";
import { escapeHtml } from "./figure";

const FIGURE_EXT = [".html", ".svg", ".png"];
const TABLE_EXT = [".csv", ".md", ".html"];

/** What an experiment folder holds, by kind. */
export interface ExperimentListing {
  name: string;
  results?: string;
  figures: { stem: string; files: string[] }[];
  tables: { stem: string; files: string[] }[];
  other: string[];
}

/** Groups the plain files of one experiment folder (relative names, sorted). */
export function listExperimentDir(dir: string): ExperimentListing {
  const names = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.startsWith("."))
    .map((e) => e.name)
    .sort();
  const byStem = new Map<string, string[]>();
  for (const n of names) {
    const ext = path.extname(n);
    const stem = n.slice(0, n.length - ext.length);
    byStem.set(stem, [...(byStem.get(stem) ?? []), ext]);
  }
  const listing: ExperimentListing = { name: path.basename(dir), figures: [], tables: [], other: [] };
  for (const [stem, exts] of byStem) {
    const isTable = exts.includes(".csv") || exts.includes(".md");
    const kindExt = isTable ? TABLE_EXT : FIGURE_EXT;
    const files = kindExt.filter((e) => exts.includes(e)).map((e) => stem + e);
    if (files.length) (isTable ? listing.tables : listing.figures).push({ stem, files });
    for (const e of exts) {
      const file = stem + e;
      if (file === "results.json") listing.results = file;
      else if (!files.includes(file)) listing.other.push(file);
    }
  }
  return listing;
}

function link(href: string, text: string): string {
  return `<a href="${escapeHtml(encodeURI(href))}">${escapeHtml(text)}</a>`;
}

function resultsSummary(file: string): string {
  try {
    const raw = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
    const r = { ...raw, ...(raw.timings as object | undefined) } as Record<string, unknown>;
    const parts = ["preset", "seed", "backend", "kcdlVersion", "startedAt", "durationS"]
      .filter((k) => r[k] !== undefined)
      .map((k) => `${k} ${typeof r[k] === "number" ? Number((r[k] as number).toPrecision(4)) : String(r[k])}`);
    return parts.length ? ` <span class="meta">(${escapeHtml(parts.join(", "))})</span>` : "";
  } catch {
    return ' <span class="meta">(unreadable)</span>';
  }
}

/** Writes `<outDir>/index.html` atomically and returns its path. */
export function writeIndex(outDir: string): string {
  const dirs = fs.existsSync(outDir)
    ? fs
        .readdirSync(outDir, { withFileTypes: true })
        .filter((e) => e.isDirectory() && !e.name.startsWith("."))
        .map((e) => e.name)
        .sort()
    : [];
  const sections: string[] = [];
  const shown: string[] = [];
  for (const d of dirs) {
    const l = listExperimentDir(path.join(outDir, d));
    if (!l.results && !l.figures.length && !l.tables.length && !l.other.length) continue;
    const rel = (f: string) => `${d}/${f}`;
    const out = [`<section id="${escapeHtml(d)}">`, `<h2>${escapeHtml(d)}</h2>`];
    if (l.results) out.push(`<p>${link(rel(l.results), "results.json")}${resultsSummary(path.join(outDir, d, l.results))}</p>`);
    if (l.figures.length) {
      out.push("<h3>Figures</h3>", '<div class="figs">');
      for (const f of l.figures) {
        const png = f.files.find((x) => x.endsWith(".png"));
        const main = f.files.find((x) => x.endsWith(".html")) ?? f.files[0];
        out.push(
          '<figure>',
          png ? `<a href="${escapeHtml(encodeURI(rel(main)))}"><img src="${escapeHtml(encodeURI(rel(png)))}" alt="${escapeHtml(f.stem)}" loading="lazy"></a>` : "",
          `<figcaption>${escapeHtml(f.stem)}: ${f.files.map((x) => link(rel(x), path.extname(x).slice(1))).join(" · ")}</figcaption>`,
          "</figure>",
        );
      }
      out.push("</div>");
    }
    if (l.tables.length) {
      out.push("<h3>Tables</h3>", "<ul>");
      for (const t of l.tables) out.push(`<li>${escapeHtml(t.stem)}: ${t.files.map((x) => link(rel(x), path.extname(x).slice(1))).join(" · ")}</li>`);
      out.push("</ul>");
    }
    if (l.other.length) out.push("<h3>Other files</h3>", `<ul>${l.other.map((x) => `<li>${link(rel(x), x)}</li>`).join("")}</ul>`);
    out.push("</section>");
    sections.push(out.join("\n"));
    shown.push(d);
  }
  const html = [
    "<!DOCTYPE html>",
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    "<title>kcdl results</title>",
    "<style>body{font-family:system-ui,sans-serif;margin:1.5em;max-width:1200px}" +
      ".meta{color:#666;font-size:.9em}.figs{display:flex;flex-wrap:wrap;gap:1em}" +
      "figure{margin:0;width:360px}figure img{width:100%;border:1px solid #ddd}section{border-top:1px solid #ccc;margin-top:1.5em}</style>",
    "</head><body>",
    "<h1>kcdl results</h1>",
    shown.length ? `<nav>${shown.map((d) => link(`#${d}`, d)).join(" · ")}</nav>` : "<p>No results yet.</p>",
    ...sections,
    "</body></html>",
    "",
  ].join("\n");
  const file = path.join(outDir, "index.html");
  writeFileAtomic(file, html);
  return file;
}
