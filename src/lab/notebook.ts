/**
 * What a notebook calls to show an experiment's results: its figures, tables and
 * claims, rendered from a results object exactly as `kcdl render` writes them.
 */
import type { AnyExperiment } from "./experiment";
import { claimsTable } from "./claims";
import { showFigure, showMarkdown, showTable } from "../report/display";

/** Displays the figure `name` of `exp` for `results`, with a caption. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function showExperimentFigure(exp: AnyExperiment, results: any, name: string, caption = ""): Promise<void> {
  const figs = exp.figures(results);
  if (!figs[name]) throw new Error(`${exp.name} has no figure '${name}'; figures: ${Object.keys(figs).join(", ")}`);
  await showFigure(figs[name], caption || name);
}

/** Displays the table `name` of `exp` for `results`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function showExperimentTable(exp: AnyExperiment, results: any, name: string): void {
  const tables = exp.tables(results);
  if (!tables[name]) throw new Error(`${exp.name} has no table '${name}'; tables: ${Object.keys(tables).join(", ")}`);
  showTable(tables[name]);
}

/** Displays the paper-vs-ours claims of `exp` for `results`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function showClaims(exp: AnyExperiment, results: any): void {
  showTable(claimsTable(exp.claims(results), `${exp.title}: paper vs ours`));
}

/** Displays `exp`'s README section for `results` (its summary, rendered from results). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function showSummary(exp: AnyExperiment, results: any): void {
  showMarkdown(exp.readme(results));
}
