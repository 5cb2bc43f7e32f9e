/**
 * Table 1's claims beside ours, computed from the results: each `agrees` by the
 * rule its note states. Paper numbers come from data/paper-reference.json.
 */
import type { Claim } from "../../lab/claims";
import { paperReference } from "../../lab/paper-reference";
import type { ParityResults, ParityRow } from "./types";

/** An accuracy as "100 %" or "67.0 %". */
export const pct = (x: number) => (x === 1 ? "100 %" : `${(100 * x).toFixed(1)} %`);
/** Bits as "80,044" (≥ 10⁴ or an integer), "4,711.6" or "871.6". */
export const bits = (x: number) =>
  Math.abs(x) >= 1e4 || Number.isInteger(x) ? Math.round(x).toLocaleString("en-US") : Math.abs(x) >= 1e3 ? x.toLocaleString("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 }) : x.toFixed(1);
/** A number with a typographic minus sign (−10). */
export const signed = (x: number) => String(x).replace("-", "−");
/** The paper's rounded bits as "6.5M", "2.0K" or "17.2". */
export const paperBits = (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(1)}M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)}K` : String(x));

/** The paper's Table 1 rows (data/paper-reference.json). */
export function paperRows(): ParityRow[] {
  return (paperReference().table1Parity as { rows: ParityRow[] }).rows;
}

export const paperRow = (init: string, objective: string) => paperRows().find((p) => p.init === init && p.objective === objective);
const ourRow = (r: ParityResults, key: string) => r.rows.find((x) => x.key === key);
const label = (key: string) => ({ "random/mle": "MLE", "random/variational": "variational" })[key] ?? key;

function fitClaims(r: ParityResults): Claim[] {
  const random = ["random/mle", "random/variational"].map((k) => ourRow(r, k)).filter((x): x is ParityRow => !!x);
  if (random.length === 0) return [];
  const T = r.config.data.trainMaxLen;
  const paper = (k: "trainAcc" | "oodAcc") => ["random/mle", "random/variational"].map((key) => `${pct(paperRow("random", key.split("/")[1])![k])} (${label(key)})`).join(", ");
  const ours = (k: "trainAcc" | "oodAcc") => random.map((x) => `${pct(x[k])} (${label(x.key!)})`).join(", ");
  return [
    {
      claim: "from random init, MLE and variational training fit the training lengths",
      paper: `Table 1: train accuracy ${paper("trainAcc")}`,
      ours: ours("trainAcc"),
      agrees: random.every((x) => x.trainAcc >= 0.99),
      note: `agrees: every random-init row ≥ 99 % on training lengths 1–${T} (paper: 1–20)`,
    },
    {
      claim: "from random init, neither objective generalises to longer inputs",
      paper: `Table 1: OOD accuracy ${paper("oodAcc")}`,
      ours: ours("oodAcc"),
      agrees: random.every((x) => x.oodAcc < 0.9),
      note: `agrees: every random-init row < 90 % on OOD lengths ${T + 1}–${2 * T} (paper: 21–40); an average over few short OOD lengths is not comparable in value to one over twenty long ones`,
    },
  ];
}

function manualClaims(r: ParityResults): Claim[] {
  const m = ourRow(r, "manual");
  if (!m) return [];
  const pm = paperRow("manual", "variational")!;
  const pv = paperRow("random", "variational")!;
  const rv = ourRow(r, "random/variational");
  const T = r.config.data.trainMaxLen;
  const lengths = r.accuracyByLength.manual ?? [];
  const out: Claim[] = [
    {
      claim: "the compiled solution is exact, also on the longer inputs",
      paper: `Table 1: train ${pct(pm.trainAcc)}, OOD ${pct(pm.oodAcc)}`,
      ours: `train ${pct(m.trainAcc)}, OOD ${pct(m.oodAcc)} (posterior samples, ν = ${signed(r.config.posterior.nu)}); exact at ${lengths.filter((a) => a.accuracy === 1).length} of ${lengths.length} lengths with the compiled weights`,
      agrees: m.trainAcc === 1 && m.oodAcc === 1,
      note: `agrees: 100 % on training lengths 1–${T} and OOD lengths ${T + 1}–${2 * T} under posterior samples`,
    },
  ];
  if (rv && rv.codelengthBits !== null && m.codelengthBits !== null) {
    const ratio = rv.codelengthBits / m.codelengthBits!;
    const totals = rv.codelength && m.codelength ? rv.codelength.totalBits / m.codelength.totalBits : null;
    out.push({
      claim: "the variational codelength prefers the compiled solution to the one found from random init",
      paper: `Table 1: ${paperBits(pm.codelengthBits!)} vs ${paperBits(pv.codelengthBits!)} bits (≈ ${Math.round(pv.codelengthBits! / pm.codelengthBits!).toLocaleString("en-US")}× shorter)`,
      ours: `${bits(m.codelengthBits!)} vs ${bits(rv.codelengthBits)} bits (${Math.round(ratio)}× shorter)${totals !== null ? `; with L_Ψ ${bits(m.codelength!.totalBits)} vs ${bits(rv.codelength!.totalBits)} (${Math.round(totals)}×)` : ""}`,
      agrees: ratio > 1 && (totals === null || totals > 1),
      note: "agrees: the compiled row's KL + NLL (and its eq. 86 total with L_Ψ) is shorter; the ratio grows with the model (the paper's: d_model 128, MLP 512, 20 prompt tokens)",
    });
  }
  const paperSize = r.config.model.dModel === 128 && r.config.model.promptTokens === 20 && r.config.model.dMlp === 512;
  out.push({
    claim: "the compiled solution's KL is about 2.0K bits",
    paper: `Table 1: KL ${paperBits(pm.klBits!)} bits`,
    ours: `${bits(m.klBits!)} bits (one optimal prior per ${r.config.prior.grouping === "all" ? "model" : r.config.prior.grouping}, B.9.3)`,
    agrees: paperSize ? Math.max(m.klBits! / pm.klBits!, pm.klBits! / m.klBits!) <= 2 : null,
    note: "compared (within a factor 2) only at C.1's model size; the paper states neither its prior grouping nor every detail of its compiled program",
  });
  return out;
}

function priorClaim(r: ParityResults): Claim[] {
  const prior = r.trained["random/variational"]?.prior;
  if (!prior) return [];
  const one = prior.filter((g) => g.modes === 1).length;
  return [
    {
      claim: "from random init the adaptive prior collapses to a single mode",
      paper: "C.2, Fig. 9 (the MLP of Table 2): the learned prior is unimodal",
      ours: `one mode in ${one} of ${prior.length} tensors' learned ${r.config.prior.components}-component priors`,
      agrees: one === prior.length,
      note: "agrees: every prior group ends unimodal; Table 1 does not report the prior, this is the parity analogue of C.2's finding",
    },
  ];
}

export function claims(r: ParityResults): Claim[] {
  return [...fitClaims(r), ...manualClaims(r), ...priorClaim(r)];
}
