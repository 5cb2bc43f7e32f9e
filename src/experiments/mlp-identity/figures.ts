/** The figures of `mlp-identity` (pure functions of the results): Fig. 9, the prior during training, the training curves. */
import type { FigureSpec } from "../../report/figure";
import type { MlpResults, PriorTrace } from "./types";

export const fmtCoef = (k: number | null) => (k === null ? "–" : k.toExponential(0).replace("e-", "e−"));

function fig9(r: MlpResults): FigureSpec {
  const panels = [
    { name: `Manual (λ = ${r.config.manual.lambda}), trained at klCoef ${fmtCoef(r.config.manual.klCoef)}`, c: r.fig9.manual, axis: "" },
    { name: `Learned from random init, klCoef ${fmtCoef(r.fig9.learned.klCoef)}`, c: r.fig9.learned, axis: "2" },
  ];
  const data: Record<string, unknown>[] = [];
  panels.forEach(({ c, axis }, i) => {
    const floor = (ys: number[]) => ys.map((y) => Math.max(y, 1e-4));
    data.push({ type: "scatter", mode: "lines", name: "prior α(w)", x: c.x, y: floor(c.prior), xaxis: `x${axis}`, yaxis: `y${axis}`, line: { color: "#d62728" }, legendgroup: "prior", showlegend: i === 0 });
    data.push({
      type: "scatter",
      mode: "lines",
      name: "aggregated posterior (1/N) Σ β_i(w)",
      x: c.x,
      y: floor(c.aggregatedPosterior),
      xaxis: `x${axis}`,
      yaxis: `y${axis}`,
      line: { color: "#1f77b4", dash: "dot" },
      legendgroup: "post",
      showlegend: i === 0,
    });
  });
  return {
    data,
    layout: {
      title: { text: "Fig. 9 — manual vs learned prior and aggregated posterior (MLP, identity task)" },
      xaxis: { domain: [0, 0.47], title: { text: "w" } },
      xaxis2: { domain: [0.53, 1], anchor: "y2", title: { text: "w" } },
      yaxis: { type: "log", dtick: 1, range: [-4, 3], title: { text: "density (log)" } },
      yaxis2: { anchor: "x2", type: "log", dtick: 1, range: [-4, 3] },
      annotations: panels.map((p, i) => ({ text: p.name, x: i === 0 ? 0.235 : 0.765, y: 1.02, yanchor: "bottom", xref: "paper", yref: "paper", showarrow: false })),
      width: 1100,
      height: 460,
      margin: { t: 100 },
      legend: { orientation: "h", y: -0.2 },
    },
  };
}

/**
 * The random-init run whose prior loses the most modes between its peak and the end of
 * training (ties: the smallest coefficient) — where components visibly merge; the Fig. 9
 * run when none does.
 */
export function collapseRun(traces: Record<string, PriorTrace[]>, fallback: string): string {
  let best = fallback;
  let drop = 0;
  for (const [k, t] of Object.entries(traces)) {
    if (!k.startsWith("random/")) continue;
    const d = Math.max(...t.map((p) => p.modes)) - t[t.length - 1].modes;
    if (d > drop || (d === drop && d > 0 && Number(k.split("/")[1]) < Number(best.split("/")[1]))) [best, drop] = [k, d];
  }
  return best;
}

function collapseFigure(r: MlpResults): FigureSpec {
  const key = collapseRun(r.priorTraces, `random/${r.fig9.learned.klCoef}`);
  const tr = r.priorTraces[key];
  const coef = Number(key.split("/")[1]);
  const K = tr[0].mu.length;
  const colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2"];
  const data: Record<string, unknown>[] = [];
  for (let k = 0; k < K; k++) {
    const color = colors[k % colors.length];
    const common = { type: "scatter", mode: "lines", legendgroup: `c${k}`, line: { color } };
    data.push({ ...common, name: `component ${k + 1}`, x: tr.map((t) => t.step), y: tr.map((t) => t.mu[k]), xaxis: "x", yaxis: "y" });
    data.push({ ...common, name: `π${k + 1}`, showlegend: false, x: tr.map((t) => t.step), y: tr.map((t) => t.pi[k]), xaxis: "x2", yaxis: "y2" });
    data.push({ ...common, name: `σ²${k + 1}`, showlegend: false, x: tr.map((t) => t.step), y: tr.map((t) => t.sigma2[k]), xaxis: "x3", yaxis: "y3" });
  }
  const keys = Object.keys(r.priorTraces);
  keys.forEach((k, i) => {
    const t = r.priorTraces[k];
    data.push({
      type: "scatter",
      mode: "lines",
      name: `modes: ${k.replace("/", " ")}`,
      x: t.map((p) => p.step),
      y: t.map((p) => p.modes),
      xaxis: "x4",
      yaxis: "y4",
      line: { color: `hsl(${Math.round((300 * i) / Math.max(1, keys.length - 1))}, 65%, 45%)`, shape: "hv" },
    });
  });
  return {
    data,
    layout: {
      title: { text: `The learned prior during training (random init, klCoef ${fmtCoef(coef)}): component means, weights, variances; modes of every run` },
      grid: { rows: 2, columns: 2, pattern: "independent" },
      xaxis: { title: { text: "step" } },
      yaxis: { title: { text: "component mean μ_k" } },
      xaxis2: { title: { text: "step" } },
      yaxis2: { title: { text: "mixing weight π_k" }, range: [0, 1] },
      xaxis3: { title: { text: "step" } },
      yaxis3: { title: { text: "component variance σ_k²" }, type: "log", dtick: 1 },
      xaxis4: { title: { text: "step" } },
      yaxis4: { title: { text: "modes of the prior density (all runs)" }, dtick: 1, rangemode: "tozero" },
      width: 1100,
      height: 760,
      legend: { orientation: "h", y: -0.12 },
    },
  };
}

function curvesFigure(r: MlpResults): FigureSpec {
  const keys = Object.keys(r.curves);
  return {
    data: keys.flatMap((k, i) => {
      const c = r.curves[k];
      const color = `hsl(${Math.round((300 * i) / Math.max(1, keys.length - 1))}, 65%, 45%)`;
      return [
        { type: "scatter", mode: "lines", name: `${k} NLL/batch`, x: c.map((p) => p.step), y: c.map((p) => p.nllBits), line: { color }, legendgroup: k },
        ...(c[0].klBits === null
          ? []
          : [{ type: "scatter", mode: "lines", name: `${k} KL`, x: c.map((p) => p.step), y: c.map((p) => p.klBits), line: { color, dash: "dot" }, legendgroup: k, showlegend: false }]),
      ];
    }),
    layout: {
      title: { text: "Training curves: minibatch NLL (solid) and KL (dotted), bits" },
      xaxis: { title: { text: "step" } },
      yaxis: { type: "log", title: { text: "bits" } },
      width: 1000,
      height: 480,
    },
  };
}

export function figures(r: MlpResults): Record<string, FigureSpec> {
  return { "fig9-distributions": fig9(r), "prior-collapse": collapseFigure(r), "training-curves": curvesFigure(r) };
}

