/** The tables of `mlp-identity` (pure functions of the results): Table 2 beside the paper, the manual solution. */
import type { Table } from "../../report/table";
import type { MlpResults } from "./types";

const num = (x: unknown) => (typeof x === "number" ? x : null);

/** Table 2: ours beside the paper; L_Ψ (priorBits) and the eq. 86 total beside the paper's "Codelength" (= KL + NLL). */
function table2(r: MlpResults): Table {
  return {
    title: `Table 2 — MLP on the identity task (ours; Train NLL over ${r.config.trainSetSize} examples) beside the paper`,
    columns: [
      "objective",
      "init",
      "klCoef",
      "klBits",
      "trainNllBits",
      "codelengthBits",
      "priorBits",
      "totalBits",
      "accuracy",
      "paperKlBits",
      "paperTrainNllBits",
      "paperCodelengthBits",
      "paperAccuracy",
      "nllBitsPerExample",
    ],
    rows: r.paper.comparison.map(({ ours, paper }) => [
      String(paper.objective),
      String(paper.init),
      num(paper.klCoef),
      ours?.klBits ?? null,
      ours?.trainNllBits ?? null,
      ours?.codelengthBits ?? null,
      ours?.codelength?.priorBits ?? null,
      ours?.codelength?.totalBits ?? null,
      ours?.accuracy ?? null,
      num(paper.klBits),
      num(paper.trainNllBits),
      num(paper.codelengthBits),
      num(paper.accuracy),
      ours?.nllBitsPerExample ?? null,
    ]),
  };
}

function manualSolution(r: MlpResults): Table {
  return {
    title: "The manual solution (C.2, B.9.3)",
    columns: ["quantity", "bits"],
    rows: [
      ["N·H(p): delta posteriors under the optimal prior (B.9.3)", r.manual.optimalPriorKlBits],
      [`KL at init (ν = ${r.config.posterior.nu}, prior from B.9.3 at that ν)`, r.manual.atInit.klBits],
      ["Train NLL at init", r.manual.atInit.trainNllBits],
      [`KL after training at klCoef ${r.config.manual.klCoef}`, r.rows.find((x) => x.init === "manual")?.klBits ?? null],
    ],
  };
}

export function tables(r: MlpResults): Record<string, Table> {
  return { table2: table2(r), "manual-solution": manualSolution(r) };
}
