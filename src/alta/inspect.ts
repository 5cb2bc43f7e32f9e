/**
 * Looking inside a compiled program: the used block of every weight matrix (the
 * rest is zero padding to the model), and one input's attention pattern and
 * residual stream layer by layer — the data of the compiled-weights, attention
 * and residual figures.
 */
import type { CompiledProgram } from "./compiler";
import { FIRST_SYMBOL, TransformerConfig, disposeForward, forward, makeBatch } from "../nn/transformer";
import type { Weights } from "../nn/param-tree";

/** A dense block of a weight matrix. */
export interface WeightBlock {
  rows: number;
  cols: number;
  values: number[][];
}

const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

/** The used block of every compiled weight matrix (rows/cols up to the program's minimal sizes). */
export function weightBlocks(c: CompiledProgram): Record<string, WeightBlock> {
  const cfg = c.config;
  const D = c.minimal.dModel;
  const A = cfg.dHead;
  const block = (name: string, cols: number, rows: number[], colIdx: number[]): WeightBlock => ({
    rows: rows.length,
    cols: colIdx.length,
    values: rows.map((r) => colIdx.map((k) => c.values[name][r * cols + k])),
  });
  const headCols = range(c.minimal.heads).flatMap((h) => range(c.minimal.dHead, h * A));
  return {
    "embed/tokens": block("embed/tokens", cfg.dModel, range(FIRST_SYMBOL + cfg.inputVocab), range(D)),
    "embed/prompt": block("embed/prompt", cfg.dModel, range(cfg.promptTokens), range(D)),
    "attn/Wv": block("attn/Wv", cfg.heads * A, range(D), headCols),
    "attn/Wo": block("attn/Wo", cfg.dModel, headCols, range(D)),
    "attn/relBias": block("attn/relBias", 2 * cfg.relWindow + 1, range(cfg.heads), range(2 * cfg.relWindow + 1)),
    "mlp/W1": block("mlp/W1", cfg.dMlp, range(D), range(c.minimal.dMlp)),
    "mlp/b1": block("mlp/b1", cfg.dMlp, [0], range(c.minimal.dMlp)),
    "mlp/W2": block("mlp/W2", cfg.dModel, range(c.minimal.dMlp), range(D)),
    "out/W": block("out/W", cfg.classes, range(D), range(cfg.classes)),
  };
}

/** Labels of the positions of `START p₁…p_Rs SEP x₁…x_n END` for one input. */
export function positionTokens(promptTokens: number, input: readonly number[]): string[] {
  return ["START", ...Array.from({ length: promptTokens }, (_, i) => `p${i + 1}`), "SEP", ...input.map((b, i) => `x${i + 1}=${b}`), "END"];
}

/** One input run through a compiled model: attention per layer and head, and signed one-hot variables read from the residual stream. */
export interface CompiledTrace {
  input: number[];
  tokens: string[];
  /** [layer][head][query][key]. */
  attention: number[][][][];
  /** Per variable: [layer][position] of (x[start+1] − x[start]) / 2s ∈ [−1, 1] (value 1 ⇔ +1). */
  readouts: Record<string, number[][]>;
}

/**
 * Runs `input` through `cfg` with weights `w` for `layers` layers and reads each of `variables`
 * (binary categorical variables, signed one-hot at the compile scale s) at every layer and position.
 */
export function traceInput(c: CompiledProgram, cfg: TransformerConfig, w: Weights, input: number[], layers: number, variables: readonly string[]): CompiledTrace {
  const r = forward(cfg, w, makeBatch(cfg, [input]), { layers, returnAttention: true, returnResidual: true });
  const attention = r.attention!.map((a) => (a.arraySync() as number[][][][])[0]);
  const res = r.residual!.map((t) => (t.arraySync() as number[][][])[0]);
  disposeForward(r);
  const s = c.options.paramScale;
  const readout = (name: string) => {
    const at = c.layout.find((l) => l.spec.name === name)!.start;
    return res.map((row) => row.map((x) => (x[at + 1] - x[at]) / (2 * s)));
  };
  return { input, tokens: positionTokens(cfg.promptTokens, input), attention, readouts: Object.fromEntries(variables.map((v) => [v, readout(v)])) };
}
