/**
 * Readout (B.5.4: several output variables; C.1: the logits at SEP): one logit
 * column per value of each categorical output and one per binary or numerical
 * output, W_out = s_o·Sel(outputs); a numerical output is read back as x from
 * N(εx) ≈ αεx, W_out = 1/(αε).
 */
import { Program, variable } from "../program";
import { slot } from "./residual-layout";
import { Stage, setEntry } from "./stage";

/** The output columns (B.5.4: several output variables): [variable, value] per logit (value −1 for binary/numerical). */
export function readoutColumns(program: Program): [string, number][] {
  return program.outputs.flatMap((name) => {
    const v = variable(program, name);
    return v.kind === "categorical" ? Array.from({ length: v.range }, (_, i) => [name, i] as [string, number]) : [[name, -1] as [string, number]];
  });
}

/** Writes the output transform `out/W` that reads `columns` at SEP (B.5.4, C.1; module doc). */
export function writeReadout(st: Stage, columns: readonly [string, number][]): void {
  const { so, eps } = st.scales;
  columns.forEach(([name, value], c) => {
    const l = slot(st.layout, name);
    setEntry(st, "out/W", columns.length, l.start + Math.max(0, value), c, l.spec.kind === "numerical" ? 1 / (st.options.normAlpha * eps) : so);
  });
}
