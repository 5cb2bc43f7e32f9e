/**
 * The reference interpreter of ALTA-style programs (`program.ts`): runs a
 * program symbolically, layer by layer, on `START p₁…p_Rs SEP x₁…x_n END`.
 * One layer = one application of the compiled Transformer block:
 * 1. every head writes its output variable at every position (reading the
 *    state before the layer; heads never read head outputs); a relative head
 *    whose offset leaves the sequence reads the position itself; a mean head
 *    adds the mean of a numerical value over its selected positions to a
 *    numerical variable (B.5.3);
 * 2. every MLP function runs at every position on the values after step 1;
 *    a position where one of its reads is null is skipped (no atom of a rule
 *    can hold there); updates of all functions apply together;
 * 3. head outputs are reset to null.
 * `layers` layers run exactly (no off-by-one, unlike ALTA's `max_layers`).
 */
import { KcdlError, UsageError } from "../core/errors";
import { Program, TokenInfo, Value, describeToken, initialValue, tokenSequence, variable } from "./program";
import { checkUpdates } from "./rules";

/** The state: per variable, its value at every position. */
export type State = Record<string, Value[]>;

export interface InterpretResult {
  tokens: TokenInfo[];
  /** Index of SEP. */
  sepIndex: number;
  /** Output variables' values at SEP. */
  outputs: Record<string, Value>;
  /** States after init (index 0) and after every layer (head outputs null), when `trace` is set. */
  states?: State[];
}

/** Runs `program` on `input` for `layers` layers with `promptTokens` prompt tokens. */
export function interpret(program: Program, input: readonly number[], opts: { layers: number; promptTokens: number; trace?: boolean }): InterpretResult {
  if (!Number.isInteger(opts.layers) || opts.layers < 0) throw new UsageError(`interpret: layers must be an integer ≥ 0, got ${opts.layers}`);
  input.forEach((s, i) => {
    if (!Number.isInteger(s) || s < 0 || s >= program.inputVocab) {
      throw new UsageError(`program '${program.name}': input symbol ${s} at position ${i} is out of range [0, ${program.inputVocab})`);
    }
  });
  const tokens = tokenSequence(input, opts.promptTokens);
  const T = tokens.length;
  const state: State = {};
  for (const v of program.variables) state[v.name] = tokens.map((t) => initialValue(program, v, t));
  const states: State[] = [];
  const snapshot = () => {
    if (opts.trace) states.push(Object.fromEntries(Object.entries(state).map(([k, v]) => [k, [...v]])));
  };
  snapshot();
  for (let layer = 1; layer <= opts.layers; layer++) {
    // 1. heads (read the pre-layer state; outputs are separate variables)
    const means: [string, number[]][] = [];
    for (const h of program.heads) {
      if (h.mean) {
        means.push([h.output, meanHead(state, h.query!, h.key!, h.value, variable(program, h.query!).kind === "binary")]);
        continue;
      }
      const out = new Array<Value>(T).fill(null);
      const q = h.query ? state[h.query] : undefined;
      const k = h.key ? state[h.key] : undefined;
      const binary = h.query ? variable(program, h.query).kind === "binary" : false;
      for (let i = 0; i < T; i++) {
        let selected = -1;
        let count = 0;
        const lo = h.offset === undefined ? 0 : i + h.offset;
        const hi = h.offset === undefined ? T - 1 : i + h.offset;
        for (let j = Math.max(0, lo); j <= Math.min(T - 1, hi); j++) {
          if (q && k) {
            if (q[i] === null || k[j] === null) continue;
            if (binary ? !(q[i] === 1 && k[j] === 1) : q[i] !== k[j]) continue;
          }
          selected = j;
          count++;
        }
        // A pure relative head whose target lies outside the sequence reads its own position
        // (the compiled bias b_h(0) = A/2, compiler.ts).
        if (!q && (i + h.offset! < 0 || i + h.offset! >= T)) {
          selected = i;
          count = 1;
        }
        out[i] = count === 1 ? state[h.value][selected] : null;
      }
      state[h.output] = out;
    }
    for (const [name, add] of means) state[name] = state[name].map((v, i) => (v ?? 0) + add[i]);
    // 2. MLP functions on the post-attention values
    const pending: Record<string, Value[]> = {};
    const source: Record<string, string[]> = {};
    for (const f of program.mlp) {
      const vars = f.reads.map((r) => variable(program, r));
      for (let i = 0; i < T; i++) {
        const vals = f.reads.map((r) => state[r][i]);
        if (vals.some((v) => v === null)) continue;
        const x = Object.fromEntries(f.reads.map((r, j) => [r, vals[j] as number]));
        const where = () => `input {${f.reads.map((r) => `${r}: ${x[r]}`).join(", ")}} (layer ${layer}, position ${i}, token ${describeToken(tokens[i])})`;
        let u: Record<string, number> | undefined;
        try {
          u = f.fn(x);
        } catch (err) {
          throw new KcdlError(`program '${program.name}', MLP function '${f.name}' threw on ${where()}: ${(err as Error).message}`);
        }
        if (u === undefined) {
          throw new KcdlError(
            `program '${program.name}': MLP function '${f.name}' is undefined on reachable ${where()}; define it there or make that input unreachable`,
          );
        }
        checkUpdates(program, f, vars, u, where());
        for (const [name, value] of Object.entries(u)) {
          const v = variable(program, name);
          pending[name] ??= [...state[name]];
          source[name] ??= new Array(T).fill("");
          if (v.kind === "numerical") {
            pending[name][i] = (pending[name][i] ?? 0) + value;
            continue;
          }
          if (source[name][i] && pending[name][i] !== value) {
            throw new KcdlError(`program '${program.name}': MLP functions '${source[name][i]}' and '${f.name}' set '${name}' to different values on ${where()}`);
          }
          pending[name][i] = value;
          source[name][i] = f.name;
        }
      }
    }
    Object.assign(state, pending);
    // 3. reset head outputs
    for (const h of program.heads) if (!h.mean) state[h.output] = new Array<Value>(T).fill(null);
    snapshot();
  }
  const sepIndex = 1 + opts.promptTokens;
  const outputs = Object.fromEntries(program.outputs.map((o) => [o, state[o][sepIndex]]));
  return { tokens, sepIndex, outputs, ...(opts.trace ? { states } : {}) };
}

/**
 * A mean head (B.5.3) at every position: the mean of numerical `value` (null = 0) over the
 * positions whose `key` equals the position's `query` (binary: both 1); over every position
 * when none matches, as a softmax with equal scores does.
 */
function meanHead(state: State, query: string, key: string, value: string, binary: boolean): number[] {
  const q = state[query];
  const k = state[key];
  const v = state[value].map((x) => x ?? 0);
  const all = v.reduce((a, x) => a + x, 0) / v.length;
  return q.map((qi) => {
    let sum = 0;
    let n = 0;
    k.forEach((kj, j) => {
      const hit = qi !== null && kj !== null && (binary ? qi === 1 && kj === 1 : qi === kj);
      if (hit) {
        sum += v[j];
        n++;
      }
    });
    return n === 0 ? all : sum / n;
  });
}
