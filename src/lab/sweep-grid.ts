/**
 * A sweep's grid: `--grid key=v1,v2,…` parsed into `{key: [values]}`, `--seeds`
 * ranges, the grid's points (the product of every key's values, first key slowest)
 * and their folder names, and the sweep's default name.
 *
 * Values are parsed like `--set` values: JSON when they parse (numbers, booleans,
 * null, arrays, objects), else strings. Commas split values at the top level only,
 * so a list value is written in brackets: `--grid 'train.klCoef=[0.1,0.01],1e-3'`
 * has two values, the list [0.1, 0.01] and the number 0.001.
 */
import * as crypto from "node:crypto";
import { UsageError } from "../core/errors";

/** Grid keys (dotted config keys) → the values each takes, in order. */
export type Grid = Record<string, unknown[]>;

/** One grid point: its folder name, the value of each grid key, and the overrides it applies. */
export interface GridPoint {
  name: string;
  values: Record<string, unknown>;
  overrides: Record<string, unknown>;
}

/** JSON with object keys sorted (a stable text for hashing). */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (v && typeof v === "object") return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`).join(",")}}`;
  return JSON.stringify(v);
}

export const shortHash = (v: unknown, n = 8): string => crypto.createHash("sha256").update(stableJson(v)).digest("hex").slice(0, n);

/** Splits at commas outside brackets, braces and double quotes. */
function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quoted) {
      if (ch === "\\") i++;
      else if (ch === '"') quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === "[" || ch === "{") depth++;
    else if (ch === "]" || ch === "}") depth--;
    else if (ch === "," && depth === 0) {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  out.push(s.slice(start));
  return out;
}

/** A value as `--set` parses it: JSON when it parses, else the string itself. */
export function parseValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** Parses `--grid key=v1,v2,…` options (a key given twice is an error). */
export function parseGrid(specs: readonly string[]): Grid {
  const grid: Grid = {};
  for (const spec of specs) {
    const eq = spec.indexOf("=");
    if (eq <= 0) throw new UsageError(`--grid expects key=value1,value2,…, got '${spec}'`);
    const key = spec.slice(0, eq).trim();
    if (key in grid) throw new UsageError(`--grid key '${key}' is given twice; list all its values in one --grid ${key}=v1,v2,…`);
    const values = splitTopLevel(spec.slice(eq + 1)).map((v) => v.trim());
    if (values.some((v) => v === "")) throw new UsageError(`--grid ${key}: empty value in '${spec.slice(eq + 1)}'`);
    grid[key] = values.map(parseValue);
  }
  return grid;
}

/** Parses `--seeds`: `1-5`, `1,3,7`, `1-3,10` (non-negative integers, no repeats). */
export function parseSeeds(spec: string): number[] {
  const seeds: number[] = [];
  for (const part of spec.split(",").map((s) => s.trim())) {
    const m = /^(0|[1-9][0-9]*)(?:-(0|[1-9][0-9]*))?$/.exec(part);
    if (!m) throw new UsageError(`--seeds expects integers and ranges such as 1-5 or 1,3,7, got '${spec}'`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) throw new UsageError(`--seeds: range ${part} is empty (write it low-high)`);
    for (let s = a; s <= b; s++) seeds.push(s);
  }
  checkSeeds(seeds);
  return seeds;
}

export function checkSeeds(seeds: readonly number[]): void {
  if (!seeds.length) throw new UsageError("a sweep needs at least one seed");
  for (const s of seeds) if (!Number.isSafeInteger(s) || s < 0) throw new UsageError(`seeds must be non-negative integers, got ${s}`);
  if (new Set(seeds).size !== seeds.length) throw new UsageError(`seeds must not repeat, got ${seeds.join(",")}`);
}

/** How a value reads in a folder name and a table cell. */
export const valueText = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v));

/**
 * The folder name of a point: `key-value` per grid key joined by `__`, e.g.
 * `train.klCoef-0.1__prior.components-3`. Characters other than letters, digits,
 * `.`, `+`, `-` become `_`; a name changed that way, or longer than 100 characters,
 * gets a hash of the point's values appended, so names stay unique and stable.
 */
export function pointName(values: Record<string, unknown>): string {
  const keys = Object.keys(values);
  if (!keys.length) return "base";
  const raw = keys.map((k) => `${k}-${valueText(values[k])}`).join("__");
  let safe = raw.replace(/[^A-Za-z0-9.+_-]/g, "_");
  if (safe !== raw || safe.length > 100) safe = `${safe.slice(0, 90)}_${shortHash(values, 8)}`;
  return safe;
}

/** Sets a dotted key in a nested object. */
export function setDotted(target: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split(".");
  let node = target;
  for (const k of parts.slice(0, -1)) {
    if (typeof node[k] !== "object" || node[k] === null || Array.isArray(node[k])) node[k] = {};
    node = node[k] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]] = structuredClone(value);
}

/** Every point of the grid (first key slowest); an empty grid has one point, "base". */
export function gridPoints(grid: Grid): GridPoint[] {
  const keys = Object.keys(grid);
  for (const k of keys) if (!Array.isArray(grid[k]) || grid[k].length === 0) throw new UsageError(`grid key '${k}' needs at least one value`);
  let combos: Record<string, unknown>[] = [{}];
  for (const k of keys) combos = combos.flatMap((c) => grid[k].map((v) => ({ ...c, [k]: v })));
  const points = combos.map((values) => {
    const overrides: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(values)) setDotted(overrides, k, v);
    return { name: pointName(values), values, overrides };
  });
  const seen = new Map<string, GridPoint>();
  for (const p of points) {
    const other = seen.get(p.name);
    if (other) throw new UsageError(`grid points ${stableJson(other.values)} and ${stableJson(p.values)} have the same folder name '${p.name}'; a grid value is repeated`);
    seen.set(p.name, p);
  }
  return points;
}

/** The default sweep name: `<experiment>-<preset>-<hash of experiment, preset, grid, seeds and fixed overrides>`. */
export function defaultSweepName(experiment: string, preset: string, grid: Grid, seeds: readonly number[], overrides: object): string {
  return `${experiment}-${preset}-${shortHash({ experiment, preset, grid, seeds, overrides })}`;
}
