/**
 * Model sizes (B.5.5, C.1): the program's minimum d_model, heads, d_head and
 * d_mlp, the sizes requested by the options (C.1 zero-pads the compiled
 * weights up to the model's dimensions: 128, 2 heads, 512 hidden units), and
 * the model config they make.
 */
import { UsageError } from "../../core/errors";
import { TransformerConfig } from "../../nn/transformer";
import { Program, variable } from "../program";
import { Rule } from "../rules";
import { CompileOptions } from "./options";
import { VariableLayout, dimsOf, resettableHeadOutputs } from "./residual-layout";

export interface ModelSizes {
  dModel: number;
  heads: number;
  dHead: number;
  dMlp: number;
}

/** Hidden units of the MLP by where they come from: per rule, restoring units and centering units (`mlp.ts`). */
function hiddenUnits(layout: readonly VariableLayout[], o: CompileOptions): { perRule: number; restoring: number; centering: number } {
  const headOutputs = resettableHeadOutputs(layout);
  const headDims = headOutputs.reduce((a, l) => a + l.dims, 0);
  const categoricalHeads = headOutputs.filter((l) => l.spec.kind === "categorical").length;
  return { perRule: o.clampRules ? 2 : 1, restoring: o.restoreHeads ? 2 * headDims : 0, centering: o.centerHeads ? 2 * categoricalHeads : 0 };
}

/** Why d_mlp is what it is: hidden units per rule source, restoring and centering units. */
function whyDMlp(rules: readonly Rule[], o: CompileOptions, units: ReturnType<typeof hiddenUnits>): string {
  const bySource = new Map<string, number>();
  for (const r of rules) bySource.set(r.source, (bySource.get(r.source) ?? 0) + units.perRule);
  if (o.restoreHeads) bySource.set("restoring", units.restoring);
  if (o.centerHeads) bySource.set("centering", units.centering);
  return `${o.clampRules ? "two hidden units" : "one hidden unit"} per rule: ${[...bySource].map(([k, n]) => `${n} from '${k}'`).join(", ")}`;
}

/**
 * The program's minimum sizes (B.5.5: d_model is the layout's dims, one head per head, d_head
 * the widest query/key or value, d_mlp one hidden unit per rule (B.5.4) plus the optional
 * units), and the requested ones; a requested size below the minimum is a UsageError that says
 * what needs the room. Also checks that the relative window covers every head offset.
 */
export function modelSizes(program: Program, layout: readonly VariableLayout[], rules: readonly Rule[], o: CompileOptions): { minimal: ModelSizes; sizes: ModelSizes } {
  const headNeeds = program.heads.map((h) => {
    const value = dimsOf(variable(program, h.value));
    const qk = h.query ? dimsOf(variable(program, h.query)) : 0;
    return { h, need: Math.max(value, qk) };
  });
  const units = hiddenUnits(layout, o);
  const minimal: ModelSizes = {
    dModel: layout.reduce((a, l) => a + l.dims, 0),
    heads: Math.max(1, program.heads.length),
    dHead: Math.max(1, ...headNeeds.map((x) => x.need)),
    dMlp: Math.max(1, units.perRule * rules.length + units.restoring + units.centering),
  };
  const pick = (name: keyof ModelSizes, why: () => string): number => {
    const want = o[name];
    if (want === null) return minimal[name];
    if (!Number.isInteger(want) || want < minimal[name]) {
      throw new UsageError(`program '${program.name}': requested ${name} ${want} is smaller than the program needs (${minimal[name]}: ${why()}); raise ${name} to at least ${minimal[name]}`);
    }
    return want;
  };
  const sizes: ModelSizes = {
    dModel: pick("dModel", () => layout.map((l) => `${l.spec.name} ${l.dims}`).join(", ")),
    heads: pick("heads", () => `heads ${program.heads.map((h) => h.output).join(", ")}`),
    dHead: pick("dHead", () => headNeeds.map((x) => `head '${x.h.output}' needs ${x.need}`).join(", ")),
    dMlp: pick("dMlp", () => whyDMlp(rules, o, units)),
  };
  const maxOffset = Math.max(0, ...program.heads.map((h) => Math.abs(h.offset ?? 0)));
  if (!Number.isInteger(o.relWindow) || o.relWindow < maxOffset) {
    throw new UsageError(`program '${program.name}': relWindow ${o.relWindow} does not cover head offset ±${maxOffset}; raise relWindow to at least ${maxOffset}`);
  }
  return { minimal, sizes };
}

/** The looped Transformer's config (`nn/transformer.ts`, C.1: DyT normalisation, T5 relative window) for these sizes and `classes` logits. */
export function modelConfig(program: Program, o: CompileOptions, sizes: ModelSizes, classes: number): TransformerConfig {
  return {
    inputVocab: program.inputVocab,
    promptTokens: o.promptTokens,
    dModel: sizes.dModel,
    heads: sizes.heads,
    dHead: sizes.dHead,
    dMlp: sizes.dMlp,
    relWindow: o.relWindow,
    classes,
    normScale: o.normScale,
    normAlpha: o.normAlpha,
  };
}
