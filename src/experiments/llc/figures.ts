/** The figures of `llc` (pure functions of the results): calibration, λ̂ against critical bits and KL with their fits, λ̂ over training, SGLD traces. */
import type { FigureSpec } from "../../report/figure";
import type { CheckpointRecord, Family, FitRecord, LlcResults } from "./types";

const COLORS: Record<string, string> = { "random/mle": "#1f77b4", "random/variational": "#ff7f0e", manual: "#2ca02c", "manual/variational": "#d62728" };
const FAMILIES: Family[] = ["mlp", "parity"];
export const familyName = (f: Family) => (f === "mlp" ? "MLP identity (148 weights)" : "parity Transformer");
export const gridLabel = (p: { nbeta: number; gamma: number; lr: number }) => `nβ ${p.nbeta}, γ ${p.gamma}, ε ${p.lr.toExponential(0)}`;
export const r2Text = (f: FitRecord | undefined) => (f && Number.isFinite(f.fit.r2) ? f.fit.r2.toFixed(3) : "—");

function calibrationFigure(r: LlcResults): FigureSpec {
  const rows = r.calibration.rows;
  const labels = [...new Set(rows.map(gridLabel))];
  const data: Record<string, unknown>[] = [];
  for (const m of r.calibration.models) {
    const rs = rows.filter((x) => x.model === m.name);
    data.push({ type: "scatter", mode: "markers", name: `${m.name}: λ̂ / λ`, x: rs.map(gridLabel), y: rs.map((x) => (Number.isFinite(x.llc) && x.llc > 0 ? x.llc / x.truth : null)), error_y: { type: "data", array: rs.map((x) => x.llcStd / x.truth), visible: true }, legendgroup: m.name });
    if (rs.some((x) => x.exact !== null)) {
      data.push({ type: "scatter", mode: "markers", marker: { symbol: "circle-open", size: 10 }, name: `${m.name}: closed form at (nβ, γ) / λ`, x: rs.map(gridLabel), y: rs.map((x) => (x.exact === null ? null : x.exact / x.truth)), legendgroup: m.name });
    }
  }
  return {
    data,
    layout: {
      title: { text: "Calibration: λ̂ / λ on models of known λ over the (nβ, γ, ε) grid (1 = the truth; log scale: λ̂ ≤ 0 and diverged points not shown)" },
      xaxis: { title: { text: "grid point" }, categoryorder: "array", categoryarray: labels, tickangle: -45 },
      yaxis: { title: { text: "λ̂ / λ" }, type: "log", range: [-2, 2.5] },
      shapes: [{ type: "line", xref: "paper", x0: 0, x1: 1, y0: 1, y1: 1, line: { dash: "dash", color: "#888" } }],
      width: 1100,
      height: 560,
      margin: { b: 170 },
      legend: { orientation: "h", y: -0.55 },
    },
  };
}

/** The layout of a figure with the MLP panel left and the parity panel right. */
function twoPanels(title: string, xTitles: [string, string], yTitle: string, width: number, height: number): Record<string, unknown> {
  return {
    title: { text: title },
    xaxis: { domain: [0, 0.46], title: { text: xTitles[0] } },
    xaxis2: { domain: [0.54, 1], anchor: "y2", title: { text: xTitles[1] } },
    yaxis: { title: { text: yTitle } },
    yaxis2: { anchor: "x2" },
    width,
    height,
    legend: { orientation: "h", y: -0.25 },
  };
}

/** Scatter of λ̂ against `y` per family, with each family's fitted line. */
function versusLlc(r: LlcResults, ys: { key: FitRecord["y"]; name: string; symbol: string }[], title: string, yTitle: string): FigureSpec {
  const data: Record<string, unknown>[] = [];
  FAMILIES.forEach((fam, p) => {
    const axis = p === 0 ? "" : "2";
    const cps = r.checkpoints.filter((c) => c.family === fam && Number.isFinite(c.llc));
    for (const y of ys) {
      for (const run of [...new Set(cps.map((c) => c.run))]) {
        const pts = cps.filter((c) => c.run === run && c[y.key] !== null);
        data.push({
          type: "scatter",
          mode: "markers",
          name: `${run} · ${y.name}`,
          x: pts.map((c) => c.llc),
          y: pts.map((c) => c[y.key]),
          error_x: { type: "data", array: pts.map((c) => c.llcStd), visible: true },
          text: pts.map((c) => `step ${c.step}`),
          marker: { color: COLORS[run], symbol: y.symbol, size: 9 },
          xaxis: `x${axis}`,
          yaxis: `y${axis}`,
          legendgroup: `${run}/${y.key}`,
          showlegend: p === 0 || !r.checkpoints.some((c) => c.family === "mlp" && c.run === run),
        });
      }
      const f = r.fits.find((x) => x.family === fam && x.y === y.key);
      if (f && Number.isFinite(f.fit.slope) && cps.length) {
        const xs = cps.map((c) => c.llc);
        const lo = Math.min(...xs);
        const hi = Math.max(...xs);
        data.push({ type: "scatter", mode: "lines", name: `${familyName(fam)} · ${y.name} fit, R² ${r2Text(f)}`, x: [lo, hi], y: [f.fit.intercept + f.fit.slope * lo, f.fit.intercept + f.fit.slope * hi], line: { dash: "dot", color: "#444" }, xaxis: `x${axis}`, yaxis: `y${axis}` });
      }
    }
  });
  return { data, layout: twoPanels(title, [`λ̂ — ${familyName("mlp")}`, `λ̂ — ${familyName("parity")}`], yTitle, 1150, 560) };
}

function overTraining(r: LlcResults): FigureSpec {
  const data: Record<string, unknown>[] = [];
  FAMILIES.forEach((fam, p) => {
    const axis = p === 0 ? "" : "2";
    const cps = r.checkpoints.filter((c) => c.family === fam);
    for (const run of [...new Set(cps.map((c) => c.run))]) {
      const pts = cps.filter((c) => c.run === run);
      data.push({ type: "scatter", mode: "lines+markers", name: `${familyName(fam)} · ${run}`, x: pts.map((c) => c.step), y: pts.map((c) => (Number.isFinite(c.llc) ? c.llc : null)), error_y: { type: "data", array: pts.map((c) => c.llcStd), visible: true }, marker: { color: COLORS[run] }, line: { color: COLORS[run] }, xaxis: `x${axis}`, yaxis: `y${axis}` });
    }
  });
  return { data, layout: twoPanels("λ̂ over training (mean ± standard deviation over chains)", ["training step — MLP", "training step — parity"], "λ̂", 1100, 480) };
}

/** The last checkpoint of each run: the loss of every chain over its SGLD steps. */
function traces(r: LlcResults): FigureSpec {
  const data: Record<string, unknown>[] = [];
  FAMILIES.forEach((fam, p) => {
    const axis = p === 0 ? "" : "2";
    const cps = r.checkpoints.filter((c) => c.family === fam);
    const last = [...new Set(cps.map((c) => c.run))].map((run) => cps.filter((c) => c.run === run).at(-1)!) as CheckpointRecord[];
    for (const c of last) {
      c.traces.forEach((t, i) =>
        data.push({ type: "scatter", mode: "lines", name: `${familyName(fam)} · ${c.run} step ${c.step}`, x: t.map((q) => q.step), y: t.map((q) => q.loss - c.loss), line: { color: COLORS[c.run], width: 1 }, legendgroup: `${fam}/${c.run}`, showlegend: i === 0, xaxis: `x${axis}`, yaxis: `y${axis}` }),
      );
    }
  });
  return {
    data,
    layout: twoPanels("SGLD diagnostics: L_m(w_t) − L_n(w*) per chain (last checkpoint of each run; burn-in included)", ["SGLD step — MLP", "SGLD step — parity"], "loss above L_n(w*) (nats per example)", 1100, 480),
  };
}

export function figures(r: LlcResults): Record<string, FigureSpec> {
  return {
    "calibration-grid": calibrationFigure(r),
    "llc-vs-bits": versusLlc(
      r,
      [
        { key: "uniformBits", name: "uniform", symbol: "circle" },
        { key: "codebookBits", name: "codebook log₂ K", symbol: "square" },
      ],
      `Critical quantisation bits per weight (loss within ε = ${r.config.quant.tolerance} nats) against λ̂, with least-squares lines`,
      "critical bits per weight",
    ),
    "llc-vs-kl": versusLlc(r, [{ key: "klBits", name: "KL", symbol: "diamond" }], "Variational KL[β ‖ α] (bits) against λ̂, variational and compiled checkpoints", "KL (bits)"),
    "llc-over-training": overTraining(r),
    "sgld-traces": traces(r),
  };
}
