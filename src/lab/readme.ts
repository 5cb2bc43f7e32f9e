/**
 * The README's Results section, generated from committed results: each
 * experiment's `readme(results)` between two markers, so no number in the README
 * is typed by hand (`npx kcdl render all --readme README.md` rewrites it; a test
 * checks the committed block equals what render produces).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { experiments } from "./registry";
import { UsageError } from "../core/errors";
import { writeFileAtomic } from "../core/io";

export const README_BEGIN = "<!-- results:begin — generated from figures/*/results.json by `npx kcdl render all --readme README.md`; edit the experiments' readme() instead -->";
export const README_END = "<!-- results:end -->";

/** The generated block for every registered experiment with results under `out`, in registry order. */
export function readmeResults(out: string): string {
  const parts: string[] = [];
  for (const exp of Object.values(experiments())) {
    const file = path.join(out, exp.name, "results.json");
    if (!fs.existsSync(file)) continue;
    parts.push(exp.readme(JSON.parse(fs.readFileSync(file, "utf8"))).trim());
  }
  return parts.join("\n\n");
}

/** `readme` with the text between the markers replaced by `block`. */
export function spliceReadme(readme: string, block: string, file = "README"): string {
  const a = readme.indexOf(README_BEGIN);
  const b = readme.indexOf(README_END);
  if (a < 0 || b < a) throw new UsageError(`${file} has no results markers; add the lines\n${README_BEGIN}\n${README_END}\nwhere the results go`);
  return `${readme.slice(0, a + README_BEGIN.length)}\n\n${block}\n\n${readme.slice(b)}`;
}

/** Rewrites the results block of `file` from the results under `out`; returns whether it changed. */
export function updateReadme(file: string, out: string): boolean {
  const before = fs.readFileSync(file, "utf8");
  const after = spliceReadme(before, readmeResults(out), file);
  if (after !== before) writeFileAtomic(file, after);
  return after !== before;
}
