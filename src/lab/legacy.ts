/** Transitional: a schema inferred from a plain defaults object (types from values, no docs). */
import { Schema, bool, nums, num, optNum, str, strs } from "./schema";

export function schemaFromDefaults(defaults: object): Schema {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(defaults)) {
    if (v === null) out[k] = optNum(null, "");
    else if (typeof v === "number") out[k] = num(v, "");
    else if (typeof v === "boolean") out[k] = bool(v, "");
    else if (typeof v === "string") out[k] = str(v, "");
    else if (Array.isArray(v)) out[k] = typeof v[0] === "string" ? strs(v, "") : nums(v, "");
    else out[k] = schemaFromDefaults(v);
  }
  return out as Schema;
}
