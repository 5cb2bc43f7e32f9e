/** The figures of `prior-collapse` (pure functions of the results): codelength per remedy, the prior's modes over training, the learned priors, parity. */
import type { FigureSpec } from "../../report/figure";
import type { PriorCollapseResults } from "./types";

const FAMILY_COLORS: Record<string, string> = {
  baseline: "#444444",
  optimiser: "#1f77b4",
  "prior init": "#2ca02c",
  "hyper-prior": "#d62728",
  schedule: "#9467bd",
  "posterior init": "#ff7f0e",
};

/** Every seed's codelength per remedy (ranked), the mean ± 95 % interval, the manual solution and its +nearManual band. */
function codelengthFigure(r: PriorCollapseResults): FigureSpec {
  const order = r.ranking;
  const byName = new Map(r.summaries.map((s) => [s.remedy, s]));
  const m = r.manual.paperBits.mean!;
  const limit = (1 + r.config.nearManual) * m;
  const data: Record<string, unknown>[] = [];
  for (const family of Object.keys(FAMILY_COLORS)) {
    const names = order.filter((n) => byName.get(n)!.family === family);
    if (!names.length) continue;
    const runs = r.runs.filter((x) => names.includes(x.remedy));
    data.push({ type: "scatter", mode: "markers", name: `${family}: each seed`, x: runs.map((x) => x.remedy), y: runs.map((x) => x.paperBits), marker: { color: FAMILY_COLORS[family], size: 6, opacity: 0.5 }, legendgroup: family });
    data.push({
      type: "scatter",
      mode: "markers",
      name: `${family}: mean ± 95 %`,
      x: names,
      y: names.map((n) => byName.get(n)!.paperBits.mean),
      error_y: { type: "data", array: names.map((n) => byName.get(n)!.paperBits.ci95 ?? 0), visible: true },
      marker: { color: FAMILY_COLORS[family], size: 11, symbol: "diamond" },
      legendgroup: family,
      showlegend: false,
    });
  }
  const line = (y: number, name: string, dash: string) => ({ type: "scatter", mode: "lines", name, x: [order[0], order[order.length - 1]], y: [y, y], line: { color: "#000", dash, width: 1 } });
  data.push(line(m, `manual solution (mean over seeds): ${m.toFixed(1)} bits`, "solid"), line(limit, `manual + ${Math.round(100 * r.config.nearManual)} %`, "dot"));
  return {
    data,
    layout: {
      title: { text: `Codelength (KL + NLL, bits) of MLP identity from random init, per remedy (klCoef ${r.config.klCoef}; ${r.config.seeds} seeds; ranked by mean)` },
      xaxis: { type: "category", categoryorder: "array", categoryarray: order, tickangle: -35 },
      yaxis: { type: "log", title: { text: "codelength, bits (log)" } },
      width: 1100,
      height: 560,
      margin: { b: 150 },
      legend: { orientation: "h", y: -0.38 },
    },
  };
}

/** Mean number of modes of the learned prior over training, per remedy (rows) and evaluation step (columns). */
function modesFigure(r: PriorCollapseResults): FigureSpec {
  const order = r.ranking;
  const z = order.map((n) => {
    const runs = r.runs.filter((x) => x.remedy === n);
    return r.steps.map((_, i) => runs.reduce((a, x) => a + x.modes[i], 0) / runs.length);
  });
  return {
    data: [{ type: "heatmap", x: r.steps, y: order, z, colorscale: "Viridis", zmin: 1, zmax: Math.max(2, ...z.flat()), colorbar: { title: { text: "modes" } } }],
    layout: {
      title: { text: "Modes of the learned prior density during training (mean over seeds; 1 = collapsed to one mode)" },
      xaxis: { title: { text: "step" } },
      yaxis: { type: "category", autorange: "reversed" },
      width: 1100,
      height: Math.max(420, 160 + 26 * order.length),
      margin: { l: 170 },
    },
  };
}

/** The learned prior's component means (marker area ∝ mixing weight) of every run, per remedy. */
function priorsFigure(r: PriorCollapseResults): FigureSpec {
  const order = r.ranking;
  const xs: number[] = [];
  const ys: string[] = [];
  const sizes: number[] = [];
  const text: string[] = [];
  for (const x of r.runs) {
    x.prior.mu.forEach((mu, k) => {
      xs.push(mu);
      ys.push(x.remedy);
      sizes.push(4 + 26 * Math.sqrt(x.prior.pi[k]));
      text.push(`seed ${x.seed}: μ ${mu.toFixed(2)}, σ² ${x.prior.sigma2[k].toExponential(1)}, π ${x.prior.pi[k].toFixed(2)}`);
    });
  }
  return {
    data: [{ type: "scatter", mode: "markers", x: xs, y: ys, text, hoverinfo: "text", marker: { size: sizes, color: "rgba(31,119,180,0.35)", line: { color: "#1f77b4", width: 1 } }, name: "prior components" }],
    layout: {
      title: { text: "Learned prior components at the end of training: mean μ_k (area ∝ π_k), every seed" },
      xaxis: { title: { text: "component mean μ_k" }, zeroline: true },
      yaxis: { type: "category", categoryorder: "array", categoryarray: [...order].reverse() },
      width: 1100,
      height: Math.max(420, 160 + 26 * order.length),
      margin: { l: 170 },
      showlegend: false,
    },
  };
}

/** Parity: codelength and OOD accuracy of the remedies' random-init variational rows beside Table 1's rows. */
function parityFigure(r: PriorCollapseResults): FigureSpec | null {
  const p = r.parity;
  if (!p) return null;
  const label = (x: (typeof p.rows)[number]) => (x.source === "table1" ? `Table 1: ${x.key}` : `${x.source} (seed ${x.seed})`);
  const rows = p.rows.filter((x) => x.paperBits !== null || x.source === "table1");
  return {
    data: [
      { type: "bar", name: "codelength KL + NLL (bits)", x: rows.map(label), y: rows.map((x) => x.paperBits), xaxis: "x", yaxis: "y", marker: { color: "#1f77b4" } },
      { type: "bar", name: "OOD accuracy", x: rows.map(label), y: rows.map((x) => x.oodAcc), xaxis: "x2", yaxis: "y2", marker: { color: "#2ca02c" } },
    ],
    layout: {
      title: { text: `Parity (${r.preset} preset): the best MLP remedies' random-init variational rows beside Table 1` },
      grid: { rows: 1, columns: 2, pattern: "independent" },
      yaxis: { type: "log", title: { text: "bits (log)" } },
      yaxis2: { range: [0, 1], title: { text: "OOD accuracy" } },
      width: 1100,
      height: 520,
      margin: { b: 150 },
      legend: { orientation: "h", y: -0.45 },
    },
  };
}

export function figures(r: PriorCollapseResults): Record<string, FigureSpec> {
  const out: Record<string, FigureSpec> = { "codelength-by-remedy": codelengthFigure(r), "modes-over-training": modesFigure(r), "learned-priors": priorsFigure(r) };
  const p = parityFigure(r);
  if (p) out["parity-remedies"] = p;
  return out;
}
