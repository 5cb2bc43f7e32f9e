/** `codes`' figures: pure functions of the results (no tfjs). */
import type { FigureSpec } from "../../report/figure";
import type { CodeRow, CodesResults } from "./types";

const COLORS = ["#7f7f7f", "#2ca02c", "#98df8a", "#1f77b4", "#d62728", "#ff9896", "#9467bd"];
const TASK_COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b"];

/** A row's label: its code and where its model comes from. */
export function rowLabel(r: Pick<CodeRow, "code" | "init">): string {
  return r.init === null ? r.code : `${r.code}, ${r.init}`;
}

function byTask(r: CodesResults): FigureSpec {
  const tasks = [...new Set(r.rows.map((x) => x.task))];
  const labels = [...new Set(r.rows.map(rowLabel))];
  return {
    data: labels.map((label, i) => ({
      type: "bar",
      name: label,
      x: tasks,
      y: tasks.map((t) => r.rows.find((x) => x.task === t && rowLabel(x) === label)?.totalBits ?? null),
      marker: { color: COLORS[i % COLORS.length] },
    })),
    layout: {
      title: { text: "Every code on the same data (bits, log scale; a missing bar: the code does not apply)" },
      barmode: "group",
      yaxis: { title: { text: "codelength (bits)" }, type: "log" },
      legend: { orientation: "h", x: 0, xanchor: "left", y: -0.15, yanchor: "top" },
      margin: { b: 150 },
      width: 1000,
      height: 560,
    },
  };
}

function prequentialFigure(r: CodesResults): FigureSpec {
  return {
    data: r.tasks.map((t, i) => ({
      type: "scatter",
      mode: "lines+markers",
      name: t.task,
      x: t.prequential.blocks.map((b) => b.end),
      y: t.prequential.blocks.map((b) => b.bits / (b.end - b.start)),
      line: { color: TASK_COLORS[i % TASK_COLORS.length] },
    })),
    layout: {
      title: { text: "Prequential code: bits per example of each block (the first block: the uniform code)" },
      xaxis: { title: { text: "block end t_{k+1} (examples)" }, type: "log" },
      yaxis: { title: { text: "bits per example" } },
      width: 900,
      height: 480,
    },
  };
}

function bitsVsOod(r: CodesResults): FigureSpec {
  const tasks = [...new Set(r.rows.map((x) => x.task))];
  return {
    data: tasks.map((t, i) => {
      const rows = r.rows.filter((x) => x.task === t && x.oodAcc !== null);
      return { type: "scatter", mode: "markers+text", name: t, x: rows.map((x) => x.totalBits), y: rows.map((x) => x.oodAcc), text: rows.map(rowLabel), textposition: "top center", marker: { size: 10, color: TASK_COLORS[i % TASK_COLORS.length] } };
    }),
    layout: {
      title: { text: "Codelength vs OOD accuracy of the model each code encodes (tasks with an OOD split)" },
      xaxis: { title: { text: "codelength (bits, log scale)" }, type: "log" },
      yaxis: { title: { text: "OOD accuracy" }, range: [0, 1.08] },
      width: 1000,
      height: 560,
    },
  };
}

export function figures(r: CodesResults): Record<string, FigureSpec> {
  return { "codes-by-task": byTask(r), "prequential-blocks": prequentialFigure(r), "bits-vs-ood": bitsVsOod(r) };
}
