/** `asymptotics`' figures: pure functions of the results (no tfjs, no enumeration). */
import type { FigureSpec } from "../../report/figure";
import type { AsymptoticsResults, Grid } from "./types";

const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#ff7f0e"];

const column = (g: Grid, j: number) => g.map((row) => row[j]);
const lastRow = (g: Grid) => g[g.length - 1];
const lastCol = (g: Grid) => column(g, g[0].length - 1);

/** K_{T,R}(f) against one bound, the other at its largest value. */
function kFigure(r: AsymptoticsResults, axis: "rt" | "rs"): FigureSpec {
  const x = r.config.bounds[axis];
  const other = axis === "rt" ? `R_s = ${r.rMax.rs}` : `R_t = ${r.rMax.rt}`;
  return {
    data: r.k
      .filter((k) => k.atMax !== null)
      .map((k, i) => ({
        type: "scatter",
        mode: "lines+markers",
        name: k.target,
        x,
        y: axis === "rt" ? lastCol(k.grid) : lastRow(k.grid),
        line: { shape: "hv", color: COLORS[i % COLORS.length] },
      })),
    layout: {
      title: { text: `K_{T,R}(f) of ${r.machine} programs up to L = ${r.maxLength} bits vs ${axis === "rt" ? "R_t" : "R_s"} (${other}); gaps: no program within R` },
      xaxis: { title: { text: axis === "rt" ? "R_t (machine steps)" : "R_s (tape cells)" } },
      yaxis: { title: { text: "K_{T,R}(f) (bits)" } },
      width: 900,
      height: 480,
    },
  };
}

/** C^{2p}_{T,R} and the Bayes code per dataset against one bound, with the uniform code. */
function codesFigure(r: AsymptoticsResults, axis: "rt" | "rs"): FigureSpec {
  const x = r.config.bounds[axis];
  const pick = (g: Grid) => (axis === "rt" ? lastCol(g) : lastRow(g));
  const other = axis === "rt" ? `R_s = ${r.rMax.rs}` : `R_t = ${r.rMax.rt}`;
  return {
    data: r.datasets.flatMap((d, i) => [
      { type: "scatter", mode: "lines+markers", name: `C^2p: ${d.name}`, x, y: pick(d.twoPart), line: { shape: "hv", color: COLORS[i % COLORS.length] } },
      { type: "scatter", mode: "lines", name: `C^bayes: ${d.name}`, x, y: pick(d.bayes), line: { shape: "hv", dash: "dot", color: COLORS[i % COLORS.length] } },
      { type: "scatter", mode: "lines", name: `uniform: ${d.name}`, x: [x[0], x[x.length - 1]], y: [d.uniformBits, d.uniformBits], line: { dash: "dash", width: 1, color: COLORS[i % COLORS.length] }, showlegend: i === 0 },
    ]),
    layout: {
      title: { text: `Proposition 2: C^2p_{T,R}(Y | X) (solid) and C^bayes (dotted) vs ${axis === "rt" ? "R_t" : "R_s"} (${other}); uniform code dashed` },
      xaxis: { title: { text: axis === "rt" ? "R_t (machine steps)" : "R_s (tape cells)" } },
      yaxis: { title: { text: "codelength (bits)" } },
      legend: { orientation: "h", x: 0, xanchor: "left", y: -0.2, yanchor: "top" },
      margin: { b: 170 },
      width: 1000,
      height: 600,
    },
  };
}

/** K_{T,R}(f) of the first target with a finite value, over the whole (R_t, R_s) grid. */
function kHeatmap(r: AsymptoticsResults): FigureSpec {
  const k = r.k.find((row) => row.target === "parity" && row.atMax) ?? r.k.find((row) => row.atMax) ?? r.k[0];
  return {
    data: [{ type: "heatmap", x: r.config.bounds.rs, y: r.config.bounds.rt, z: k.grid, colorscale: "Viridis", colorbar: { title: { text: "bits" } }, hoverongaps: false }],
    layout: {
      title: { text: `K_{T,R}(${k.target}) over R = (R_t, R_s) (${r.machine}, L = ${r.maxLength}; blank: no program within R)` },
      xaxis: { title: { text: "R_s (tape cells)" } },
      yaxis: { title: { text: "R_t (machine steps)" } },
      width: 800,
      height: 560,
    },
  };
}

/** Fig. 3's chain per dataset at R_max: C^bayes ≤ C^2p ≤ L^var(zmap) = C^2p + c_T, with the uniform code (log scale). */
function chainFigure(r: AsymptoticsResults): FigureSpec {
  const names = r.datasets.map((d) => d.name);
  const top = (g: Grid) => lastRow(g)[g[0].length - 1];
  const bar = (name: string, y: (number | null)[], color: string) => ({ type: "bar", name, x: names, y, marker: { color } });
  return {
    data: [
      bar("C^bayes_{T,R}", r.datasets.map((d) => top(d.bayes)), "#2ca02c"),
      bar("C^2p_{T,R}", r.datasets.map((d) => top(d.twoPart)), "#1f77b4"),
      bar("L^var of zmap(T, R*, z*) = KL + NLL", r.datasets.map((d) => d.zmap?.totalBits ?? null), "#d62728"),
      bar("L^var − c_T", r.datasets.map((d) => (d.zmap ? d.zmap.totalBits - d.zmap.cT : null)), "#ff9896"),
      bar("uniform code", r.datasets.map((d) => d.uniformBits), "#7f7f7f"),
    ],
    layout: {
      title: { text: `Fig. 3 measured at R_max = (${r.rMax.rt}, ${r.rMax.rs}): C^bayes ≤ C^2p, and L^var ≤ C^2p + c_T (Theorem 2)` },
      barmode: "group",
      yaxis: { title: { text: "bits (log scale)" }, type: "log" },
      legend: { orientation: "h", x: 0, xanchor: "left", y: -0.25, yanchor: "top" },
      margin: { b: 160 },
      width: 1000,
      height: 560,
    },
  };
}

export function figures(r: AsymptoticsResults): Record<string, FigureSpec> {
  return {
    "k-vs-rt": kFigure(r, "rt"),
    "k-vs-rs": kFigure(r, "rs"),
    "k-grid": kHeatmap(r),
    "codes-vs-rt": codesFigure(r, "rt"),
    "codes-vs-rs": codesFigure(r, "rs"),
    "fig3-chain": chainFigure(r),
  };
}
