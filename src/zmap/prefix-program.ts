/**
 * The machine stage of zmap(T, R, z) (B.5.3, Fig. 6): an ALTA-style program,
 * built with our program builder (`src/alta/program.ts`), whose layers execute
 * a prefix Turing machine (B.3) one step per layer on the model input
 * `START p₁…p_Rs SEP x₁…x_n END` (B.5.1).
 *
 * Layout of the tapes over positions:
 * - program tape: the prompt positions; bit z_i is the binary variable `pbit` of
 *   prompt i, so it lives in one column of the prompt-embedding table (eq. 53,
 *   with levels {0, s} instead of ±1; prompts beyond |z| hold 0 and are never read);
 * - work tape and the |Y| output tapes: the same R_s prompt positions (B.5.7);
 * - input tape: SEP (its START marker), x₁…x_n, END.
 * Every other prompt column is the same for all rows (eq. 53): all heads start on
 * the START token and a first layer moves them onto p₁, so no variable's initial
 * value depends on the prompt index except `pbit`. The machine's step t runs in
 * layer t + 1; after it halts nothing changes.
 *
 * Heads: `readP`, `readW`, `readI` read the symbol under the program, work and
 * input heads (query `one`, key the head flag); relative heads read the
 * neighbours' head flags (and whether the left neighbour is START, which blocks
 * a work-tape move left from cell 1). MLP functions compute the transition from
 * the three read symbols and the state — the same at every position — and each
 * position applies the part that concerns it (write, head leaves, head arrives).
 * Leave and arrive are separate functions so each rule reads one neighbour; past
 * the sequence ends a relative head reads its own position, where no head
 * arrives from itself.
 *
 * Decoding (B.5.3): the output tapes are also tracked as "sign", "sum" (the
 * signed numerator, a numerical variable at START) and "key" (START plus one
 * position per denominator one); one layer after the machine halts, a mean head
 * per output adds sum / #key — the logit of eq. 28 — to a numerical variable
 * read out at SEP. `zmapLayers` = R_t + 2 layers in all, as in B.5.3.
 */
import { Program, ProgramBuilder, Updates, Value } from "../alta/program";
import { Bounds, Configuration, InputSymbol, PrefixIn, PrefixMachine, PrefixOut, checkPrefixMachine, checkProgram } from "./prefix-machine";

/** Variable names of output tape k. */
const outVar = (k: number) => `out${k}`;
const oHead = (k: number) => `oHead${k}`;
const oHeadLeft = (k: number) => `oHeadLeft${k}`;

/** The machine-stage program for machine `m`, program `z` and bounds R (run R_t + 1 layers). */
export function prefixMachineProgram(m: PrefixMachine, z: readonly number[], bounds: Bounds): Program {
  checkPrefixMachine(m);
  checkProgram(m, z, bounds);
  const V = m.inputSymbols;
  const IN_START = V;
  const IN_END = V + 1;
  const decodeIn = (s: number): InputSymbol => (s === IN_START ? "START" : s === IN_END ? "END" : s);
  const memo = new Map<string, PrefixOut | undefined>();
  /** The transition this layer: null before the start or after halting; undefined where T has none. */
  const delta = (x: Readonly<Record<string, number>>): PrefixOut | null | undefined => {
    if (!x.started || x.halted) return null;
    const i: PrefixIn = { state: x.state, input: decodeIn(x.readI), program: x.readP as 0 | 1, work: x.readW };
    const key = `${i.state},${i.input},${i.program},${i.work}`;
    if (!memo.has(key)) memo.set(key, m.transition(i));
    return memo.get(key);
  };
  const T = ["started", "halted", "state", "readP", "readW", "readI"];
  /** An MLP function of the transition and `extra` reads: `f` gets the transition (never null/undefined). */
  const step = (
    extra: string[],
    f: (o: PrefixOut, x: Readonly<Record<string, number>>) => Updates,
  ): [string[], (x: Readonly<Record<string, number>>) => Updates | undefined] => [
    [...T, ...extra],
    (x) => {
      const o = delta(x);
      if (o === null) return {};
      if (o === undefined) return undefined;
      return f(o, x);
    },
  ];

  const b = new ProgramBuilder(`zmap-${m.name}`, V)
    .binary("isStart", { init: (t) => t.kind === "start" })
    .binary("isPrompt", { init: (t) => t.kind === "prompt" })
    .binary("onInput", { init: (t) => t.kind === "sep" || t.kind === "input" || t.kind === "end" })
    .binary("one", { default: 1 })
    .binary("pbit", { init: (t) => (t.kind === "prompt" && t.index < z.length ? z[t.index] : 0) })
    .categorical("work", Math.max(2, m.workSymbols), { default: 0 })
    .categorical("inSym", V + 2, { init: (t) => (t.kind === "input" ? t.index : t.kind === "end" ? IN_END : IN_START) })
    .categorical("state", Math.max(2, m.states), { default: 0 })
    .binary("halted", { default: 0 })
    .binary("started", { default: 0 })
    .binary("pHead", { init: (t) => t.kind === "start" })
    .binary("wHead", { init: (t) => t.kind === "start" })
    .binary("iHead", { init: (t) => t.kind === "sep" });
  for (let k = 0; k < m.outputs; k++) {
    b.categorical(outVar(k), 3, { default: 0 }); // 0 blank, 1 + bit
    b.binary(oHead(k), { init: (t) => t.kind === "start" });
  }
  declareDecodeVariables(b, m.outputs);
  b.head("readP", { query: "one", key: "pHead", value: "pbit" })
    .head("readW", { query: "one", key: "wHead", value: "work" })
    .head("readI", { query: "one", key: "iHead", value: "inSym" })
    .relative("startLeft", "isStart", -1)
    .relative("pHeadLeft", "pHead", -1)
    .relative("wHeadLeft", "wHead", -1)
    .relative("wHeadRight", "wHead", +1)
    .relative("iHeadLeft", "iHead", -1)
    .relative("iHeadRight", "iHead", +1);
  for (let k = 0; k < m.outputs; k++) b.relative(oHeadLeft(k), oHead(k), -1);

  const outHeads = Array.from({ length: m.outputs }, (_, k) => oHead(k));
  // Layer 1: every head on START moves onto p₁ (cell 1 of the program, work and output tapes).
  b.mlp("setupLeave", ["started", "isStart", "pHead", "wHead", ...outHeads], (x): Updates =>
    !x.started && x.isStart ? Object.fromEntries(["pHead", "wHead", ...outHeads].map((h) => [h, 0])) : {},
  );
  b.mlp("setupArrive", ["started", "startLeft", "isPrompt", "pHead", "wHead", ...outHeads], (x): Updates =>
    !x.started && x.startLeft && x.isPrompt ? Object.fromEntries(["pHead", "wHead", ...outHeads].map((h) => [h, 1])) : {},
  );
  b.mlp("control", T, (x): Updates | undefined => {
    if (!x.started) return { started: 1 };
    const o = delta(x);
    if (o === null) return {};
    if (o === undefined) return undefined;
    return { state: o.state, ...(o.halt ? { halted: 1 } : {}) };
  });
  // Program tape: the head only advances.
  b.mlp("programLeave", ...step(["pHead"], (o, x): Updates => (o.advance && x.pHead ? { pHead: 0 } : {})));
  b.mlp("programArrive", ...step(["pHead", "pHeadLeft", "isPrompt"], (o, x): Updates => (o.advance && !x.pHead && x.pHeadLeft && x.isPrompt ? { pHead: 1 } : {})));
  // Work tape: write, then move (left from cell 1 — whose left neighbour is START — stays).
  b.mlp("workWrite", ...step(["wHead", "work"], (o, x): Updates => (x.wHead && o.work !== undefined ? { work: o.work } : {})));
  b.mlp("workLeave", ...step(["wHead", "startLeft"], (o, x): Updates => (x.wHead && o.workMove && !(o.workMove === -1 && x.startLeft) ? { wHead: 0 } : {})));
  b.mlp("workArriveRight", ...step(["wHead", "wHeadLeft", "isPrompt"], (o, x): Updates => (o.workMove === 1 && !x.wHead && x.wHeadLeft && x.isPrompt ? { wHead: 1 } : {})));
  b.mlp("workArriveLeft", ...step(["wHead", "wHeadRight", "isPrompt"], (o, x): Updates => (o.workMove === -1 && !x.wHead && x.wHeadRight && x.isPrompt ? { wHead: 1 } : {})));
  // Input tape: SEP … END; RIGHT is blocked on END, LEFT on SEP (the tape's START).
  b.mlp("inputLeave", ...step(["iHead", "inSym"], (o, x): Updates => {
    if (!x.iHead || !o.inputMove) return {};
    const blocked = (o.inputMove === 1 && x.inSym === IN_END) || (o.inputMove === -1 && x.inSym === IN_START);
    return blocked ? {} : { iHead: 0 };
  }));
  b.mlp("inputArriveRight", ...step(["iHead", "iHeadLeft", "onInput"], (o, x): Updates => (o.inputMove === 1 && !x.iHead && x.iHeadLeft && x.onInput ? { iHead: 1 } : {})));
  b.mlp("inputArriveLeft", ...step(["iHead", "iHeadRight", "onInput"], (o, x): Updates => (o.inputMove === -1 && !x.iHead && x.iHeadRight && x.onInput ? { iHead: 1 } : {})));
  // Output tapes: write-once, the head advances after each write.
  for (let k = 0; k < m.outputs; k++) {
    b.mlp(`outputWrite${k}`, ...step([oHead(k), outVar(k)], (o, x) =>
      o.output?.tape === k && x[oHead(k)] ? { [outVar(k)]: 1 + o.output.bit, [oHead(k)]: 0 } : {},
    ));
    b.mlp(`outputArrive${k}`, ...step([oHead(k), oHeadLeft(k), "isPrompt"], (o, x) =>
      o.output?.tape === k && !x[oHead(k)] && x[oHeadLeft(k)] && x.isPrompt ? { [oHead(k)]: 1 } : {},
    ));
  }

  // Decoding (B.5.3). Per output tape k, uniform over positions (every position computes the
  // same transition): `phase` 0 before the sign bit, 1 in the numerator, 2 in the denominator,
  // and `sign`. At START only, numerical `sum` counts the numerator's ones with the sign; `key`
  // is 1 at START and at the cell of each denominator one, so #key = denominator. When the
  // machine halts, `decodeNow` becomes 1 for one layer; in that layer the mean head of each
  // tape adds sum / #key (the mean of `sum` over the positions whose key equals decodeNow = 1)
  // to `logit`; in every other layer it adds the mean over key = 0 positions, where sum = 0.
  b.mlp("decodeStart", ...step(["decodeNow"], (o, x): Updates => (o.halt && !x.decodeNow ? { decodeNow: 1 } : {})));
  b.mlp("decodeStop", ["decodeNow"], (x): Updates => (x.decodeNow ? { decodeNow: 0 } : {}));
  for (let k = 0; k < m.outputs; k++) {
    const [phase, sign, sum, key] = [`phase${k}`, `sign${k}`, `sum${k}`, `key${k}`];
    b.mlp(`decodePhase${k}`, ...step([phase, sign], (o, x): Updates => {
      if (o.output?.tape !== k) return {};
      if (x[phase] === 0) return { [phase]: 1, [sign]: o.output.bit };
      if (x[phase] === 1 && o.output.bit === 0) return { [phase]: 2 };
      return {};
    }));
    b.mlp(`decodeNumerator${k}`, ...step(["isStart", phase, sign], (o, x): Updates =>
      o.output?.tape === k && x.isStart && x[phase] === 1 && o.output.bit === 1 ? { [sum]: x[sign] ? -1 : 1 } : {},
    ));
    b.mlp(`decodeDenominator${k}`, ...step([oHead(k), phase, key], (o, x): Updates =>
      o.output?.tape === k && x[oHead(k)] && x[phase] === 2 && o.output.bit === 1 ? { [key]: 1 } : {},
    ));
    b.mean(`logit${k}`, { query: "decodeNow", key, value: sum });
    b.output(`logit${k}`);
  }
  return b.build();
}

/** Variables of the decoding stage (B.5.3), per output tape. */
function declareDecodeVariables(b: ProgramBuilder, outputs: number): void {
  b.categorical("decodeNow", 2, { default: 0 });
  for (let k = 0; k < outputs; k++) {
    b.categorical(`phase${k}`, 3, { default: 0 });
    b.binary(`sign${k}`, { default: 0 });
    b.numerical(`sum${k}`, { default: 0 });
    b.categorical(`key${k}`, 2, { init: (t) => t.kind === "start" });
    b.numerical(`logit${k}`, { default: 0 });
  }
}

/** Layers the machine stage needs for R_t steps: one set-up layer, then one per step. */
export const machineStageLayers = (bounds: Bounds): number => bounds.rt + 1;

/** Layers of zmap's Transformer: the machine stage, then one decoding layer (B.5.3: R_t + 2). */
export const zmapLayers = (bounds: Bounds): number => machineStageLayers(bounds) + 1;

/**
 * The machine configuration held by a program state (variables → values per
 * position of `START p₁…p_Rs SEP x… END`), in the simulator's terms, so the
 * two can be compared step by step.
 */
export function configurationAt(m: PrefixMachine, rs: number, state: Record<string, Value[]>): Configuration {
  const prompts = (name: string) => state[name].slice(1, 1 + rs);
  const sep = 1 + rs;
  const idx = (xs: Value[]) => xs.findIndex((v) => v === 1);
  return {
    state: state.state[sep] as number,
    inputHead: idx(state.iHead.slice(sep)),
    programHead: idx(prompts("pHead")),
    work: prompts("work") as number[],
    workHead: idx(prompts("wHead")),
    outputs: Array.from({ length: m.outputs }, (_, k) =>
      (prompts(outVar(k)) as number[]).filter((v) => v > 0).map((v) => (v - 1) as 0 | 1),
    ),
    halted: state.halted[sep] === 1,
  };
}
