/** `bit-encoding`'s figures: pure functions of the results (no tfjs, no training code). */
import type { FrontierPoint } from "../../codes/bit-code";
import type { FigureSpec } from "../../report/figure";
import type { BitResults, Figure7Panel, OptimizedPoint } from "./types";

type Trace = Record<string, unknown>;

/** The three curves of one Fig. 7 panel (legend shown once, from the first panel). */
function figure7Curves(panel: Figure7Panel, axis: string, showlegend: boolean): Trace[] {
  const curve = (name: string, y: number[], color: string, dash?: string): Trace => ({
    type: "scatter",
    mode: "lines",
    name,
    x: panel.x,
    y,
    xaxis: `x${axis}`,
    yaxis: `y${axis}`,
    line: { color, dash },
    legendgroup: name,
    showlegend,
  });
  return [curve("prior α(w)", panel.prior, "#444", "dot"), curve("posterior β, b = 1", panel.b1, "#1f77b4"), curve("posterior β, b = 0", panel.b0, "#ff7f0e")];
}

function figure7(r: BitResults): FigureSpec {
  const p = r.figure7.pCorrect;
  const names = ["Unimodal prior N(0, 1)", `Multimodal prior ½N(±${r.config.multimodal.mean}, ${r.multimodal.componentVariance})`];
  const panels = r.figure7.panels;
  return {
    data: panels.flatMap((panel, i) => figure7Curves(panel, i === 0 ? "" : "2", i === 0)),
    layout: {
      title: { text: `Fig. 7 — minimum-KL posteriors for sending a bit at P(correct) = ${p}` },
      xaxis: { domain: [0, 0.47], title: { text: "w" } },
      xaxis2: { domain: [0.53, 1], title: { text: "w" }, anchor: "y2" },
      yaxis: { title: { text: "density" } },
      yaxis2: { anchor: "x2", type: "log", dtick: 1, title: { text: "density (log)" }, range: [-3, 2] },
      annotations: panels.map((pa, i) => ({
        text: `${names[i]}<br>KL = ${pa.point.klBits.toFixed(3)} bits`,
        x: i === 0 ? 0.235 : 0.765,
        y: 1.02,
        yanchor: "bottom",
        xref: "paper",
        yref: "paper",
        showarrow: false,
      })),
      width: 1000,
      height: 460,
      margin: { t: 110 },
      legend: { orientation: "h", y: -0.2 },
    },
  };
}

/** −log₁₀(1 − p): the number of nines. */
export const nines = (p: number) => -Math.log10(1 - p);

type XOf = (p: number) => number;

const frontierLine = (name: string, f: FrontierPoint[], color: string, axis: string, x: XOf, show: boolean): Trace => ({
  type: "scatter",
  mode: "lines",
  name,
  x: f.map((q) => x(q.pCorrect)),
  y: f.map((q) => q.klBits),
  line: { color },
  xaxis: `x${axis}`,
  yaxis: `y${axis}`,
  legendgroup: name,
  showlegend: show,
});

const optimizedDots = (name: string, o: OptimizedPoint[], color: string, axis: string, x: XOf, show: boolean): Trace => ({
  type: "scatter",
  mode: "markers",
  name,
  x: o.map((q) => x(q.pCorrect)),
  y: o.map((q) => q.klBits),
  error_y: { type: "data", array: o.map((q) => 2 * q.klBitsStdErr), visible: true },
  marker: { color, symbol: "x", size: 9 },
  xaxis: `x${axis}`,
  yaxis: `y${axis}`,
  legendgroup: name,
  showlegend: show,
});

function figure8(r: BitResults): FigureSpec {
  const panels: [string, XOf, boolean][] = [
    ["", (p) => p, true],
    ["2", nines, false],
  ];
  const data = panels.flatMap(([axis, x, show]) => [
    frontierLine("unimodal prior: frontier (closed form)", r.unimodal.frontier, "#1f77b4", axis, x, show),
    frontierLine(`multimodal prior (σ̂² = ${r.multimodal.componentVariance}): frontier`, r.multimodal.frontier, "#d62728", axis, x, show),
    optimizedDots("unimodal: gradient descent, MC KL (±2 s.e.)", r.unimodal.optimized, "#1f77b4", axis, x, show),
    optimizedDots("multimodal: gradient descent, MC KL (±2 s.e.)", r.multimodal.optimized, "#d62728", axis, x, show),
  ]);
  return {
    data,
    layout: {
      title: { text: "Fig. 8 — KL (bits) needed for P(sign(w) = b) ≥ p" },
      xaxis: { domain: [0, 0.47], title: { text: "P(correct decoding)" } },
      xaxis2: { domain: [0.53, 1], anchor: "y2", title: { text: "−log₁₀(1 − P(correct))  (number of nines)" } },
      yaxis: { title: { text: "KL[β ‖ α] (bits)" }, rangemode: "tozero" },
      yaxis2: { anchor: "x2", rangemode: "tozero" },
      width: 1000,
      height: 440,
      legend: { orientation: "h", y: -0.25 },
    },
  };
}

function varianceFigure(r: BitResults): FigureSpec {
  const n = r.varianceSweep.length;
  return {
    data: r.varianceSweep.map((s, i) => ({
      type: "scatter",
      mode: "lines",
      name: `σ̂² = ${s.componentVariance}`,
      x: s.frontier.map((q) => nines(q.pCorrect)),
      y: s.frontier.map((q) => q.klBits),
      line: { color: `hsl(${Math.round((240 * i) / Math.max(1, n - 1))}, 70%, 45%)` },
    })),
    layout: {
      title: { text: "Multimodal prior: cost of a reliable bit against the prior's component variance σ̂²" },
      xaxis: { title: { text: "−log₁₀(1 − P(correct))" } },
      yaxis: { title: { text: "KL (bits)" }, rangemode: "tozero" },
      width: 800,
      height: 440,
    },
  };
}

export function figures(r: BitResults): Record<string, FigureSpec> {
  return { "fig7-posteriors": figure7(r), "fig8-frontier": figure8(r), "multimodal-variance": varianceFigure(r) };
}
