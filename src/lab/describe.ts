/** What `kcdl config <experiment>` prints: every key with its type, default, the preset's value and its doc. */
import { AnyExperiment, PRESETS, Preset } from "./experiment";
import { fieldsOf, typeLabel, valueAt } from "./schema";
import { assertChoice } from "../core/errors";

export interface ConfigKey {
  key: string;
  type: string;
  default: unknown;
  /** The value under the preset (the default where the preset leaves it). */
  preset: unknown;
  /** Whether the preset overrides the default. */
  overridden: boolean;
  doc: string;
}

/** The keys of `exp`'s config under `preset`. */
export function describeConfig(exp: AnyExperiment, preset: string = "cpu"): ConfigKey[] {
  const p: Preset = assertChoice("preset", preset, PRESETS);
  return fieldsOf(exp.schema).map(([key, f]) => {
    const o = valueAt(exp.presets[p], key);
    return { key, type: typeLabel(f), default: f.value, preset: o === undefined ? f.value : o, overridden: o !== undefined, doc: f.doc };
  });
}

/** `describeConfig` as plain text, one key per block. */
export function formatConfig(exp: AnyExperiment, preset: string = "cpu"): string {
  const rows = describeConfig(exp, preset);
  const show = (v: unknown) => JSON.stringify(v);
  const lines = [`${exp.name} (${exp.reproduces}): ${exp.title}`, `preset ${preset}; set any key with --set key=value (JSON values)`, ""];
  for (const r of rows) {
    lines.push(`${r.key}  ${r.type}`);
    lines.push(`    default ${show(r.default)}${r.overridden ? `, ${preset}: ${show(r.preset)}` : ""}`);
    lines.push(`    ${r.doc}`);
  }
  return lines.join("\n") + "\n";
}
