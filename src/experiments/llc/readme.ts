/** This experiment's part of the README's Results section, rendered from results. */
import { errorAtSettings, fitOf } from "./claims";
import { familyName, r2Text } from "./figures";
import type { LlcResults } from "./types";

const f2 = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? "—" : x.toFixed(2));

export function readme(r: LlcResults): string {
  const lines = [
    "| model | checkpoints | λ̂ range | uniform bits vs λ̂: R² | codebook vs λ̂: R² | KL vs λ̂: R² |",
    "|---|---|---|---|---|---|",
  ];
  for (const fam of ["mlp", "parity"] as const) {
    const cps = r.checkpoints.filter((c) => c.family === fam);
    const ls = cps.map((c) => c.llc).filter(Number.isFinite);
    lines.push(`| ${familyName(fam)} | ${cps.length} | ${f2(Math.min(...ls))} … ${f2(Math.max(...ls))} | ${r2Text(fitOf(r, fam, "uniformBits"))} | ${r2Text(fitOf(r, fam, "codebookBits"))} | ${r2Text(fitOf(r, fam, "klBits"))} |`);
  }
  const s = r.config.sgld;
  return [
    "### Local learning coefficient vs compressibility, seed 004 (`figures/llc/`)",
    "",
    `λ̂ by ${s.sampler} (nβ ${s.nbeta}, γ ${s.gamma}, ε ${s.lr.toExponential(0)}, ${s.chains} chains) at training checkpoints, against the critical quantisation bits for a loss tolerance of ${r.config.quant.tolerance} nats per example and the variational KL. On the models of known λ the estimator's mean relative error at these settings is ${f2(errorAtSettings(r))}.`,
    "",
    ...lines,
    "",
    "`notebooks/07-llc.ipynb` shows the calibration, the fits and where our numbers differ from seed 004's; `figures/llc/claims.md` lists its claims beside ours.",
  ].join("\n");
}
