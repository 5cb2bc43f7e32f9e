/** The parity part of the README's Results section, rendered from results. */
import { claims, bits, paperBits, paperRow, pct, signed } from "./claims";
import type { ParityResults, ParityRow } from "./types";

const ROW_LABELS: Record<string, string> = { "random/mle": "random, MLE", "random/variational": "random, variational", manual: "manual (compiled)" };

function tableRow(x: ParityRow): string {
  const [init, objective] = x.key === "manual" ? ["manual", "variational"] : x.key!.split("/");
  const p = x.key === "manual/variational" ? undefined : paperRow(init, objective);
  const name = ROW_LABELS[x.key!] ?? `manual, trained on (${x.steps} steps)`;
  const klOurs = x.klBits === null ? `— (train NLL ${bits(x.trainNllBits)})` : `${bits(x.klBits)} · ${bits(x.codelengthBits!)}`;
  const klPaper = !p ? "—" : p.klBits === null ? `— (${paperBits(p.trainNllBits)})` : `${paperBits(p.klBits)} · ${paperBits(p.codelengthBits!)}`;
  const total = x.codelength ? `${bits(x.codelength.priorBits)} · ${bits(x.codelength.totalBits)}` : "—";
  return `| ${name} | ${pct(x.trainAcc)} / ${pct(x.oodAcc)} | ${p ? `${pct(p.trainAcc)} / ${pct(p.oodAcc)}` : "—"} | ${klOurs} | ${klPaper} | ${total} |`;
}

function setup(r: ParityResults): string {
  const c = r.config;
  const T = c.data.trainMaxLen;
  return [
    `The \`${r.preset}\` preset${r.preset === "cpu" ? " is Table 1 scaled to 2 cores" : ""} (${Math.round(r.timings.durationS / 60)} min): train lengths 1–${T}, OOD lengths ${T + 1}–${2 * T},`,
    `d_model ${c.model.dModel}, MLP ${c.model.dMlp}, ${c.model.promptTokens} prompt tokens, ${c.model.layers} layer applications, ${c.train.steps.toLocaleString("en-US")} steps of ${c.train.batchSize} (every scaled`,
    "quantity is listed in `src/experiments/parity/config.ts`, `npx kcdl config parity --preset cpu`); `--preset paper` is C.1 exactly.",
    "`--set train.workers=2` computes the NLL gradients on two worker threads (the second core; same",
    "gradients up to float rounding, so numbers differ slightly from the committed one-thread run).",
  ].join("\n");
}

function findings(r: ParityResults): string {
  const all = claims(r);
  const decided = all.filter((c) => c.agrees !== null);
  const out: string[] = [decided.every((c) => c.agrees) ? "The paper's pattern holds:" : "The paper's pattern does not fully hold (`figures/parity/claims.md`):"];
  const m = r.rows.find((x) => x.key === "manual");
  const rv = r.rows.find((x) => x.key === "random/variational");
  const lengths = r.accuracyByLength.manual ?? [];
  if (r.rows.some((x) => x.init === "random")) out.push(`${decided.slice(0, 2).every((c) => c.agrees) ? "both random rows fit the training lengths and fail beyond them" : "the random rows do not both fit the training lengths and fail beyond them"};`);
  if (m && lengths.length) {
    const exact = lengths.every((a) => a.accuracy === 1);
    const sampled = lengths.every((a) => a.sampledAccuracy === 1);
    out.push(`the compiled solution is ${exact ? "exact at every length" : `exact at ${lengths.filter((a) => a.accuracy === 1).length} of ${lengths.length} lengths`} (${sampled ? "also" : "not always"} under ν = ${signed(r.config.posterior.nu)} posterior samples)`);
  }
  if (m && rv && rv.codelength && m.codelength) {
    const pm = paperRow("manual", "variational")!;
    const pv = paperRow("random", "variational")!;
    out.push(
      `and its codelength is ${Math.round(rv.codelengthBits! / m.codelengthBits!)}× shorter than the random variational model's (paper: ≈ ${Math.round(pv.codelengthBits! / pm.codelengthBits!).toLocaleString("en-US")}× on its larger model);`,
      `with L_Ψ (32 bits per prior parameter) the eq. 86 totals are ${bits(m.codelength.totalBits)} and ${bits(rv.codelength.totalBits)} bits.`,
    );
  }
  const prior = r.trained["random/variational"]?.prior;
  if (prior) {
    const one = prior.filter((g) => g.modes === 1).length;
    out.push(one === prior.length ? "The random model's learned prior collapses to one mode in every tensor, as the MLP's does." : `The random model's learned prior ends with one mode in ${one} of ${prior.length} tensors.`);
  }
  const g = r.manual?.klByGrouping;
  if (g && m) {
    const at = (name: string) => bits(g.find((k) => k.grouping === name)!.klBits);
    out.push(`The compiled solution's KL depends on the prior grouping, which the paper does not state: ${at("tensor")} bits with one optimal prior per tensor (paper: "${paperBits(paperRow("manual", "variational")!.klBits!)}"), ${at("column")} per column, ${at("all")} for one prior over the model.`);
  }
  out.push("`notebooks/03-parity.ipynb` compares every number and explains the differences.");
  return wrap(out.join(" "));
}

/** Prose wrapped at `width` columns (as the README is written). */
function wrap(text: string, width = 100): string {
  const lines: string[] = [];
  let line = "";
  for (const w of text.split(" ")) {
    if (line && line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  return [...lines, line].join("\n");
}

/** Markdown for the README's Results section. */
export function readme(r: ParityResults): string {
  return [
    "### Parity, Table 1 (`figures/parity/`)",
    "",
    setup(r),
    "",
    "| row | train / OOD accuracy, ours | paper | KL · codelength (bits), ours | paper | L_Ψ · total (bits), ours |",
    "|---|---|---|---|---|---|",
    ...r.rows.map(tableRow),
    "",
    findings(r),
  ].join("\n");
}
