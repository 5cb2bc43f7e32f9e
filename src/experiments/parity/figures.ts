/** The parity figures: pure functions of the results (no tfjs, no training code). */
import type { FigureSpec } from "../../report/figure";
import { PriorSummary, priorGrid, summaryPdf } from "../../codes/gmm-summary";
import type { ParityResults, SweepPoint } from "./types";

function heatmapPanel(name: string, b: { rows: number; cols: number; values: number[][] }, i: number, n: number, perRow: number) {
  const row = Math.floor(i / perRow);
  const col = i % perRow;
  const rowsN = Math.ceil(n / perRow);
  const w = 1 / perRow;
  const h = 1 / rowsN;
  const ax = i === 0 ? "" : String(i + 1);
  return {
    trace: { type: "heatmap", z: b.values, xaxis: `x${ax}`, yaxis: `y${ax}`, colorscale: "RdBu", zmid: 0, showscale: i === 0, name },
    layout: {
      [`xaxis${ax}`]: { domain: [col * w + 0.03, (col + 1) * w - 0.03], anchor: `y${ax}`, title: { text: name, font: { size: 11 } } },
      [`yaxis${ax}`]: { domain: [1 - (row + 1) * h + 0.06, 1 - row * h - 0.02], anchor: `x${ax}`, autorange: "reversed" },
    },
  };
}

function weightsFigure(r: ParityResults): FigureSpec {
  const entries = Object.entries(r.manual!.weights);
  const panels = entries.map(([name, b], i) => heatmapPanel(name, b, i, entries.length, 3));
  return {
    data: panels.map((p) => p.trace),
    layout: Object.assign(
      {
        title: { text: `Compiled parity weights (used block; rest zero-padded to d=${r.config.model.dModel}, MLP ${r.config.model.dMlp}), s = ${r.config.manual.paramScale}, A = ${r.config.manual.attentionScale}, α = ${r.config.manual.saturation}/s` },
        width: 1100,
        height: 900,
      },
      ...panels.map((p) => p.layout),
    ),
  };
}

function attentionFigure(r: ParityResults): FigureSpec {
  const t = { ...r.manual!.trace, tokens: positionLabels(r) };
  const n = t.input.length;
  const layers = [1, Math.max(1, Math.ceil((n + 1) / 2)), n + 1].filter((l, i, a) => a.indexOf(l) === i && l <= t.attention.length);
  const heads = t.attention[0].length;
  const names = ["parityRight", "doneRight"];
  const panels = layers.flatMap((l) =>
    Array.from({ length: heads }, (_, h) => ({ name: `layer ${l}, head ${h} (${names[h] ?? ""})`, b: { rows: 0, cols: 0, values: t.attention[l - 1][h] } })),
  );
  const built = panels.map((p, i) => heatmapPanel(p.name, p.b, i, panels.length, heads));
  for (const b of built) Object.assign(b.trace, { x: t.tokens, y: t.tokens, colorscale: "Blues", reversescale: true, zmid: undefined, zmin: 0, zmax: 1 });
  return {
    data: built.map((b) => b.trace),
    layout: Object.assign({ title: { text: `Attention (query rows × key columns) on ${t.input.join("")}: each head reads position i + 1` }, width: 1100, height: 350 * layers.length }, ...built.map((b) => b.layout)),
  };
}

/** Unique axis labels of the traced input's positions (plotly merges repeated category names). */
function positionLabels(r: ParityResults): string[] {
  const t = r.manual!.trace;
  return ["START", ...Array.from({ length: r.config.model.promptTokens }, (_, i) => `p${i + 1}`), "SEP", ...t.input.map((b, i) => `x${i + 1}=${b}`), "END"];
}

function walkFigure(r: ParityResults): FigureSpec {
  const t = { ...r.manual!.trace, tokens: positionLabels(r) };
  const n = t.input.length;
  const upto = Math.min(t.done.length, n + 4);
  const mk = (z: number[][], name: string, ax: string, show: boolean) => ({
    type: "heatmap",
    z: z.slice(0, upto),
    x: t.tokens,
    y: Array.from({ length: upto }, (_, l) => l),
    colorscale: "RdBu",
    zmid: 0,
    zmin: -1,
    zmax: 1,
    xaxis: `x${ax}`,
    yaxis: `y${ax}`,
    showscale: show,
    name,
  });
  return {
    data: [mk(t.done, "done", "", true), mk(t.parity, "parity", "2", false)],
    layout: {
      title: { text: `The done front walks right to left, one position per layer (input ${t.input.join("")}); residual (x₁ − x₀)/2s` },
      xaxis: { domain: [0, 0.48], title: { text: "done" } },
      xaxis2: { domain: [0.52, 1], anchor: "y2", title: { text: "parity" } },
      yaxis: { title: { text: "layer" }, autorange: "reversed" },
      yaxis2: { anchor: "x2", autorange: "reversed" },
      width: 1100,
      height: 420,
    },
  };
}

const ROW_COLORS: Record<string, string> = { "random/mle": "#1f77b4", "random/variational": "#d62728", manual: "#2ca02c", "manual/variational": "#9467bd" };

function rowLabel(key: string): string {
  return { "random/mle": "random init, MLE", "random/variational": "random init, variational", manual: "manual (compiled), not trained", "manual/variational": "manual, trained on (variational)" }[key] ?? key;
}

function accuracyFigure(r: ParityResults): FigureSpec {
  const data: Record<string, unknown>[] = [];
  for (const [key, a] of Object.entries(r.accuracyByLength)) {
    const color = ROW_COLORS[key];
    const sampled = a[0]?.sampledAccuracy !== null;
    data.push({
      type: "scatter",
      mode: "lines+markers",
      name: sampled ? `${rowLabel(key)}: posterior samples (ν₀ = ${r.config.posterior.nu})` : `${rowLabel(key)}: point weights`,
      x: a.map((p) => p.length),
      y: a.map((p) => (sampled ? p.sampledAccuracy : p.accuracy)),
      line: { color },
    });
    if (sampled) {
      data.push({ type: "scatter", mode: "lines", name: `${rowLabel(key)}: ${key === "manual" ? "compiled weights" : "posterior means"}`, x: a.map((p) => p.length), y: a.map((p) => p.accuracy), line: { color, dash: "dot" } });
    }
  }
  const T = r.config.data.trainMaxLen;
  return {
    data,
    layout: {
      title: { text: `Parity accuracy by input length (train 1–${T}, OOD ${T + 1}–${2 * T})` },
      xaxis: { title: { text: "input length" } },
      yaxis: { title: { text: "accuracy" }, range: [0, 1.05] },
      shapes: [{ type: "line", x0: T + 0.5, x1: T + 0.5, y0: 0, y1: 1.05, line: { dash: "dash", color: "gray" } }],
      width: 900,
      height: 450,
      legend: { orientation: "h", y: -0.2 },
    },
  };
}

function trainingCurvesFigure(r: ParityResults): FigureSpec {
  const data: Record<string, unknown>[] = [];
  const B = r.config.train.batchSize;
  for (const [key, t] of Object.entries(r.trained)) {
    const color = ROW_COLORS[key];
    const x = t.curve.map((p) => p.step);
    data.push({ type: "scatter", mode: "lines", name: `${rowLabel(key)}: NLL`, x, y: t.curve.map((p) => p.nllBits / B), line: { color, width: 1 }, xaxis: "x", yaxis: "y", legendgroup: key });
    if (t.curve.some((p) => p.klBits !== null)) {
      data.push({ type: "scatter", mode: "lines", name: `${rowLabel(key)}: KL`, x, y: t.curve.map((p) => p.klBits), line: { color }, xaxis: "x2", yaxis: "y2", legendgroup: key, showlegend: false });
    }
    const h = t.history;
    data.push({ type: "scatter", mode: "lines+markers", name: `${rowLabel(key)}: train acc.`, x: h.map((p) => p.step), y: h.map((p) => p.trainAcc), line: { color }, xaxis: "x3", yaxis: "y3", legendgroup: key, showlegend: false });
    data.push({ type: "scatter", mode: "lines+markers", name: `${rowLabel(key)}: OOD acc.`, x: h.map((p) => p.step), y: h.map((p) => p.oodAcc), line: { color, dash: "dot" }, xaxis: "x3", yaxis: "y3", legendgroup: key, showlegend: false });
  }
  return {
    data,
    layout: {
      title: { text: "Training: minibatch NLL per example, KL[β ‖ α], accuracy at the means (solid train, dotted OOD)" },
      xaxis: { domain: [0, 0.29], title: { text: "step" } },
      yaxis: { type: "log", title: { text: "NLL (bits / example)" } },
      xaxis2: { domain: [0.36, 0.64], anchor: "y2", title: { text: "step" } },
      yaxis2: { anchor: "x2", type: "log", title: { text: "KL (bits)" } },
      xaxis3: { domain: [0.71, 1], anchor: "y3", title: { text: "step" } },
      yaxis3: { anchor: "x3", range: [0, 1.05], title: { text: "accuracy" } },
      width: 1200,
      height: 430,
      legend: { orientation: "h", y: -0.25 },
    },
  };
}

/** The learned prior of the random-init variational model beside the manual solution's (optimal, B.9.3), per tensor. */
function learnedPriorFigure(r: ParityResults): FigureSpec | null {
  const learned = r.trained["random/variational"]?.prior;
  if (!learned) return null;
  const manual = r.manual?.priors ?? null;
  const manualTrained = r.trained["manual/variational"]?.prior ?? null;
  const wanted = ["embed/tokens", "embed/prompt", "attn/Wq", "attn/Wk", "attn/Wv", "attn/Wo", "mlp/W1", "mlp/W2", "out/W"];
  const groups = wanted.filter((g) => learned.some((p) => p.group === g)).slice(0, 9);
  const data: Record<string, unknown>[] = [];
  const layout: Record<string, unknown> = {};
  const perRow = 3;
  const rowsN = Math.ceil(groups.length / perRow);
  groups.forEach((name, i) => {
    const ax = i === 0 ? "" : String(i + 1);
    // [legend label, prior, colour, dash, short name for the mode count]
    const series: [string, PriorSummary | undefined, string, string, string][] = [
      ["random init, variational (learned)", learned.find((p) => p.group === name), "#d62728", "solid", "random"],
      ["manual: optimal prior (B.9.3)", manual?.find((p) => p.group === name), "#2ca02c", "dot", "manual"],
      ["manual, trained on (learned)", manualTrained?.find((p) => p.group === name) ?? undefined, "#9467bd", "dash", "trained on"],
    ];
    const present = series.filter((s) => s[1]) as [string, PriorSummary, string, string, string][];
    const spread = Math.max(3, ...present.flatMap(([, g]) => g.mu.map((m, k) => (g.pi[k] > 1e-3 ? Math.abs(m) + 3 * Math.sqrt(g.sigma2[k]) : 0))));
    const xs = priorGrid(present.map((s) => s[1]), -spread, spread);
    for (const [label, g, color, dash] of present) {
      data.push({ type: "scatter", mode: "lines", name: label, x: xs, y: xs.map((x) => Math.max(1e-4, summaryPdf(g, x))), line: { color, dash, width: 1.5 }, xaxis: `x${ax}`, yaxis: `y${ax}`, legendgroup: label, showlegend: i === 0 });
    }
    const c = i % perRow;
    const row = Math.floor(i / perRow);
    const modes = present.map(([, g, , , short]) => `${short} ${g.modes}`).join(", ");
    layout[`xaxis${ax}`] = { domain: [c / perRow + 0.03, (c + 1) / perRow - 0.03], anchor: `y${ax}`, title: { text: `${name} (modes: ${modes})`, font: { size: 11 } } };
    layout[`yaxis${ax}`] = { domain: [1 - (row + 1) / rowsN + 0.08, 1 - row / rowsN - 0.02], anchor: `x${ax}`, type: "log", range: [-4, 3] };
  });
  return {
    data,
    layout: {
      title: { text: "Prior densities per tensor: learned from random init vs the manual solution's (log scale)" },
      width: 1200,
      height: 330 * rowsN + 80,
      legend: { orientation: "h", y: -0.08 },
      ...layout,
    },
  };
}

function sweepFigure(r: ParityResults): FigureSpec {
  const s = r.manual!.sweeps;
  const line = (pts: SweepPoint[], key: "accuracy" | "sampledAccuracy", name: string, ax: string, dash?: string) => ({
    type: "scatter",
    mode: "lines+markers",
    name,
    x: pts.map((p) => p.scale),
    y: pts.map((p) => p[key]),
    xaxis: `x${ax}`,
    yaxis: `y${ax}`,
    line: dash ? { dash } : {},
  });
  return {
    data: [
      line(s.attention, "accuracy", "attention scale A: compiled", ""),
      line(s.attention, "sampledAccuracy", "attention scale A: posterior sample", "", "dot"),
      line(s.param, "accuracy", "parameter scale s: compiled", "2"),
      line(s.param, "sampledAccuracy", "parameter scale s: posterior sample", "2", "dot"),
    ],
    layout: {
      title: { text: `Smallest scales that stay exact (lengths ${r.config.sweep.lengths.join(", ")}): A ≥ ${s.minimalAttentionScale} (posterior sample: ${s.minimalAttentionScaleSampled}), s ≥ ${s.minimalParamScale} (posterior sample: ${s.minimalParamScaleSampled})` },
      xaxis: { domain: [0, 0.46], type: "log", title: { text: `attention scale A (s = ${r.config.manual.paramScale})` } },
      xaxis2: { domain: [0.54, 1], anchor: "y2", type: "log", title: { text: `parameter scale s (A = ${r.config.manual.attentionScale}, α = ${r.config.manual.saturation}/s, m = v = √s)` } },
      yaxis: { title: { text: "accuracy" }, range: [0, 1.05] },
      yaxis2: { anchor: "x2", range: [0, 1.05] },
      width: 1000,
      height: 420,
      legend: { orientation: "h", y: -0.25 },
    },
  };
}

export function figures(r: ParityResults): Record<string, FigureSpec> {
  const out: Record<string, FigureSpec> = { "accuracy-by-length": accuracyFigure(r) };
  if (Object.keys(r.trained).length > 0) out["training-curves"] = trainingCurvesFigure(r);
  const lp = learnedPriorFigure(r);
  if (lp) out["learned-prior"] = lp;
  if (r.manual) {
    out["compiled-weights"] = weightsFigure(r);
    out["attention-per-layer"] = attentionFigure(r);
    out["residual-walk"] = walkFigure(r);
    out["scale-sweeps"] = sweepFigure(r);
  }
  return out;
}
