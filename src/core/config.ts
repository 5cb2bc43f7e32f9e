/**
 * Config plumbing shared by the CLI and notebooks: `DeepPartial` (a preset or an
 * override), and `parseSettings` for `--set key.path=value`. Checking a config
 * against its schema is lab/schema.ts's job.
 */
import { UsageError } from "./errors";

/** A recursive partial of a config object (arrays are replaced whole). */
export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Parses command-line settings `key.path=value` into a partial override. Values
 * are JSON when they parse as JSON (numbers, booleans, arrays, null), else strings:
 * `klCoef=1e-4`, `prior.components=5`, `targets=[0.9,0.99]`.
 */
export function parseSettings(settings: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of settings) {
    const eq = s.indexOf("=");
    if (eq <= 0) throw new UsageError(`--set expects key=value, got '${s}'`);
    const keys = s.slice(0, eq).trim().split(".");
    const raw = s.slice(eq + 1).trim();
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      value = raw;
    }
    let node = out;
    keys.slice(0, -1).forEach((k) => {
      if (!isPlainObject(node[k])) node[k] = {};
      node = node[k] as Record<string, unknown>;
    });
    node[keys[keys.length - 1]] = value;
  }
  return out;
}
