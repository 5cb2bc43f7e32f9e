/** `codes`' tables: pure functions of the results. */
import type { Table } from "../../report/table";
import type { CodesResults } from "./types";

export function tables(r: CodesResults): Record<string, Table> {
  const t: Record<string, Table> = {
    codes: {
      title: `Every code on the same data (bits): training sets of ${r.tasks.map((x) => `${x.trainSize} (${x.task})`).join(", ")} examples`,
      columns: ["task", "code", "model", "init", "seed", "steps", "model bits", "data bits", "total bits", "train acc", "OOD acc", "note"],
      rows: r.rows.map((x) => [x.task, x.code, x.model, x.init, x.seed, x.steps, x.modelBits, x.dataBits, x.totalBits, x.trainAcc, x.oodAcc, x.note]),
    },
    prequential: {
      title: "Prequential blocks (Blier & Ollivier 2018): bits of each block under the model fitted to the examples before it",
      columns: ["task", "block", "start", "end", "bits", "bits per example"],
      rows: r.tasks.flatMap((x) => x.prequential.blocks.map((b, i) => [x.task, i + 1, b.start, b.end, b.bits, b.bits / (b.end - b.start)])),
    },
    quantised: {
      title: "Two-part code of the last prequential model by quantisation step δ",
      columns: ["task", "δ", "total bits", "train acc", "OOD acc"],
      rows: r.tasks.flatMap((x) => x.quantised.map((q) => [x.task, q.step, q.totalBits, q.trainAcc, q.oodAcc])),
    },
    zmap: {
      title: "zmap's two-part code: the shortest bitlang program deciding each task's training inputs",
      columns: ["task", "z", "|z|", "c_T", "OOD inputs decided", "strings searched", "why none"],
      rows: r.tasks.map((x) => [x.task, x.zmap?.z ?? null, x.zmap?.bits ?? null, x.zmap?.cT ?? null, x.zmap?.oodAgrees ?? null, x.zmap?.searched ?? null, x.zmap?.reason ?? "zmap off"]),
    },
  };
  if (r.reference) {
    t.reference = {
      title: `Table 1 as committed (${r.reference.source}: preset ${r.reference.preset}, seed ${r.reference.seed}, ${r.reference.trainSize} training examples), the reference for the parity rows`,
      columns: ["row", "steps", "KL (bits)", "train NLL (bits)", "codelength (bits)", "train acc", "OOD acc"],
      rows: r.reference.rows.map((x) => [x.key, x.steps, x.klBits, x.trainNllBits, x.codelengthBits, x.trainAcc, x.oodAcc]),
    };
  }
  return t;
}
