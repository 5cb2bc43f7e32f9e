/** `asymptotics`' tables: pure functions of the results. */
import type { Table } from "../../report/table";
import type { AsymptoticsResults, Grid } from "./types";

const top = (g: Grid) => g[g.length - 1][g[0].length - 1];

export function tables(r: AsymptoticsResults): Record<string, Table> {
  return {
    enumeration: {
      title: `Every ${r.machine} program up to L = ${r.maxLength} bits on ${r.inputs.length} inputs at R_max = (${r.rMax.rt}, ${r.rMax.rs})`,
      columns: ["strings run", "halting on every input", "pruned (an input fails)", "incomplete at L", "distinct functions", "Kraft sum Σ 2^−|z|", "longest run (steps)", "most cells"],
      rows: [[r.counts.strings, r.counts.halting, r.counts.pruned, r.counts.incomplete, r.functions.length, r.kraft, r.longestRun.steps, r.longestRun.space]],
    },
    functions: {
      title: "Distinct model functions: shortest and fastest programs, algorithmic probability within L and R_max",
      columns: ["function", "decides", "classes on inputs", "programs", "Σ 2^−|z|", "shortest z", "|z|", "steps", "cells", "fastest z", "|z| (fastest)", "steps (fastest)"],
      rows: r.functions.map((f) => [f.index, f.decides.join(", "), f.classes.join(""), f.programs, f.mass, f.shortest.z, f.shortest.bits, f.shortest.steps, f.shortest.space, f.fastest.z, f.fastest.bits, f.fastest.steps]),
    },
    k: {
      title: "K_{T,R}(f) (Definition 3): at R_max, and where it reaches that value along R_t (R_s = max) and R_s (R_t = max)",
      columns: ["target", "K at R_max (bits)", "program", "reached at R_t", "reached at R_s"],
      rows: r.k.map((k) => [k.target, k.atMax?.bits ?? null, k.atMax?.z ?? "none up to L", k.plateau.rt, k.plateau.rs]),
    },
    codes: {
      title: "Fig. 3's chain at R_max (bits): uniform, C^bayes, C^2p and zmap's variational code (Theorem 2: KL = |z*| + c_T)",
      columns: ["dataset", "n", "labels flipped", "uniform", "C^bayes", "C^2p", "z*", "|z*|", "NLL(z*)", "C^2p reached at R_t", "at R_s", "zmap KL", "c_T", "zmap NLL", "L^var(zmap)", "L^var − c_T"],
      rows: r.datasets.map((d) => [
        d.name,
        d.size,
        d.flipped,
        d.uniformBits,
        top(d.bayes),
        top(d.twoPart),
        d.best?.z ?? null,
        d.best?.bits ?? null,
        d.best?.nllBits ?? null,
        d.plateau.twoPart.rt,
        d.plateau.twoPart.rs,
        d.zmap?.klBits ?? null,
        d.zmap?.cT ?? null,
        d.zmap?.nllBits ?? null,
        d.zmap?.totalBits ?? null,
        d.zmap ? d.zmap.totalBits - d.zmap.cT : null,
      ]),
    },
    "codes-vs-rt": {
      title: `C^2p_{T,R} by R_t at R_s = ${r.rMax.rs} (bits; empty: no program within R)`,
      columns: ["R_t", ...r.datasets.map((d) => d.name)],
      rows: r.config.bounds.rt.map((rt, i) => [rt, ...r.datasets.map((d) => d.twoPart[i][r.config.bounds.rs.length - 1])]),
    },
  };
}
