/**
 * A sweep's aggregation: each run's metrics (the experiment's `sweepMetrics`, plus
 * every finite number at the result paths asked for), then one row per grid point
 * with the mean, the standard deviation and the 95 % interval's half-width over its
 * seeds (sweep-stats.ts), and figures: each metric against each grid key that takes
 * more than one value, one line per combination of the other keys' values, error
 * bars the 95 % interval, a menu to pick the metric. Pure: no tfjs, no training.
 */
import type { AnyExperiment } from "./experiment";
import type { FigureSpec } from "../report/figure";
import type { Table } from "../report/table";
import { Grid, GridPoint, valueText } from "./sweep-grid";
import { summarize } from "./sweep-stats";

/** One finished run of a sweep. */
export interface SweepRun {
  point: GridPoint;
  seed: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  results: any;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Every finite number under `value`, named by its dotted path below `at`. */
export function numbersAt(value: unknown, at: string, out: Record<string, number> = {}): Record<string, number> {
  if (typeof value === "number") {
    if (Number.isFinite(value)) out[at] = value;
  } else if (Array.isArray(value)) value.forEach((v, i) => numbersAt(v, `${at}.${i}`, out));
  else if (isPlainObject(value)) for (const [k, v] of Object.entries(value)) numbersAt(v, `${at}.${k}`, out);
  return out;
}

/** The value at a dotted path (array indices as numbers), or undefined. */
function pathValue(o: unknown, key: string): unknown {
  return key.split(".").reduce<unknown>((node, k) => (Array.isArray(node) ? node[Number(k)] : isPlainObject(node) ? node[k] : undefined), o);
}

/** A run's metrics: `exp.sweepMetrics(results)` (when declared) and the finite numbers at `paths`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function runMetrics(exp: AnyExperiment, results: any, paths: readonly string[] = []): Record<string, number> {
  const out: Record<string, number> = {};
  if (exp.sweepMetrics) for (const [k, v] of Object.entries(exp.sweepMetrics(results))) if (typeof v === "number" && Number.isFinite(v)) out[k] = v;
  for (const p of paths) numbersAt(pathValue(results, p), p, out);
  return out;
}

export interface Aggregate {
  /** One row per grid point: grid values, runs, then `<metric> mean`, `<metric> sd`, `<metric> ci95` per metric. */
  table: Table;
  /** One row per run: grid values, seed, each metric. */
  runs: Table;
  figures: Record<string, FigureSpec>;
  metrics: string[];
  /** Why nothing but counts was aggregated (no metrics), or undefined. */
  note?: string;
}

const cell = (v: unknown): string | number | null => (typeof v === "number" ? v : v === null || v === undefined ? null : valueText(v));

/** Aggregates `runs` (every point's finished seeds) into the sweep's tables and figures. */
export function aggregateSweep(exp: AnyExperiment, grid: Grid, points: readonly GridPoint[], runs: readonly SweepRun[], paths: readonly string[] = [], title = `${exp.name} sweep`): Aggregate {
  const keys = Object.keys(grid);
  const perRun = runs.map((r) => ({ ...r, metrics: runMetrics(exp, r.results, paths) }));
  const metrics: string[] = [];
  for (const r of perRun) for (const m of Object.keys(r.metrics)) if (!metrics.includes(m)) metrics.push(m);
  const note = metrics.length
    ? undefined
    : `${exp.name} declares no sweepMetrics${paths.length ? ` and the result paths ${paths.join(", ")} hold no finite numbers` : " and no result paths were given (--metric PATH)"}: only the number of runs per point is aggregated`;
  const byPoint = points.map((p) => {
    const own = perRun.filter((r) => r.point.name === p.name);
    return { point: p, runs: own, stats: Object.fromEntries(metrics.map((m) => [m, summarize(own.map((r) => r.metrics[m]).filter((x) => x !== undefined))])) };
  });
  const table: Table = {
    title: `${title}: mean, sd and 95 % t interval (± half-width) over seeds${note ? ` — ${note}` : ""}`,
    columns: ["point", ...keys, "runs", ...metrics.flatMap((m) => [`${m} mean`, `${m} sd`, `${m} ci95`])],
    rows: byPoint.map(({ point, runs: own, stats }) => [
      point.name,
      ...keys.map((k) => cell(point.values[k])),
      own.length,
      ...metrics.flatMap((m) => [stats[m].mean, stats[m].sd, stats[m].ci95]),
    ]),
  };
  const runsTable: Table = {
    title: `${title}: every run`,
    columns: ["point", ...keys, "seed", ...metrics],
    rows: perRun.map((r) => [r.point.name, ...keys.map((k) => cell(r.point.values[k])), r.seed, ...metrics.map((m) => r.metrics[m] ?? null)]),
  };
  const figures: Record<string, FigureSpec> = {};
  if (metrics.length) {
    for (const key of keys.filter((k) => grid[k].length > 1)) {
      figures[`sweep-${key.replace(/[^A-Za-z0-9._-]/g, "_")}`] = metricFigure(title, key, keys, grid, byPoint, metrics);
    }
  }
  return { table, runs: runsTable, figures, metrics, note };
}

type PointStats = { point: GridPoint; stats: Record<string, ReturnType<typeof summarize>> };

/** Metric vs grid key `key`: one line per combination of the other keys, error bars the 95 % interval, a menu over metrics. */
function metricFigure(title: string, key: string, keys: string[], grid: Grid, byPoint: PointStats[], metrics: string[]): FigureSpec {
  const others = keys.filter((k) => k !== key);
  const xs = grid[key];
  const numeric = xs.every((x) => typeof x === "number");
  const logX = numeric && xs.every((x) => (x as number) > 0) && Math.max(...(xs as number[])) / Math.min(...(xs as number[])) >= 100;
  const groups = new Map<string, PointStats[]>();
  for (const p of byPoint) {
    const label = others.map((k) => `${k}=${valueText(p.point.values[k])}`).join(", ") || key;
    groups.set(label, [...(groups.get(label) ?? []), p]);
  }
  const data: Record<string, unknown>[] = [];
  metrics.forEach((m, i) => {
    for (const [label, ps] of groups) {
      const ordered = xs.map((x) => ps.find((p) => valueText(p.point.values[key]) === valueText(x)));
      data.push({
        type: "scatter",
        mode: "lines+markers",
        name: label,
        visible: i === 0,
        x: xs.map((x) => (numeric ? x : valueText(x))),
        y: ordered.map((p) => p?.stats[m].mean ?? null),
        error_y: { type: "data", array: ordered.map((p) => p?.stats[m].ci95 ?? 0), visible: true },
      });
    }
  });
  const perMetric = groups.size;
  const visible = (i: number) => data.map((_, j) => Math.floor(j / perMetric) === i);
  return {
    data,
    layout: {
      title: { text: `${title}: ${metrics[0]} vs ${key} (mean ± 95 % interval over seeds)` },
      xaxis: { title: { text: key }, type: logX ? "log" : numeric ? "linear" : "category" },
      yaxis: { title: { text: metrics[0] } },
      showlegend: true,
      updatemenus: [
        {
          type: "dropdown",
          x: 0,
          xanchor: "left",
          y: 1.15,
          yanchor: "top",
          buttons: metrics.map((m, i) => ({
            label: m,
            method: "update",
            args: [{ visible: visible(i) }, { "yaxis.title.text": m, "title.text": `${title}: ${m} vs ${key} (mean ± 95 % interval over seeds)` }],
          })),
        },
      ],
    },
  };
}
