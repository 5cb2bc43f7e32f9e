/**
 * Typed config schemas: an experiment's defaults are declared field by field,
 * each with its value, its type (number, integer, boolean, string, one of a set
 * of choices, or a list of numbers) and a doc that says why it has that value.
 * From one schema come the defaults, the TypeScript type of the resolved config
 * (enum-like fields are unions of their choices), the strict checks applied to
 * presets and user overrides, and the rows `kcdl config` prints. Every check of
 * a config value lives here.
 */
import { UsageError } from "../core/errors";
import type { DeepPartial } from "../core/config";

export type FieldType = "number" | "integer" | "boolean" | "string" | "choice" | "numbers" | "strings" | "number|numbers";

/** One config field: default value, type, doc, and the constraints checked on every override. */
export interface Field<T> {
  readonly kind: "field";
  readonly type: FieldType;
  readonly value: T;
  readonly doc: string;
  /** Allowed values of a `choice` field, or of each entry of a `strings` field. */
  readonly choices?: readonly string[];
  /** Inclusive lower / upper bound of a number (each entry of a list). */
  readonly min?: number;
  readonly max?: number;
  /** Numbers must be integers. */
  readonly integer?: boolean;
  /** `null` is accepted ("none"). */
  readonly nullable?: boolean;
  /** Lists must not be empty. */
  readonly nonEmpty?: boolean;
}

/** A tree of fields. */
export interface Schema {
  readonly [key: string]: Field<unknown> | Schema;
}

/** The resolved config type of a schema. */
export type ConfigOf<S> = { -readonly [K in keyof S]: S[K] extends Field<infer T> ? T : ConfigOf<S[K]> };

export interface NumberOptions {
  min?: number;
  max?: number;
  nullable?: boolean;
}

const field = <T>(type: FieldType, value: T, doc: string, extra: Partial<Field<T>> = {}): Field<T> => ({ kind: "field", type, value, doc, ...extra });

/** A finite number. */
export function num(value: number, doc: string, o: NumberOptions = {}): Field<number> {
  return field("number", value, doc, o);
}
/** A finite number or null ("none"). */
export function optNum(value: number | null, doc: string, o: Omit<NumberOptions, "nullable"> = {}): Field<number | null> {
  return field("number", value, doc, { ...o, nullable: true });
}
/** An integer (min defaults to 0). */
export function int(value: number, doc: string, o: NumberOptions = {}): Field<number> {
  return field("integer", value, doc, { min: 0, ...o, integer: true });
}
export function bool(value: boolean, doc: string): Field<boolean> {
  return field("boolean", value, doc);
}
export function str(value: string, doc: string): Field<string> {
  return field("string", value, doc);
}
/** One of `choices`; its type is their union. */
export function oneOf<const C extends readonly string[]>(choices: C, value: C[number], doc: string): Field<C[number]> {
  return field("choice", value, doc, { choices });
}
/** A list of numbers. */
export function nums(value: number[], doc: string, o: NumberOptions & { integer?: boolean; nonEmpty?: boolean } = {}): Field<number[]> {
  return field("numbers", value, doc, o);
}
/** A number, or a list of them the experiment runs over (e.g. Table 2's KL coefficients). */
export function numOrNums(value: number | number[], doc: string, o: NumberOptions & { nonEmpty?: boolean } = {}): Field<number | number[]> {
  return field("number|numbers", value, doc, { nonEmpty: true, ...o });
}
/** A list of strings, each one of `choices` when given. */
export function strs<const C extends readonly string[]>(value: C[number][], doc: string, choices?: C, o: { nonEmpty?: boolean } = {}): Field<C[number][]> {
  return field("strings", value, doc, { choices, ...o });
}

export const isField = (x: unknown): x is Field<unknown> => typeof x === "object" && x !== null && (x as Field<unknown>).kind === "field";
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const show = (v: unknown) => JSON.stringify(v);

/** The default config of a schema (a fresh copy). */
export function defaultsOf<S extends Schema>(schema: S): ConfigOf<S> {
  const out: Record<string, unknown> = {};
  for (const [k, f] of Object.entries(schema)) out[k] = isField(f) ? structuredClone(f.value) : defaultsOf(f as Schema);
  return out as ConfigOf<S>;
}

/** Why `value` is not valid for `f`, or undefined when it is. */
export function fieldProblem(f: Field<unknown>, value: unknown): string | undefined {
  const inRange = (x: number): string | undefined => {
    if (!Number.isFinite(x)) return `must be a finite number, got ${x}`;
    if ((f.integer || f.type === "integer") && !Number.isInteger(x)) return `must be an integer, got ${x}`;
    if (f.min !== undefined && x < f.min) return `must be ≥ ${f.min}, got ${x}`;
    if (f.max !== undefined && x > f.max) return `must be ≤ ${f.max}, got ${x}`;
    return undefined;
  };
  const list = (xs: unknown, each: (x: unknown) => string | undefined, what: string): string | undefined => {
    if (!Array.isArray(xs)) return `expects ${what}, got ${show(xs)}`;
    if (f.nonEmpty && xs.length === 0) return "must not be empty";
    for (const x of xs) {
      const p = each(x);
      if (p) return `entry ${show(x)}: ${p}`;
    }
    return undefined;
  };
  const number = (x: unknown) => (typeof x === "number" ? inRange(x) : `expects a number, got ${show(x)}`);
  if (value === null) return f.nullable ? undefined : `expects ${f.type}, got null`;
  switch (f.type) {
    case "number":
    case "integer":
      return number(value);
    case "boolean":
      return typeof value === "boolean" ? undefined : `expects true or false, got ${show(value)}`;
    case "string":
      return typeof value === "string" ? undefined : `expects a string, got ${show(value)}`;
    case "choice":
      return typeof value === "string" && f.choices!.includes(value) ? undefined : `must be one of ${f.choices!.join(", ")}; got ${show(value)}`;
    case "numbers":
      return list(value, number, "a list of numbers");
    case "number|numbers":
      return typeof value === "number" ? inRange(value) : list(value, number, "a number or a list of numbers");
    case "strings":
      return list(value, (x) => (typeof x !== "string" ? `expects a string` : f.choices && !f.choices.includes(x) ? `must be one of ${f.choices.join(", ")}` : undefined), "a list of strings");
  }
}

/** Every dotted key of a schema with its field. */
export function fieldsOf(schema: Schema, at = ""): [string, Field<unknown>][] {
  return Object.entries(schema).flatMap(([k, f]) => (isField(f) ? [[at + k, f] as [string, Field<unknown>]] : fieldsOf(f as Schema, `${at}${k}.`)));
}

/** The field at a dotted key, or undefined. */
export function fieldAt(schema: Schema, key: string): Field<unknown> | undefined {
  let node: Field<unknown> | Schema | undefined = schema;
  for (const k of key.split(".")) {
    if (!node || isField(node)) return undefined;
    node = (node as Schema)[k];
  }
  return isField(node) ? node : undefined;
}

/** Dotted keys of a (partial) override object, e.g. `{train: {lr: 1}}` → ["train.lr"]. */
export function overrideKeys(o: object, at = ""): string[] {
  return Object.entries(o).flatMap(([k, v]) => (isPlainObject(v) ? overrideKeys(v, `${at}${k}.`) : [at + k]));
}

function applyInto(schema: Schema, target: Record<string, unknown>, override: Record<string, unknown>, at: string, source: string): void {
  for (const [key, value] of Object.entries(override)) {
    const where = at + key;
    const f = schema[key];
    if (f === undefined) throw new UsageError(`unknown config key '${where}'${source}; valid keys here: ${Object.keys(schema).join(", ")} (see \`npx kcdl config <experiment>\`)`);
    if (!isField(f)) {
      if (!isPlainObject(value)) throw new UsageError(`config key '${where}'${source} is a section (${Object.keys(f).join(", ")}); set one of its keys, e.g. ${where}.${Object.keys(f)[0]}=…`);
      applyInto(f as Schema, target[key] as Record<string, unknown>, value, `${where}.`, source);
      continue;
    }
    const problem = fieldProblem(f, value);
    if (problem) throw new UsageError(`config key '${where}'${source} ${problem}`);
    target[key] = structuredClone(value);
  }
}

/**
 * The config of `schema` with each override applied in order: unknown keys, wrong
 * types, values outside a choice set or a range are errors naming the key.
 * `sources` names each override in messages (e.g. "preset cpu", "--set").
 */
export function resolveSchema<S extends Schema>(schema: S, overrides: (DeepPartial<ConfigOf<S>> | object | undefined)[], sources: string[] = []): ConfigOf<S> {
  const out = defaultsOf(schema) as Record<string, unknown>;
  overrides.forEach((o, i) => o && applyInto(schema, out, o as Record<string, unknown>, "", sources[i] ? ` (${sources[i]})` : ""));
  return out as ConfigOf<S>;
}

/** The value at a dotted key of a (partial) config object, or undefined. */
export function valueAt(o: unknown, key: string): unknown {
  return key.split(".").reduce<unknown>((node, k) => (isPlainObject(node) ? node[k] : undefined), o);
}

/** The type of a field as `kcdl config` prints it. */
export function typeLabel(f: Field<unknown>): string {
  const range = f.min !== undefined || f.max !== undefined ? ` [${f.min ?? "−∞"}, ${f.max ?? "∞"}]` : "";
  const base =
    f.type === "choice" ? f.choices!.map((c) => JSON.stringify(c)).join(" | ") : f.type === "strings" && f.choices ? `(${f.choices.map((c) => JSON.stringify(c)).join(" | ")})[]` : f.type === "numbers" ? "number[]" : f.type === "strings" ? "string[]" : f.type;
  return `${base}${range}${f.nullable ? " | null" : ""}`;
}
