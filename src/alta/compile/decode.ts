/** Decoding a compiled program's residual stream and logits back into variable values (the inverse of `residual-layout.ts` and `readout.ts`). */
import type { CompiledProgram } from "../compiler";
import { Value, variable } from "../program";

/** Decodes one position's residual vector into variable values (categorical: argmax, null when |x| < s/2). */
export function decodeResidual(c: CompiledProgram, row: ArrayLike<number>): Record<string, Value> {
  const s = c.options.paramScale;
  const out: Record<string, Value> = {};
  for (const l of c.layout) {
    const x = Array.from({ length: l.dims }, (_, i) => row[l.start + i]);
    if (l.spec.kind === "numerical") out[l.spec.name] = x[0] / c.options.numericalScale;
    else if (l.spec.kind === "binary") out[l.spec.name] = x[0] > s / 2 ? 1 : 0;
    else {
      const best = x.indexOf(Math.max(...x));
      out[l.spec.name] = Math.max(...x.map(Math.abs)) < s / 2 ? null : best;
    }
  }
  return out;
}

/** Decodes logits at SEP into output values: argmax per categorical output, logit > s_o/2 for binary, raw logit for numerical. */
export function decodeOutputs(c: CompiledProgram, logits: ArrayLike<number>): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const name of c.program.outputs) {
    const cols = c.outputColumns.map(([n], i) => (n === name ? i : -1)).filter((i) => i >= 0);
    const v = variable(c.program, name);
    const xs = cols.map((i) => logits[i]);
    out[name] = v.kind === "categorical" ? xs.indexOf(Math.max(...xs)) : v.kind === "binary" ? Number(xs[0] > (c.options.outputScale ?? c.options.paramScale) / 2) : xs[0];
  }
  return out;
}
