/**
 * Typed configuration with presets and overrides. An experiment declares a
 * `defaults` object (one comment per field) and presets that hold only their
 * overrides. `resolveConfig` merges defaults ← preset ← user overrides, rejecting
 * unknown keys and values whose type differs from the default's, so an ablation
 * typo fails loudly instead of silently running the default.
 */
import { UsageError } from "./errors";

/** A recursive partial of a config object (arrays are replaced whole). */
export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function typeName(v: unknown): string {
  return Array.isArray(v) ? "array" : v === null ? "null" : typeof v;
}

function mergeInto(target: Record<string, unknown>, override: Record<string, unknown>, at: string): void {
  for (const [key, value] of Object.entries(override)) {
    const where = at ? `${at}.${key}` : key;
    if (!(key in target)) {
      throw new UsageError(`unknown config key '${where}'; valid keys here: ${Object.keys(target).join(", ")}`);
    }
    const current = target[key];
    if (isPlainObject(current)) {
      if (!isPlainObject(value)) throw new UsageError(`config key '${where}' expects an object, got ${typeName(value)}`);
      mergeInto(current, value, where);
      continue;
    }
    // null in the defaults means "optional number": accept a number or null.
    const ok =
      current === null
        ? value === null || typeof value === "number"
        : Array.isArray(current)
          ? Array.isArray(value) && value.every((x) => current.length === 0 || typeof x === typeof current[0])
          : typeof value === typeof current;
    if (!ok) throw new UsageError(`config key '${where}' expects ${typeName(current)}, got ${typeName(value)} (${JSON.stringify(value)})`);
    if (typeof value === "number" && !Number.isFinite(value)) {
      throw new UsageError(`config key '${where}' must be a finite number, got ${value}`);
    }
    target[key] = Array.isArray(value) ? [...value] : value;
  }
}

/** Deep copy of defaults with each override applied in order (strict keys and types). */
export function resolveConfig<T extends object>(defaults: T, ...overrides: (DeepPartial<T> | undefined)[]): T {
  const out = structuredClone(defaults) as Record<string, unknown>;
  for (const o of overrides) if (o) mergeInto(out, o as Record<string, unknown>, "");
  return out as T;
}

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
