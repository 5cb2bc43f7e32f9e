/** `zmap`'s tables: pure functions of the results. */
import type { Table } from "../../report/table";
import type { ZmapResults } from "./types";

export function tables(r: ZmapResults): Record<string, Table> {
  return {
    machines: {
      title: "zmap: compiled Transformer vs Turing-machine simulator",
      columns: ["machine", "states", "input symbols", "programs", "inputs checked", "mismatches", "R_t", "R_s", "weights", "heads (B.5.5: 7 + 3|Y|)", "relative offsets"],
      rows: r.machines.map((m) => [m.name, m.states, m.symbols, m.programs, m.inputsChecked, m.mismatches, m.rt, m.rs, m.weightCount, `${m.heads} (${m.paperHeads})`, m.relativeOffsets.join(", ")]),
    },
    programs: {
      title: "zmap: per program (configuration mismatches over all layers; the Transformer's logits after the decoding layer)",
      columns: ["machine", "program", "|z|", "inputs", "halted", "configMismatches", "logitMismatches", "max logit error", "first mismatch"],
      rows: r.machines.flatMap((m) => m.perProgram.map((p) => [m.name, p.program, p.programBits, p.inputs, p.halted, p.configMismatches, p.logitMismatches, p.maxLogitError, p.firstMismatch ?? ""])),
    },
    theorem2: {
      title: "Theorem 2 (B.10): KL of zmap's weights",
      columns: ["machine", "program", "|z|", "R_s", "KL (bits)", "KL − |z|", "weights", "prompt weights"],
      rows: r.theorem2.map((t) => [t.machine, t.program, t.programBits, t.rs, t.klBits, t.cT, t.weightCount, t.promptWeightCount]),
    },
    c_T: {
      title: "c_T by weight tensor (delta posteriors, optimal per-tensor prior, B.9.3)",
      columns: ["machine", "tensor", "weights", "unique values", "KL (bits)"],
      rows: r.cT.flatMap((m) => m.groups.map((g) => [m.machine, g.group, g.weights, g.uniqueValues, g.klBits])),
    },
  };
}
