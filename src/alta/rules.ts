/**
 * Expansion of MLP functions into MLP rules (ALTA; B.5.4 "each MLP rule
 * compiles to a single dimension of the weight matrices in the MLP sub-layer").
 *
 * A rule is a conjunction of atoms (variable = value) and one update of a target
 * variable: old → new for categorical/binary targets (the old value is always an
 * atom, so the compiled MLP can subtract it), or "add c" for numerical targets.
 * For each function the full table over its reads is evaluated; each changing
 * input is then covered by a cube (a set of atoms) grown by dropping atoms while
 * every input in the cube gives the same update (inputs where the function is
 * undefined count as "don't care") and the cube stays disjoint from the cubes
 * already chosen for that target, so at most one rule per target fires on any
 * input. Head outputs get one reset rule per value: (o = v) → o: v ↦ null.
 */
import { KcdlError, UsageError } from "../core/errors";
import { MlpFunction, Program, VariableSpec, checkValue, variable } from "./program";

export interface Atom {
  variable: string;
  value: number;
}

export interface Rule {
  /** The MLP function it came from, or "reset" for head-output resets. */
  source: string;
  atoms: Atom[];
  target: string;
  /** Categorical/binary targets: the old value (an atom) and the new one (null = reset). */
  from?: number;
  to?: number | null;
  /** Numerical targets: the amount added. */
  add?: number;
}

/** The table of one MLP function: per full input (mixed-radix index), its updates or undefined. */
export interface FunctionTable {
  fn: MlpFunction;
  vars: VariableSpec[];
  /** Per input index: updates (possibly {}), or undefined where the function is undefined. */
  outputs: (Record<string, number> | undefined)[];
}

function describe(vars: VariableSpec[], values: number[]): string {
  return `{${vars.map((v, i) => `${v.name}: ${values[i]}`).join(", ")}}`;
}

/** Evaluates `fn` on every combination of its reads, validating every update. */
export function functionTable(program: Program, fn: MlpFunction): FunctionTable {
  const vars = fn.reads.map((r) => variable(program, r));
  const size = vars.reduce((a, v) => a * v.range, 1);
  if (size > 1 << 22) throw new UsageError(`program '${program.name}', MLP function '${fn.name}': ${size} input combinations; split it into functions with fewer reads`);
  const outputs: FunctionTable["outputs"] = [];
  for (let idx = 0; idx < size; idx++) {
    const values = decodeIndex(vars, idx);
    const x = Object.fromEntries(vars.map((v, i) => [v.name, values[i]]));
    let u: Record<string, number> | undefined;
    try {
      u = fn.fn(x);
    } catch (err) {
      throw new KcdlError(`program '${program.name}', MLP function '${fn.name}' threw on input ${describe(vars, values)}: ${(err as Error).message}`);
    }
    if (u !== undefined) checkUpdates(program, fn, vars, u, `input ${describe(vars, values)}`);
    outputs.push(u === undefined ? undefined : { ...u });
  }
  return { fn, vars, outputs };
}

/** Validates the updates of an MLP function on one input (targets, ranges, old values readable). */
export function checkUpdates(program: Program, fn: MlpFunction, vars: VariableSpec[], u: Record<string, number>, where: string): void {
  const at = `program '${program.name}', MLP function '${fn.name}' on ${where}`;
  if (typeof u !== "object" || u === null) throw new UsageError(`${at}: must return an object of updates (or undefined), got ${u}`);
  for (const [name, value] of Object.entries(u)) {
    const v = program.variables.find((x) => x.name === name);
    if (!v) throw new UsageError(`${at}: updates unknown variable '${name}'`);
    if (v.role === "head") throw new UsageError(`${at}: updates head output '${name}'; head outputs are written by attention only`);
    if (v.kind !== "numerical" && !vars.some((x) => x.name === name)) {
      throw new UsageError(`${at}: updates '${name}' without reading it; add '${name}' to the function's reads (a rule must know the old value)`);
    }
    checkValue(v, value, at);
  }
}

function decodeIndex(vars: VariableSpec[], idx: number): number[] {
  const out = new Array<number>(vars.length);
  for (let i = vars.length - 1; i >= 0; i--) {
    out[i] = idx % vars[i].range;
    idx = Math.floor(idx / vars[i].range);
  }
  return out;
}

/** The update a table entry makes to `target` as a comparable key ("" = none, "*" = undefined). */
function updateKey(t: FunctionTable, idx: number, target: string): string {
  const u = t.outputs[idx];
  if (u === undefined) return "*";
  if (!(target in u)) return "";
  const v = t.vars.findIndex((x) => x.name === target);
  if (v >= 0 && decodeIndex(t.vars, idx)[v] === u[target]) return ""; // no change
  if (v < 0 && u[target] === 0) return ""; // numerical add 0
  return String(u[target]);
}

/** The rules of one MLP function (minimised disjoint cubes, module doc). */
export function expandFunction(program: Program, fn: MlpFunction): Rule[] {
  const t = functionTable(program, fn);
  const targets = new Set<string>();
  for (const u of t.outputs) if (u) for (const k of Object.keys(u)) targets.add(k);
  const rules: Rule[] = [];
  const n = t.vars.length;
  for (const target of targets) {
    const tv = variable(program, target);
    const ti = t.vars.findIndex((x) => x.name === target);
    const chosen: (number | null)[][] = []; // cubes: value per read, null = free
    const inCube = (cube: (number | null)[], vals: number[]) => cube.every((c, i) => c === null || c === vals[i]);
    const disjoint = (a: (number | null)[], b: (number | null)[]) => a.some((x, i) => x !== null && b[i] !== null && x !== b[i]);
    const cubeValid = (cube: (number | null)[], key: string) => {
      for (let idx = 0; idx < t.outputs.length; idx++) {
        if (!inCube(cube, decodeIndex(t.vars, idx))) continue;
        const k = updateKey(t, idx, target);
        if (k !== key && k !== "*") return false;
      }
      return true;
    };
    for (let idx = 0; idx < t.outputs.length; idx++) {
      const key = updateKey(t, idx, target);
      if (key === "" || key === "*") continue;
      const vals = decodeIndex(t.vars, idx);
      if (chosen.some((c) => inCube(c, vals))) continue;
      const cube: (number | null)[] = [...vals];
      for (let i = 0; i < n; i++) {
        if (i === ti) continue; // the old value of the target stays an atom
        const saved = cube[i];
        cube[i] = null;
        if (!cubeValid(cube, key) || !chosen.every((c) => disjoint(c, cube))) cube[i] = saved;
      }
      chosen.push([...cube]);
      const atoms = cube.flatMap((c, i) => (c === null ? [] : [{ variable: t.vars[i].name, value: c }]));
      const value = t.outputs[idx]![target];
      rules.push(
        tv.kind === "numerical"
          ? { source: fn.name, atoms, target, add: value }
          : { source: fn.name, atoms, target, from: vals[ti], to: value },
      );
    }
  }
  return rules;
}

/** Reset rules of the head outputs: (o = v) → o: v ↦ null, for every value v (1 only for binary). */
export function resetRules(program: Program): Rule[] {
  return program.variables
    .filter((v) => v.role === "head")
    .flatMap((v) =>
      (v.kind === "binary" ? [1] : Array.from({ length: v.range }, (_, i) => i)).map((value) => ({
        source: "reset",
        atoms: [{ variable: v.name, value }],
        target: v.name,
        from: value,
        to: null,
      })),
    );
}

/** Every rule of a program: the MLP functions' rules in order, then the head-output resets. */
export function programRules(program: Program): Rule[] {
  return [...program.mlp.flatMap((f) => expandFunction(program, f)), ...resetRules(program)];
}

/** "done=0 ∧ doneRight=1 → done: 0 ↦ 1" */
export function describeRule(r: Rule): string {
  const lhs = r.atoms.map((a) => `${a.variable}=${a.value}`).join(" ∧ ") || "true";
  const rhs = r.add !== undefined ? `${r.target} += ${r.add}` : `${r.target}: ${r.from} ↦ ${r.to === null ? "null" : r.to}`;
  return `${lhs} → ${rhs}`;
}
