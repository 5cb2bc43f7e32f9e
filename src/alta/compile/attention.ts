/**
 * Attention (B.5.3, B.5.4, C.1): head i of the program is head i of the
 * model, in columns i·d_head … of the Q/K/V projections.
 * - Query/key equality: W_Q = W_K = a·Sel, a = √A/2 for categorical (the
 *   normalised signed one-hot vectors have dot product r·t² at equality and
 *   (r − 4)·t² otherwise) and a = √A for binary, so a selected key leads by a
 *   logit margin of about A.
 * - Relative offsets δ through the T5 bias b_h(δ) = A (C.1). A pure relative
 *   head also has b_h(0) = A/2: where i + δ lies outside the sequence (δ = −1 at
 *   START, δ = +1 at END or padding) it reads position i itself instead of a
 *   uniform average of every position, as the interpreter specifies; elsewhere
 *   the self weight is e^(−A/2).
 * - W_V = v·Sel(value), W_O = (s_h/(v·t))·Proj(output) (Elhage form, C.1), so a
 *   head writes exactly ±s_h; a mean head (B.5.3's averaging heads) has
 *   W_O = 1/(v·α), which writes εx back since N(εx) ≈ αεx.
 */
import { HeadSpec } from "../program";
import { slot } from "./residual-layout";
import { Stage, setEntry } from "./stage";

/** Writes the query/key selection of head `hi` (module doc). */
function writeQueryKey(st: Stage, h: HeadSpec, hi: number): void {
  if (h.query === undefined) return;
  const A = st.config.heads * st.config.dHead;
  const c0 = hi * st.config.dHead;
  const q = slot(st.layout, h.query);
  const k = slot(st.layout, h.key!);
  const a = q.spec.kind === "categorical" ? Math.sqrt(st.options.attentionScale) / 2 : Math.sqrt(st.options.attentionScale);
  for (let j = 0; j < q.dims; j++) {
    setEntry(st, "attn/Wq", A, q.start + j, c0 + j, a);
    setEntry(st, "attn/Wk", A, k.start + j, c0 + j, a);
  }
}

/** Writes the relative-position bias of head `hi`: A at its offset, and A/2 at 0 for a pure relative head (module doc). */
function writeRelativeBias(st: Stage, h: HeadSpec, hi: number): void {
  const { relWindow, attentionScale } = st.options;
  const nb = 2 * relWindow + 1;
  if (h.offset !== undefined) setEntry(st, "attn/relBias", nb, hi, h.offset + relWindow, attentionScale);
  if (h.offset !== undefined && h.query === undefined) setEntry(st, "attn/relBias", nb, hi, relWindow, attentionScale / 2);
}

/** Writes the value and output transforms of head `hi`: it reads its value's dims and writes its output's (module doc). */
function writeValueOutput(st: Stage, h: HeadSpec, hi: number): void {
  const { config, scales } = st;
  const A = config.heads * config.dHead;
  const c0 = hi * config.dHead;
  const v = slot(st.layout, h.value);
  const out = slot(st.layout, h.output);
  for (let j = 0; j < v.dims; j++) {
    setEntry(st, "attn/Wv", A, v.start + j, c0 + j, scales.v);
    // a mean head moves a numerical value: N(εx) ≈ αεx, so W_O = 1/(v·α) writes εx back
    setEntry(st, "attn/Wo", config.dModel, c0 + j, out.start + j, h.mean ? 1 / (scales.v * st.options.normAlpha) : scales.sHead / (scales.v * scales.tVar));
  }
}

/** Writes every head of the program into the attention sub-layer (B.5.3, B.5.4; C.1's T5 relative biases and Elhage-form outputs; module doc); padding heads stay zero (C.1). */
export function writeAttention(st: Stage): void {
  st.program.heads.forEach((h, hi) => {
    writeQueryKey(st, h, hi);
    writeRelativeBias(st, h, hi);
    writeValueOutput(st, h, hi);
  });
}
