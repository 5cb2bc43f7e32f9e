/** `zmap`'s figures: pure functions of the results (no tfjs, no compiler). */
import type { FigureSpec } from "../../report/figure";
import type { ZmapResults } from "./types";

/** One colour per machine in Theorem 2's figure (enough for every machine zmap runs, and then some). */
export const MACHINE_COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2"];

/** "x", "x2", … for subplot i. */
const axisSuffix = (i: number) => (i === 0 ? "" : String(i + 1));

function weightsFigure(r: ZmapResults): FigureSpec {
  return {
    data: r.weights.map((w, i) => ({ type: "heatmap", z: w.values, colorscale: "RdBu", zmid: 0, showscale: i === 0, xaxis: `x${axisSuffix(i)}`, yaxis: `y${axisSuffix(i)}` })),
    layout: {
      title: { text: `zmap(${r.trace.machine}): compiled weight matrices (shared by every layer)` },
      grid: { rows: 2, columns: 2, pattern: "independent" },
      annotations: r.weights.map((w, i) => ({ text: `${w.name} [${w.rows}×${w.cols}]`, xref: `x${axisSuffix(i)} domain`, yref: `y${axisSuffix(i)} domain`, x: 0.5, y: 1.08, showarrow: false })),
      ...Object.fromEntries(r.weights.map((_, i) => [`yaxis${axisSuffix(i)}`, { autorange: "reversed" }])),
      width: 1100,
      height: 900,
    },
  };
}

function headTraceFigure(r: ZmapResults): FigureSpec {
  const heads = ["program", "work", "input"] as const;
  const colors = { program: "#1f77b4", work: "#ff7f0e", input: "#2ca02c" };
  const x = r.trace.layers.map((l) => l.layer);
  return {
    data: heads.flatMap((h) => [
      { type: "scatter", mode: "lines", name: `${h} head (Transformer)`, x, y: r.trace.layers.map((l) => l.compiled[h]), line: { color: colors[h], shape: "hv", width: 3 } },
      { type: "scatter", mode: "markers", name: `${h} head (simulator)`, x, y: r.trace.layers.map((l) => l.simulator[h]), marker: { color: colors[h], symbol: "x", size: 6 } },
    ]),
    layout: {
      title: { text: `Head positions per layer: ${r.trace.machine}, program "${r.trace.program}", input [${r.trace.input.join(",")}]` },
      xaxis: { title: { text: "layer (1 = set-up, then one machine step per layer; decoding one layer after the halt)" } },
      yaxis: { title: { text: "cell (−1: none)" } },
      // The legend goes under the plot, in rows across the full width, so no entry is cut at the right edge.
      legend: { orientation: "h", x: 0, xanchor: "left", y: -0.22, yanchor: "top" },
      margin: { b: 150 },
      width: 1000,
      height: 520,
    },
  };
}

function theorem2Figure(r: ZmapResults): FigureSpec {
  const byMachine = [...new Set(r.theorem2.map((t) => t.machine))];
  return {
    data: byMachine.flatMap((m, i) =>
      [...new Set(r.theorem2.filter((t) => t.machine === m).map((t) => t.rs))].map((rs, j) => {
        const pts = r.theorem2.filter((t) => t.machine === m && t.rs === rs).sort((a, b) => a.programBits - b.programBits);
        return {
          type: "scatter",
          mode: "lines+markers",
          name: `${m}, R_s = ${rs}`,
          x: pts.map((t) => t.programBits),
          y: pts.map((t) => t.klBits - pts[0].cT),
          marker: { symbol: ["circle", "square", "diamond"][j % 3], size: 9 - 2 * j },
          line: { dash: ["solid", "dot", "dash"][j % 3], color: MACHINE_COLORS[i % MACHINE_COLORS.length] },
        };
      }),
    ),
    layout: {
      title: { text: "Theorem 2 (B.10): KL − c_T equals |z| for every program and R_s" },
      xaxis: { title: { text: "|z| (program bits)" } },
      yaxis: { title: { text: "KL − c_T (bits)" } },
      width: 800,
      height: 450,
    },
  };
}

export function figures(r: ZmapResults): Record<string, FigureSpec> {
  return { "zmap-weights": weightsFigure(r), "zmap-head-trace": headTraceFigure(r), "theorem2-kl": theorem2Figure(r) };
}
