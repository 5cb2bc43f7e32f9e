/**
 * Embeddings (B.5.1, B.5.6, C.1): the row of every token holds the encoding
 * (`residual-layout.ts`) of each user variable's initial value at a position
 * with that token; head outputs start null (zero) and padding dims are zero.
 * Rows: START, SEP, END, then the input symbols (`embed/tokens`), and one row
 * per prompt position (`embed/prompt`, B.5.6's prompt embeddings).
 */
import { FIRST_SYMBOL, START, SEP, END } from "../../nn/transformer";
import { TokenInfo, initialValue } from "../program";
import { encode } from "./residual-layout";
import { Stage, setEntry } from "./stage";

/** Writes row `row` of embedding table `name`: s·enc(initial value) of every user variable for `token`. */
function embedRow(st: Stage, name: string, row: number, token: TokenInfo): void {
  const { program, layout, scales, config } = st;
  for (const l of layout) {
    if (l.spec.role === "head") continue;
    encode(l.spec, initialValue(program, l.spec, token), scales.s, scales.eps).forEach((x, i) => setEntry(st, name, config.dModel, row, l.start + i, x));
  }
}

/** Writes the token and prompt embedding tables (B.5.1, B.5.6; the C.1 signed one-hot encoding scaled by s; module doc). */
export function writeEmbeddings(st: Stage): void {
  embedRow(st, "embed/tokens", START, { kind: "start", index: -1 });
  embedRow(st, "embed/tokens", SEP, { kind: "sep", index: -1 });
  embedRow(st, "embed/tokens", END, { kind: "end", index: -1 });
  for (let sym = 0; sym < st.program.inputVocab; sym++) embedRow(st, "embed/tokens", FIRST_SYMBOL + sym, { kind: "input", index: sym });
  for (let i = 0; i < st.options.promptTokens; i++) embedRow(st, "embed/prompt", i, { kind: "prompt", index: i });
}
