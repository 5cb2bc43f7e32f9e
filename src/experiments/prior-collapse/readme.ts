/** This experiment's part of the README's Results section, rendered from results. */
import type { PriorCollapseResults } from "./types";
import { delta } from "./claims";

export function readme(r: PriorCollapseResults): string {
  const rank = (n: string) => r.ranking.indexOf(n);
  const rows = [...r.summaries].sort((a, b) => rank(a.remedy) - rank(b.remedy));
  const lines = [
    `Random-init MLP identity (klCoef ${r.config.klCoef}, ${r.config.seeds} seeds each) under ${rows.length} remedies for the prior collapse; ` +
      `manual solution ${r.manual.paperBits.mean!.toFixed(1)} bits. Codelength = KL + NLL, mean ± 95 % interval; Δ against the baseline at the same seed.`,
    "",
    "| remedy | codelength (bits) | Δ vs baseline | accuracy | final modes | within 10 % of manual |",
    "|---|---|---|---|---|---|",
    ...rows.map(
      (s) =>
        `| ${s.remedy} | ${s.paperBits.mean!.toFixed(1)}${s.paperBits.ci95 === null ? "" : ` ± ${s.paperBits.ci95.toFixed(1)}`} | ${delta(s)} | ${(100 * s.accuracy.mean!).toFixed(2)} % | ${s.finalModes.mean!.toFixed(1)} | ${s.reached}/${s.runs} |`,
    ),
  ];
  return lines.join("\n");
}
