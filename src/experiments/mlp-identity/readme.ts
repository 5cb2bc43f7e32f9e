/** This experiment's part of the README's Results section, rendered from results. */
import type { MlpResults, Row } from "./types";
import { bits, coef, manualRow, paperPct, paperRows, pct, randomRows, unimodalRuns } from "./claims";

function table(r: MlpResults): string[] {
  const paper = paperRows();
  const lines = [
    "| objective | KL coef. | KL (bits) ours / paper | train NLL (bits) ours / paper | codelength KL + NLL ours / paper | L_Ψ, total (ours) | accuracy ours / paper |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const p of paper) {
    const o: Row | undefined = r.rows.find((x) => x.objective === p.objective && x.init === p.init && x.klCoef === p.klCoef);
    const name = p.objective === "mle" ? "MLE" : p.init === "manual" ? "manual, variational" : "variational";
    const lpsi = o?.codelength ? `${o.codelength.priorBits}, ${bits(o.codelength.totalBits)}` : "—";
    const acc = o ? pct(o.accuracy) : "—";
    lines.push(
      `| ${name} | ${coef(p.klCoef)} | ${bits(o?.klBits)} / ${bits(p.klBits)} | ${bits(o?.trainNllBits)} / ${bits(p.trainNllBits)} | ${bits(o?.codelengthBits)} / ${bits(p.codelengthBits)} | ${lpsi} | ${acc} / ${paperPct(p.accuracy)} |`,
    );
  }
  return lines;
}

function prose(r: MlpResults): string {
  const m = manualRow(r);
  const random = randomRows(r);
  const best = Math.min(...random.map((x) => x.codelengthBits!));
  const shortest = m !== undefined && m.codelengthBits! < best;
  const uni = unimodalRuns(r).map((k) => coef(Number(k.split("/")[1])));
  const top = [...random].sort((a, b) => b.klCoef! - a.klCoef!)[0];
  const paperTop = paperRows().find((p) => p.init === "random" && p.klCoef === top.klCoef);
  const c = r.config;
  const ordering = shortest
    ? `The ordering the paper draws from Table 2 holds — the manual solution has the shortest codelength (${bits(m!.codelengthBits)} bits against ≥ ${bits(best)} for every random-init run)`
    : `The ordering the paper draws from Table 2 does not hold here — the manual solution's codelength is ${bits(m?.codelengthBits)} bits against ${bits(best)} for the best trained run`;
  const collapse = uni.length ? `the prior ends unimodal at ${uni.join(", ")} here` : "no random-init prior ends unimodal here";
  const fit =
    paperTop && top.accuracy > paperTop.accuracy
      ? `our large-KL runs fit the data where the paper's did not (${pct(top.accuracy)} against ${paperPct(paperTop.accuracy)} at ${coef(top.klCoef)})`
      : `our large-KL runs lose accuracy as the paper's do (${pct(top.accuracy)} at ${coef(top.klCoef)})`;
  return (
    `${ordering}, and ${collapse} — but ${fit}: we train with a learning rate of ${coef(c.train.lr)} decaying to ${coef(c.train.finalLr)} ` +
    `(C.1's 1e−3 left every run far from convergence in the \`cpu\` step budget), and report the train NLL summed over the ` +
    `${c.trainSetSize.toLocaleString("en-US")} training examples. L_Ψ counts 32 bits per prior parameter (${c.prior.components} components × (μ, ν, w) per prior group ` +
    `for the random-init rows; the manual row's optimal prior has ${r.manual.priorComponents ?? r.manual.histogram.values.length}, one per distinct weight value, B.9.3). ` +
    "`notebooks/02-mlp-identity.ipynb` discusses each difference; `figures/mlp-identity/claims.md` lists the paper's claims beside ours."
  );
}

export function readme(r: MlpResults): string {
  return [`### MLP identity task, Table 2 and Fig. 9 (\`figures/mlp-identity/\`)`, "", ...table(r), "", prose(r)].join("\n");
}
