/**
 * ALTA-style symbolic programs (Shaw et al. 2024; the modified compiler of
 * B.5.4 and C.1): variables held at every position of the input sequence
 * `START p₁…p_Rs SEP x₁…x_n END` (B.5.1), attention heads that move values
 * between positions, and an MLP given as functions over variable values that
 * the compiler expands into rules (`rules.ts`).
 *
 * Variables (residual dimensions in the compiled model, `compiler.ts`):
 * - categorical(r): a value in [0, r), r dims, signed one-hot (C.1);
 * - binary: 0/1 in one dim (B.5.4);
 * - numerical: a real number in one dim, never read by the MLP, changed only by
 *   rules that add a fixed scalar (B.5.4).
 * Every variable has an init function of the token at its position (or a
 * default). `null` is "undefined": the zero vector in the compiled model.
 *
 * Heads write an output variable (of the value's kind) that the MLP can read
 * in the same layer and that is reset to null after it:
 * - `head(out, {query, key, value})`: position i selects the positions j whose
 *   key equals its query (categorical query and key of one range; for binary
 *   query and key: the keys equal to 1 when the query is 1); exactly one
 *   selected position gives its value, none or several give null;
 * - `relative(out, value, δ)`: selects position i + δ (T5 relative bias, C.1),
 *   or i itself where i + δ lies outside the sequence;
 *   both may be combined (`offset` in `head`).
 */
import { UsageError } from "../core/errors";

/** Kinds of positions in the input sequence (B.5.1, eq. 52). */
export type TokenKind = "start" | "prompt" | "sep" | "input" | "end";

/** What an init function sees: the token at a position. */
export interface TokenInfo {
  kind: TokenKind;
  /** The input symbol (kind "input") or the prompt index 0…R_s − 1 (kind "prompt"); −1 otherwise. */
  index: number;
}

/** A variable's value at one position; null = undefined (zero vector when compiled). */
export type Value = number | null;

/** Initial value of a variable from the token at its position (booleans act as 0/1). */
export type InitFn = (token: TokenInfo) => number | boolean | null;

export type VariableKind = "categorical" | "binary" | "numerical";

export interface VariableSpec {
  name: string;
  kind: VariableKind;
  /** Number of values: r for categorical, 2 for binary, 0 for numerical. */
  range: number;
  /** Initial value by token; absent: `defaultValue` everywhere. */
  init?: InitFn;
  defaultValue: Value;
  /** "user" variables persist; "head" variables are attention outputs, reset to null after every layer. */
  role: "user" | "head";
}

export interface HeadSpec {
  /** The head's output variable. */
  output: string;
  /** The variable whose value is moved. */
  value: string;
  /** Query variable (with `key`): select keys equal to the query. */
  query?: string;
  key?: string;
  /** Relative offset δ: select position i + δ only. */
  offset?: number;
  /**
   * A mean head (B.5.3's averaging head): `value` is numerical, and the mean of its values over
   * the selected positions (every position when none is selected, as softmax does) is added to
   * the numerical user variable `output`, which persists across layers.
   */
  mean?: boolean;
}

/**
 * Updates returned by an MLP function: new values of categorical/binary
 * variables, and the amount added to numerical variables (B.5.4).
 */
export type Updates = Record<string, number>;

/**
 * One MLP function. It reads the variables in `reads` (all categorical or
 * binary, head outputs allowed) and returns the updates, or `undefined` where
 * it is undefined (the compiler emits nothing there; the interpreter fails if
 * such an input is reached).
 */
export interface MlpFunction {
  name: string;
  reads: string[];
  fn: (x: Readonly<Record<string, number>>) => Updates | undefined;
}

/** A complete program. */
export interface Program {
  name: string;
  /** Number of input symbols. */
  inputVocab: number;
  /** User variables first, then head outputs, in declaration order (the compiled residual layout). */
  variables: VariableSpec[];
  heads: HeadSpec[];
  mlp: MlpFunction[];
  /** Variables read out at SEP, concatenated into the logits (B.5.4: several outputs allowed). */
  outputs: string[];
}

/** Looks up a variable by name or throws a UsageError naming the program. */
export function variable(program: Program, name: string): VariableSpec {
  const v = program.variables.find((x) => x.name === name);
  if (!v) throw new UsageError(`program '${program.name}': unknown variable '${name}'`);
  return v;
}

/** Checks that `value` is a legal value of variable `v` (range, integer); `where` names the source. */
export function checkValue(v: VariableSpec, value: number, where: string): void {
  if (v.kind === "numerical") {
    if (!Number.isFinite(value)) throw new UsageError(`${where}: numerical variable '${v.name}' got ${value}; values must be finite`);
    return;
  }
  if (!Number.isInteger(value) || value < 0 || value >= v.range) {
    throw new UsageError(
      `${where}: value ${value} is out of range for ${v.kind} variable '${v.name}' (valid: integers 0…${v.range - 1})`,
    );
  }
}

/** Builds a `Program` step by step and validates it in `build()`. */
export class ProgramBuilder {
  private readonly vars: VariableSpec[] = [];
  private readonly heads: HeadSpec[] = [];
  private readonly fns: MlpFunction[] = [];
  private readonly outs: string[] = [];

  constructor(
    readonly name: string,
    readonly inputVocab: number,
  ) {
    if (!Number.isInteger(inputVocab) || inputVocab < 1) throw new UsageError(`program '${name}': inputVocab must be an integer ≥ 1, got ${inputVocab}`);
  }

  private addVar(spec: VariableSpec): this {
    if (this.vars.some((v) => v.name === spec.name)) throw new UsageError(`program '${this.name}': variable '${spec.name}' is declared twice`);
    if (spec.defaultValue !== null) checkValue(spec, spec.defaultValue, `program '${this.name}', default of '${spec.name}'`);
    this.vars.push(spec);
    return this;
  }

  /** A categorical variable with values 0…range − 1 (signed one-hot when compiled, C.1). */
  categorical(name: string, range: number, opts: { init?: InitFn; default?: Value } = {}): this {
    if (!Number.isInteger(range) || range < 2) throw new UsageError(`program '${this.name}': categorical '${name}' needs an integer range ≥ 2, got ${range}`);
    return this.addVar({ name, kind: "categorical", range, init: opts.init, defaultValue: opts.default === undefined ? 0 : opts.default, role: "user" });
  }

  /** A binary variable, 0/1 in one dimension (B.5.4). */
  binary(name: string, opts: { init?: InitFn; default?: Value } = {}): this {
    return this.addVar({ name, kind: "binary", range: 2, init: opts.init, defaultValue: opts.default === undefined ? 0 : opts.default, role: "user" });
  }

  /** A numerical variable in one dimension; rules may add fixed scalars to it (B.5.4). */
  numerical(name: string, opts: { init?: InitFn; default?: number } = {}): this {
    return this.addVar({ name, kind: "numerical", range: 0, init: opts.init, defaultValue: opts.default ?? 0, role: "user" });
  }

  /** A head selecting keys equal to the query (optionally also at relative offset `offset`). */
  head(output: string, spec: { query: string; key: string; value: string; offset?: number }): this {
    this.heads.push({ output, value: spec.value, query: spec.query, key: spec.key, offset: spec.offset });
    return this;
  }

  /**
   * A mean head (B.5.3): position i adds the mean of numerical `value` over the positions whose
   * `key` equals its `query` to the numerical variable `output` (declared with `numerical`).
   */
  mean(output: string, spec: { query: string; key: string; value: string }): this {
    this.heads.push({ output, value: spec.value, query: spec.query, key: spec.key, mean: true });
    return this;
  }

  /** A relative-position head: position i reads `value` at position i + offset. */
  relative(output: string, value: string, offset: number): this {
    this.heads.push({ output, value, offset });
    return this;
  }

  /** An MLP function over the variables in `reads` (expanded into rules by the compiler). */
  mlp(name: string, reads: string[], fn: MlpFunction["fn"]): this {
    if (this.fns.some((f) => f.name === name)) throw new UsageError(`program '${this.name}': MLP function '${name}' is declared twice`);
    this.fns.push({ name, reads: [...reads], fn });
    return this;
  }

  /** Marks a variable as an output read at SEP. */
  output(name: string): this {
    this.outs.push(name);
    return this;
  }

  /** Validates and returns the program (head outputs appended after the user variables). */
  build(): Program {
    const p = `program '${this.name}'`;
    const user = new Map(this.vars.map((v) => [v.name, v]));
    const headVars: VariableSpec[] = [];
    for (const h of this.heads) {
      const where = `${p}, head '${h.output}'`;
      const value = user.get(h.value);
      if (!value) throw new UsageError(`${where}: value '${h.value}' is not a declared (non-head) variable`);
      if (h.mean) {
        const out = user.get(h.output);
        if (!out || out.kind !== "numerical") throw new UsageError(`${where}: a mean head adds to a declared numerical variable; declare '${h.output}' with numerical()`);
        if (value.kind !== "numerical") throw new UsageError(`${where}: a mean head averages a numerical value; '${h.value}' is ${value.kind}`);
      } else if (user.has(h.output) || headVars.some((v) => v.name === h.output)) throw new UsageError(`${where}: output name clashes with another variable`);
      if (value.kind === "numerical" && !h.mean) {
        throw new UsageError(
          `${where}: value '${h.value}' is numerical; heads aggregate categorical or binary values only ` +
            `(a numerical head output cannot be reset exactly through tanh normalisation)`,
        );
      }
      if ((h.query === undefined) !== (h.key === undefined)) throw new UsageError(`${where}: give both query and key, or neither`);
      if (h.query !== undefined) {
        const q = user.get(h.query);
        const k = user.get(h.key!);
        if (!q || !k) throw new UsageError(`${where}: query '${h.query}' and key '${h.key}' must be declared (non-head) variables`);
        if (q.kind === "numerical" || k.kind === "numerical" || q.kind !== k.kind || q.range !== k.range) {
          throw new UsageError(`${where}: query '${q.name}' (${q.kind} ${q.range}) and key '${k.name}' (${k.kind} ${k.range}) must both be categorical of one range, or both binary`);
        }
      }
      if (h.offset !== undefined && (!Number.isInteger(h.offset) || h.offset === 0)) {
        throw new UsageError(`${where}: relative offset must be a non-zero integer, got ${h.offset}`);
      }
      if (h.query === undefined && h.offset === undefined) throw new UsageError(`${where}: a head needs a query/key pair, a relative offset, or both`);
      if (h.mean) continue;
      headVars.push({ name: h.output, kind: value.kind, range: value.range, defaultValue: null, role: "head" });
    }
    const all = new Map([...user, ...headVars.map((v) => [v.name, v] as const)]);
    for (const f of this.fns) {
      for (const r of f.reads) {
        const v = all.get(r);
        if (!v) throw new UsageError(`${p}, MLP function '${f.name}': reads unknown variable '${r}'`);
        if (v.kind === "numerical") throw new UsageError(`${p}, MLP function '${f.name}': reads numerical variable '${r}'; numerical variables cannot be MLP inputs (B.5.4)`);
      }
      if (new Set(f.reads).size !== f.reads.length) throw new UsageError(`${p}, MLP function '${f.name}': a variable is listed twice in its reads`);
    }
    if (this.outs.length === 0) throw new UsageError(`${p}: declare at least one output variable`);
    for (const o of this.outs) {
      const v = all.get(o);
      if (!v) throw new UsageError(`${p}: output '${o}' is not a declared variable`);
      if (v.role === "head") throw new UsageError(`${p}: output '${o}' is a head output (reset after every layer); copy it into a variable first`);
    }
    return {
      name: this.name,
      inputVocab: this.inputVocab,
      variables: [...this.vars, ...headVars],
      heads: this.heads.map((h) => ({ ...h })),
      mlp: [...this.fns],
      outputs: [...this.outs],
    };
  }
}

/** The token sequence `START p₁…p_Rs SEP x₁…x_n END` of an input (B.5.1). */
export function tokenSequence(input: readonly number[], promptTokens: number): TokenInfo[] {
  return [
    { kind: "start", index: -1 },
    ...Array.from({ length: promptTokens }, (_, i) => ({ kind: "prompt" as const, index: i })),
    { kind: "sep", index: -1 },
    ...input.map((s) => ({ kind: "input" as const, index: s })),
    { kind: "end", index: -1 },
  ];
}

/** The initial value of variable `v` at a token (init function, else default), range-checked. */
export function initialValue(program: Program, v: VariableSpec, token: TokenInfo): Value {
  if (v.role === "head") return null;
  let x: number | boolean | null = v.defaultValue;
  if (v.init) {
    try {
      x = v.init(token);
    } catch (err) {
      throw new UsageError(`program '${program.name}': init function of '${v.name}' failed on token ${describeToken(token)}: ${(err as Error).message}`);
    }
    if (x === undefined) x = v.defaultValue;
  }
  if (x === null) return null;
  const n = typeof x === "boolean" ? Number(x) : x;
  checkValue(v, n, `program '${program.name}', init of '${v.name}' on token ${describeToken(token)}`);
  return n;
}

/** "START", "p3", "x=1", … */
export function describeToken(t: TokenInfo): string {
  return t.kind === "input" ? `x=${t.index}` : t.kind === "prompt" ? `p${t.index + 1}` : t.kind.toUpperCase();
}
