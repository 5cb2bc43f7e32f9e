/**
 * Compile options (B.5.4, C.1) and the scalars of the construction they
 * resolve to: s (variables), m (hidden units), v (values), s_h (head
 * outputs), s_o (logits), ε (numerical variables), and t, t_h, what a variable
 * (±s) and a head output (±s_h) normalise to under N(z) = tanh(αz).
 */
import { UsageError } from "../../core/errors";

export interface CompileOptions {
  /** Prompt tokens R_s of the target model (C.1: 20). */
  promptTokens: number;
  /** Requested sizes; null = the program's minimum. Smaller than the minimum is an error. */
  dModel: number | null;
  heads: number | null;
  dHead: number | null;
  dMlp: number | null;
  /** Relative window W of the model (default 8); must cover every head offset. */
  relWindow: number;
  /** A: logit margin of attention selection (hard attention as A → ∞). */
  attentionScale: number;
  /** s: magnitude of variables in the residual stream (embeddings, updates, head outputs). */
  paramScale: number;
  /** m: hidden-unit magnitude of a firing rule; null = √s (balances W1 against W2 = Δ/m under weight noise). */
  mlpScale: number | null;
  /** v: W_V = v·Sel(value), W_O = (s/v)·Proj(output); null = √s (balances W_V against W_O under weight noise). */
  valueScale: number | null;
  /**
   * α·s_h for head outputs; null = α·s (head outputs at the variables' scale). A value near 1
   * keeps head outputs out of tanh saturation so every reset also pulls back accumulated error
   * (slope α·s_h·sech²(α·s_h)/t_h per layer), which posterior weight noise would otherwise
   * integrate over the layers.
   */
  headSaturation: number | null;
  /**
   * Add two hidden units per categorical head output that pull the mean of its dims back to
   * its clean value (ReLU(±k(Σ_j N(x)_j − t_h(2 − r)))): the resets only correct the
   * differential part, so without them weight noise accumulates in the common mode.
   */
  centerHeads: boolean;
  /**
   * Add two hidden units per dim of every head output that pull it back to 0, its clean value
   * after the reset, with rate λ = 1/2 per layer (the resets are compensated so clean runs stay
   * exact). Works with saturated head outputs, unlike `centerHeads`.
   */
  restoreHeads: boolean;
  /**
   * Compile each rule to two hidden units whose difference is clamp(·, 0, m): the update is
   * exactly Δ whether the atoms hold with a small error or not, and exactly 0 when one fails
   * (margin m/2 both ways). B.5.4 uses one unit per rule, whose output is linear in its atoms,
   * so errors in the residual stream pass on to every update.
   */
  clampRules: boolean;
  /**
   * ε: a numerical variable x is held as εx, small enough that the tanh normalisation is nearly
   * linear on it (N(εx) = αεx(1 − (αεx)²/3 + …)), so mean heads and numerical outputs carry
   * x with relative error ≈ (αεx)²/3.
   */
  numericalScale: number;
  /** s_o: logit magnitude; null = paramScale. */
  outputScale: number | null;
  /** DyT α of every normalisation. */
  normAlpha: number;
  /** Whether α is a learnable parameter of the model or a constant. */
  normScale: "learnable" | "fixed";
}

export const DEFAULT_COMPILE: CompileOptions = {
  promptTokens: 0,
  dModel: null,
  heads: null,
  dHead: null,
  dMlp: null,
  relWindow: 8,
  attentionScale: 20,
  paramScale: 10,
  mlpScale: null,
  valueScale: null,
  headSaturation: null,
  centerHeads: false,
  restoreHeads: false,
  clampRules: false,
  numericalScale: 1,
  outputScale: null,
  normAlpha: 1,
  normScale: "fixed",
};

/** The scalars of the construction (module doc), resolved from the options. */
export interface Scales {
  /** s: variables in the residual stream. */
  s: number;
  /** m: a firing rule's hidden unit. */
  m: number;
  /** v: W_V = v·Sel(value). */
  v: number;
  /** s_o: logits. */
  so: number;
  /** ε: numerical variables are held as εx. */
  eps: number;
  /** s_h: head outputs. */
  sHead: number;
  /** t = tanh(α·s): a variable after the normalisation. */
  tVar: number;
  /** t_h = tanh(α·s_h): a head output after the normalisation. */
  tHead: number;
}

function positive(name: string, x: number): void {
  if (!(Number.isFinite(x) && x > 0)) throw new UsageError(`compile option '${name}' must be a positive number, got ${x}`);
}

/**
 * Scales (C.1: "we additionally scale the compiled parameters by configurable scalars > 1 to
 * ensure the outputs of every sub-layer sufficiently saturate the tanh function"); m and v
 * default to √s, which minimises the error σ(√k/v + v/s) that weight noise σ leaves in a
 * head write over k active dims. Throws a UsageError naming the first option that is not a
 * positive number.
 */
export function resolveScales(o: CompileOptions): Scales {
  positive("attentionScale", o.attentionScale);
  positive("paramScale", o.paramScale);
  positive("normAlpha", o.normAlpha);
  const s = o.paramScale;
  const m = o.mlpScale ?? Math.sqrt(s);
  const v = o.valueScale ?? Math.sqrt(s);
  const so = o.outputScale ?? s;
  const eps = o.numericalScale;
  positive("numericalScale", eps);
  positive("mlpScale", m);
  positive("valueScale", v);
  // Head outputs live at s_h = headSaturation / α (default s).
  const sHead = o.headSaturation === null ? s : o.headSaturation / o.normAlpha;
  positive("headSaturation", sHead);
  const tVar = Math.tanh(o.normAlpha * s);
  const tHead = Math.tanh(o.normAlpha * sHead);
  positive("outputScale", so);
  return { s, m, v, so, eps, sHead, tVar, tHead };
}

/** The target model's shape as the compiler needs it (a TransformerConfig has these fields). */
export interface TargetModel {
  promptTokens: number;
  dModel: number;
  heads: number;
  dHead: number;
  dMlp: number;
  relWindow: number;
  normScale: CompileOptions["normScale"];
  normAlpha: number;
}

/** Compile options that build a program into model `m` at the construction's scales (C.1: A, s, α·s_h, centred heads). */
export function optionsForModel(
  m: TargetModel,
  scales: Pick<CompileOptions, "attentionScale" | "paramScale" | "headSaturation" | "centerHeads">,
): Partial<CompileOptions> {
  const { promptTokens, dModel, heads, dHead, dMlp, relWindow, normScale, normAlpha } = m;
  return { promptTokens, dModel, heads, dHead, dMlp, relWindow, normScale, normAlpha, ...scales };
}
