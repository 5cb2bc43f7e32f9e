/** This experiment's part of the README's Results section, rendered from results. */
import type { PriorCollapseResults } from "./types";
import { delta } from "./claims";

export function readme(r: PriorCollapseResults): string {
  const rank = (n: string) => r.ranking.indexOf(n);
  const rows = [...r.summaries].sort((a, b) => rank(a.remedy) - rank(b.remedy));
  const best = rows.find((s) => s.remedy !== "baseline")!;
  const base = rows.find((s) => s.remedy === "baseline")!;
  const reached = r.runs.filter((x) => x.reached).length;
  const p = r.parity;
  const t1 = p?.rows.find((x) => x.key === "random/variational" && (x.source === "table1" || x.source === "baseline"));
  const parity = p && t1
    ? ` On parity (${r.preset} preset, seed ${r.seed}) against ${t1.source === "table1" ? "Table 1's" : "the baseline's"} random-init variational row (${t1.paperBits!.toFixed(0)} bits, OOD ${(100 * t1.oodAcc).toFixed(1)} %): ` +
      p.rows.filter((x) => p.chosen.includes(x.source)).map((x) => `${x.source} ${x.paperBits!.toFixed(0)} bits, OOD ${(100 * x.oodAcc).toFixed(1)} % (train ${(100 * x.trainAcc).toFixed(1)} %)`).join("; ") + "."
    : "";
  const lines = [
    "### Prior collapse: remedies from random init, beyond the paper (`figures/prior-collapse/`)",
    "",
    `Random-init MLP identity (klCoef ${r.config.klCoef}, ${r.config.seeds} seeds each) under ${rows.length} remedies for the prior collapse; ` +
      `manual solution ${r.manual.paperBits.mean!.toFixed(1)} bits. Codelength = KL + NLL, mean ± 95 % interval; Δ against the baseline at the same seed.`,
    "",
    "| remedy | codelength (bits) | Δ vs baseline | accuracy | final modes | within 10 % of manual |",
    "|---|---|---|---|---|---|",
    ...rows.map(
      (s) =>
        `| ${s.remedy} | ${s.paperBits.mean!.toFixed(1)}${s.paperBits.ci95 === null ? "" : ` ± ${s.paperBits.ci95.toFixed(1)}`} | ${delta(s)} | ${(100 * s.accuracy.mean!).toFixed(2)} % | ${s.finalModes.mean!.toFixed(1)} | ${s.reached}/${s.runs} |`,
    ),
    "",
    `${reached} of ${r.runs.length} runs come within ${Math.round(100 * r.config.nearManual)} % of the manual solution's codelength. ` +
      `The shortest, ${best.remedy}, averages ${best.paperBits.mean!.toFixed(1)} bits against the baseline's ${base.paperBits.mean!.toFixed(1)} ` +
      `(${(best.paperBits.mean! / r.manual.paperBits.mean!).toFixed(1)}× the manual solution).${parity} ` +
      "`notebooks/05-prior-collapse.ipynb` shows every remedy and figure; `figures/prior-collapse/claims.md` lists the findings beside the paper.",
  ];
  return lines.join("\n");
}
