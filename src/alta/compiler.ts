/**
 * Compiles an ALTA-style program (`program.ts`) to the weights of the looped
 * Transformer of `nn/transformer.ts`, with the paper's changes to ALTA (B.5.4,
 * C.1):
 * - categorical variables are signed one-hot: +s at the value, −s elsewhere
 *   (null = 0); binary variables are 0/s in one dim; numerical variables hold
 *   εx in one dim (`numericalScale` ε, default 1), read by mean heads (B.5.3's
 *   averaging heads: W_O = 1/(v·α)) and by numerical logits (W_out = 1/(αε))
 *   through the nearly linear part of tanh;
 * - the parameters are scaled by configurable scalars so every sub-layer's
 *   output saturates the tanh normalisation N(z) = tanh(αz) (γ = 1, β = 0):
 *   `paramScale` s (embeddings, updates, head outputs), `mlpScale` m (hidden
 *   units), `outputScale` s_o (logits), `attentionScale` A (the logit margin
 *   between a selected and a non-selected key: hard attention as A → ∞);
 * - a 2-layer ReLU MLP, one hidden unit per rule (`rules.ts`): with t = tanh(α·s)
 *   and t_h = tanh(α·s_h) the normalised magnitudes of a variable and of a head
 *   output, an atom on a variable has W1 = m/t at its value's dim (binary:
 *   m/t for "= 1", −m/t for "= 0", which does not count), an atom on a
 *   categorical head output reads all its dims (+m/(2t_h) at the value,
 *   −m/(2t_h(r−1)) elsewhere: true → m, false → ≤ −m/3, null → 0); W1 is
 *   then doubled and b1[r] = m(1 − 2k) with k the counted atoms, so the unit
 *   is exactly m when every atom holds and ≤ −m otherwise (a margin of m on
 *   both sides: a binary "= 1" atom that fails or a null head output would
 *   otherwise leave the unit at exactly 0, where any small error in the
 *   residual stream partially fires it, and the error grows layer after
 *   layer); W2[r, :] = Δ/m with
 *   Δ = s·(enc(new) − enc(old)), and for resets Δ = −s_h·enc(old);
 * - heads: query/key equality through W_Q = W_K = a·Sel (a = √A/2 for
 *   categorical, √A for binary), relative offsets through the T5 bias
 *   b_h(δ) = A, W_V = v·Sel(value), W_O = (s_h/(v·t))·Proj(output) (Elhage
 *   form), so a head writes exactly ±s_h. A pure relative head also has
 *   b_h(0) = A/2: where i + δ lies outside the sequence (δ = −1 at START,
 *   δ = +1 at END or padding) it reads position i itself instead of a uniform
 *   average of every position, as the interpreter specifies; elsewhere the
 *   self weight is e^(−A/2);
 * - robustness to posterior weight noise (C.1 samples the weights with
 *   ν = −10, and every layer re-applies the same sample, so errors are
 *   coherent across layers). A head output is written and reset every layer,
 *   so an error ε per layer would accumulate linearly. Three measures, all
 *   options: (i) m and v default to √s, which minimises ε ≈ σ(√k/v + v/s)
 *   for k active dims; (ii) head outputs live at their own scale s_h with
 *   `headSaturation` α·s_h ≈ 1, out of tanh saturation, so every reset also
 *   pulls back accumulated differential error (slope α·s_h·sech²(α·s_h)/t_h);
 *   (iii) `centerHeads` adds two hidden units per categorical head output that
 *   pull back the common mode of its dims, which the resets cannot see, and two
 *   per binary head output that pull it back to 0 (its clean value after the
 *   reset), where no reset fires.
 *   The defaults (s_h = s, no centering) give ALTA's plain construction;
 * - logits at SEP: W_out = s_o·Sel(outputs) (B.5.4: several outputs);
 * - zero padding up to the requested d_model, heads, d_head and d_mlp.
 */
import { UsageError } from "../core/errors";
import { TransformerConfig, FIRST_SYMBOL, START, SEP, END, zeroWeightValues } from "../nn/transformer";
import { Program, TokenInfo, Value, VariableSpec, initialValue, variable } from "./program";
import { Rule, programRules } from "./rules";

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

/** Where a variable lives in the residual stream. */
export interface VariableLayout {
  spec: VariableSpec;
  /** First residual dim. */
  start: number;
  /** Number of dims (range for categorical, 1 otherwise). */
  dims: number;
}

/** A compiled program: the model config, its weights, and how to read them. */
export interface CompiledProgram {
  program: Program;
  options: CompileOptions;
  config: TransformerConfig;
  /** Flat values per parameter name (`transformerParamSpecs` order and shapes). */
  values: Record<string, Float32Array>;
  layout: VariableLayout[];
  rules: Rule[];
  /** The program's minimum sizes. */
  minimal: { dModel: number; heads: number; dHead: number; dMlp: number };
  /** Output columns: [variable, value] per logit (value −1 for binary/numerical). */
  outputColumns: [string, number][];
}

function positive(name: string, x: number): void {
  if (!(Number.isFinite(x) && x > 0)) throw new UsageError(`compile option '${name}' must be a positive number, got ${x}`);
}

/** Residual dims of a variable. */
const dimsOf = (v: VariableSpec) => (v.kind === "categorical" ? v.range : 1);

/** The encoding enc(value) of a variable (length dimsOf), scaled by s; null = zeros. */
function encode(v: VariableSpec, value: Value, s: number, eps: number): number[] {
  if (value === null) return new Array(dimsOf(v)).fill(0);
  if (v.kind === "categorical") return Array.from({ length: v.range }, (_, i) => (i === value ? s : -s));
  if (v.kind === "binary") return [value * s];
  return [value * eps];
}

/** Compiles `program` (module doc). */
export function compile(program: Program, options: Partial<CompileOptions> = {}): CompiledProgram {
  const o: CompileOptions = { ...DEFAULT_COMPILE, ...options };
  const p = `program '${program.name}'`;
  positive("attentionScale", o.attentionScale);
  positive("paramScale", o.paramScale);
  positive("normAlpha", o.normAlpha);
  const s = o.paramScale;
  const m = o.mlpScale ?? Math.sqrt(s);
  const vs = o.valueScale ?? Math.sqrt(s);
  const so = o.outputScale ?? s;
  const eps = o.numericalScale;
  positive("numericalScale", eps);
  positive("mlpScale", m);
  positive("valueScale", vs);
  // Head outputs live at s_h = headSaturation / α (default s). t and t_h are what a compiled
  // variable (±s) and a head output (±s_h) normalise to: tanh(α·s), tanh(α·s_h).
  const sHead = o.headSaturation === null ? s : o.headSaturation / o.normAlpha;
  positive("headSaturation", sHead);
  const tVar = Math.tanh(o.normAlpha * s);
  const tHead = Math.tanh(o.normAlpha * sHead);
  positive("outputScale", so);

  // residual layout
  const layout: VariableLayout[] = [];
  let D0 = 0;
  for (const v of program.variables) {
    layout.push({ spec: v, start: D0, dims: dimsOf(v) });
    D0 += dimsOf(v);
  }
  const at = (name: string) => layout.find((l) => l.spec.name === name)!;
  const rules = programRules(program);
  const headNeeds = program.heads.map((h) => {
    const value = dimsOf(variable(program, h.value));
    const qk = h.query ? dimsOf(variable(program, h.query)) : 0;
    return { h, need: Math.max(value, qk) };
  });
  const headOutputs = layout.filter((l) => l.spec.role === "head" && l.spec.kind !== "numerical");
  const headDims = headOutputs.reduce((a, l) => a + l.dims, 0);
  const categoricalHeads = headOutputs.filter((l) => l.spec.kind === "categorical").length;
  const minimal = {
    dModel: D0,
    heads: Math.max(1, program.heads.length),
    dHead: Math.max(1, ...headNeeds.map((x) => x.need)),
    dMlp: Math.max(1, (o.clampRules ? 2 : 1) * rules.length + (o.restoreHeads ? 2 * headDims : 0) + (o.centerHeads ? 2 * categoricalHeads : 0)),
  };
  const pick = (name: "dModel" | "heads" | "dHead" | "dMlp", why: () => string): number => {
    const want = o[name];
    if (want === null) return minimal[name];
    if (!Number.isInteger(want) || want < minimal[name]) {
      throw new UsageError(`${p}: requested ${name} ${want} is smaller than the program needs (${minimal[name]}: ${why()}); raise ${name} to at least ${minimal[name]}`);
    }
    return want;
  };
  const dModel = pick("dModel", () => layout.map((l) => `${l.spec.name} ${l.dims}`).join(", "));
  const heads = pick("heads", () => `heads ${program.heads.map((h) => h.output).join(", ")}`);
  const dHead = pick("dHead", () => headNeeds.map((x) => `head '${x.h.output}' needs ${x.need}`).join(", "));
  const dMlp = pick("dMlp", () => {
    const bySource = new Map<string, number>();
    for (const r of rules) bySource.set(r.source, (bySource.get(r.source) ?? 0) + (o.clampRules ? 2 : 1));
    if (o.restoreHeads) bySource.set("restoring", 2 * headDims);
    if (o.centerHeads) bySource.set("centering", 2 * categoricalHeads);
    return `${o.clampRules ? "two hidden units" : "one hidden unit"} per rule: ${[...bySource].map(([k, n]) => `${n} from '${k}'`).join(", ")}`;
  });
  const maxOffset = Math.max(0, ...program.heads.map((h) => Math.abs(h.offset ?? 0)));
  if (!Number.isInteger(o.relWindow) || o.relWindow < maxOffset) {
    throw new UsageError(`${p}: relWindow ${o.relWindow} does not cover head offset ±${maxOffset}; raise relWindow to at least ${maxOffset}`);
  }

  const outputColumns: [string, number][] = program.outputs.flatMap((name) => {
    const v = variable(program, name);
    return v.kind === "categorical" ? Array.from({ length: v.range }, (_, i) => [name, i] as [string, number]) : [[name, -1] as [string, number]];
  });
  const config: TransformerConfig = {
    inputVocab: program.inputVocab,
    promptTokens: o.promptTokens,
    dModel,
    heads,
    dHead,
    dMlp,
    relWindow: o.relWindow,
    classes: outputColumns.length,
    normScale: o.normScale,
    normAlpha: o.normAlpha,
  };
  const values = zeroWeightValues(config);
  const A = heads * dHead;
  const set = (name: string, cols: number, r: number, c: number, x: number) => {
    values[name][r * cols + c] = x;
  };

  // embeddings: s·enc(initial value) of every user variable; head outputs and padding 0
  const embedRow = (name: string, row: number, token: TokenInfo) => {
    for (const l of layout) {
      if (l.spec.role === "head") continue;
      encode(l.spec, initialValue(program, l.spec, token), s, eps).forEach((x, i) => set(name, dModel, row, l.start + i, x));
    }
  };
  embedRow("embed/tokens", START, { kind: "start", index: -1 });
  embedRow("embed/tokens", SEP, { kind: "sep", index: -1 });
  embedRow("embed/tokens", END, { kind: "end", index: -1 });
  for (let sym = 0; sym < program.inputVocab; sym++) embedRow("embed/tokens", FIRST_SYMBOL + sym, { kind: "input", index: sym });
  for (let i = 0; i < o.promptTokens; i++) embedRow("embed/prompt", i, { kind: "prompt", index: i });

  // attention heads
  const nb = 2 * o.relWindow + 1;
  program.heads.forEach((h, hi) => {
    const c0 = hi * dHead;
    if (h.query !== undefined) {
      const q = at(h.query);
      const k = at(h.key!);
      const a = q.spec.kind === "categorical" ? Math.sqrt(o.attentionScale) / 2 : Math.sqrt(o.attentionScale);
      for (let j = 0; j < q.dims; j++) {
        set("attn/Wq", A, q.start + j, c0 + j, a);
        set("attn/Wk", A, k.start + j, c0 + j, a);
      }
    }
    if (h.offset !== undefined) set("attn/relBias", nb, hi, h.offset + o.relWindow, o.attentionScale);
    if (h.offset !== undefined && h.query === undefined) set("attn/relBias", nb, hi, o.relWindow, o.attentionScale / 2);
    const v = at(h.value);
    const out = at(h.output);
    for (let j = 0; j < v.dims; j++) {
      set("attn/Wv", A, v.start + j, c0 + j, vs);
      // a mean head moves a numerical value: N(εx) ≈ αεx, so W_O = 1/(v·α) writes εx back
      set("attn/Wo", dModel, c0 + j, out.start + j, h.mean ? 1 / (vs * o.normAlpha) : sHead / (vs * tVar));
    }
  });

  // MLP: one hidden unit per rule (two with `clampRules`). Atom weights are divided by the
  // normalised magnitude of what they read (t for variables, t_h for head outputs), so a rule
  // whose atoms all hold is exactly m. A categorical head-output atom reads every dim of the
  // output (+ at the value, − elsewhere): true → m, false → ≤ −m/3, null → 0, and its reset
  // pulls back error in any of the output's dims (module doc).
  const perRule = o.clampRules ? 2 : 1;
  const lambda = 0.5; // restoring rate per layer of the centering and restoring units
  const restore = { k: m / tHead, g: lambda / ((m / tHead) * o.normAlpha) };
  rules.forEach((r, ri) => {
    const units = Array.from({ length: perRule }, (_, u) => perRule * ri + u);
    const w1 = (row: number, x: number) => units.forEach((u) => set("mlp/W1", dMlp, row, u, x));
    let k = 0;
    for (const a of r.atoms) {
      const l = at(a.variable);
      const head = l.spec.role === "head";
      const mag = head ? tHead : tVar;
      if (l.spec.kind === "categorical" && head) {
        for (let j = 0; j < l.dims; j++) w1(l.start + j, j === a.value ? m / mag : -m / (mag * (l.dims - 1)));
        k++;
      } else if (l.spec.kind === "categorical") {
        w1(l.start + a.value, (2 * m) / mag);
        k++;
      } else if (a.value === 1) {
        w1(l.start, (2 * m) / mag);
        k++;
      } else {
        w1(l.start, (-2 * m) / mag);
      }
    }
    const t = at(r.target);
    const sc = t.spec.role === "head" ? sHead : s;
    const delta =
      r.add !== undefined
        ? [r.add * eps]
        : encode(t.spec, r.to ?? null, sc, eps).map((x, i) => x - encode(t.spec, r.from!, sc, eps)[i]);
    // A head output's restoring units also pull back a clean write (by g·k·N(x) per dim); its
    // reset subtracts only the rest.
    if (o.restoreHeads && t.spec.role === "head") delta.forEach((d, i) => (delta[i] = d + restore.g * restore.k * Math.tanh(o.normAlpha * -d)));
    if (o.clampRules) {
      // clamp(S − 2km + 1.5m, 0, m) = ReLU(S − 2km + 1.5m) − ReLU(S − 2km + 0.5m): exactly m when
      // every atom holds and 0 when one fails, with a flat margin of m/2 on both sides.
      values["mlp/b1"][units[0]] = m * (1.5 - 2 * k);
      values["mlp/b1"][units[1]] = m * (0.5 - 2 * k);
      delta.forEach((d, i) => {
        set("mlp/W2", dModel, units[0], t.start + i, d / m);
        set("mlp/W2", dModel, units[1], t.start + i, -d / m);
      });
    } else {
      values["mlp/b1"][units[0]] = m * (1 - 2 * k);
      delta.forEach((d, i) => set("mlp/W2", dModel, units[0], t.start + i, d / m));
    }
  });
  let unit = perRule * rules.length;

  // restoring units: ReLU(±k·N(x_j)) with W2 = ∓g on every dim of every head output, a
  // restoring force −λx_j near 0 (N'(0) = α), the clean value of a head output after its reset.
  // Without them the small errors of each layer's head writes would integrate over the layers.
  if (o.restoreHeads) {
    for (const l of layout) {
      if (l.spec.role !== "head" || l.spec.kind === "numerical") continue;
      for (let j = 0; j < l.dims; j++) {
        for (const sign of [1, -1]) {
          set("mlp/W1", dMlp, l.start + j, unit, sign * restore.k);
          set("mlp/W2", dModel, unit, l.start + j, -sign * restore.g);
          unit++;
        }
      }
    }
  }

  // centering units: restoring force λ per layer on the common mode of each categorical head output
  if (o.centerHeads) {
    const slope = o.normAlpha / Math.cosh(o.normAlpha * sHead) ** 2; // dN/dx at a clean ±s_h
    for (const l of layout) {
      if (l.spec.role !== "head" || l.spec.kind !== "categorical") continue;
      const k = m / tHead;
      const g = lambda / (k * slope);
      for (const sign of [1, -1]) {
        for (let j = 0; j < l.dims; j++) {
          set("mlp/W1", dMlp, l.start + j, unit, sign * k);
          set("mlp/W2", dModel, unit, l.start + j, (-sign * g) / l.dims);
        }
        values["mlp/b1"][unit] = -sign * k * tHead * (2 - l.dims);
        unit++;
      }
    }
  }

  // readout at SEP
  // numerical outputs: N_f(εx) ≈ αεx, read back as x
  outputColumns.forEach(([name, value], c) =>
    set("out/W", outputColumns.length, at(name).start + Math.max(0, value), c, at(name).spec.kind === "numerical" ? 1 / (o.normAlpha * eps) : so),
  );
  return { program, options: o, config, values, layout, rules, minimal, outputColumns };
}

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
