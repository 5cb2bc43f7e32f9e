/**
 * `zmap`'s measurements (B.5, B.10):
 * - For each machine and program z: compile, run the Transformer on every input
 *   up to a length, decode the machine configuration (state, the four kinds of
 *   tape and their heads) from the residual stream after every layer, and count
 *   the (program, input) pairs where any layer differs from the simulator's
 *   configuration after the same number of steps, or where the Transformer's
 *   logits — decoded from the output tapes inside the network by B.5.3's mean
 *   heads, one layer after the machine halts — differ from the simulator's
 *   logits f_T^z(x) (eq. 29) by more than `logitTolerance` (relative).
 * - Theorem 2 (B.10): KL in bits of the construction's posterior against its
 *   prior for several programs and R_s; KL − |z| should be one constant c_T.
 * - The head positions of one traced run, and the compiled matrices of its machine.
 */
import * as tf from "@tensorflow/tfjs";
import type { RunContext } from "../../lab/experiment";
import { decodeResidual } from "../../alta/compiler";
import { disposeForward, forward, makeBatch, weightsFromValues } from "../../nn/transformer";
import { Configuration, PrefixMachine, runPrefix } from "../../zmap/prefix-machine";
import { configurationAt } from "../../zmap/prefix-program";
import { zmap, zmapTheorem2 } from "../../zmap/zmap";
import { MACHINES, MACHINE_KEYS } from "./machines";
import type { ZmapConfig } from "./config";
import type { MachineRow, ProgramCheck, Theorem2Row, ZmapMetrics } from "./types";

type Zmapped = ReturnType<typeof zmap>;
type CompileOptions = ZmapConfig["compile"];

function allInputs(n: number): number[][] {
  const out: number[][] = [[]];
  for (let len = 1; len <= n; len++) for (let v = 0; v < 1 << len; v++) out.push(Array.from({ length: len }, (_, k) => (v >> (len - 1 - k)) & 1));
  return out;
}

/** Runs the compiled machine on `inputs`: the decoded configuration after every layer, and the logits, per input. */
function compiledRun(m: PrefixMachine, zm: Zmapped, rs: number, inputs: number[][]): { configs: Configuration[][]; logits: number[][] } {
  const c = zm.compiled;
  const w = weightsFromValues(c.config, c.values);
  const out = forward(c.config, w, makeBatch(c.config, inputs), { layers: zm.layers, returnResidual: true });
  const perInput: Configuration[][] = inputs.map(() => []);
  for (const layer of out.residual!) {
    const rows = layer.arraySync() as number[][][];
    inputs.forEach((x, b) => {
      const decoded = rows[b].slice(0, rs + x.length + 3).map((r) => decodeResidual(c, r));
      const state: Record<string, (number | null)[]> = {};
      for (const v of c.program.variables) state[v.name] = decoded.map((d) => d[v.name]);
      perInput[b].push(configurationAt(m, rs, state));
    });
  }
  const logits = out.logits.arraySync() as number[][];
  disposeForward(out);
  tf.dispose(Object.values(w));
  return { configs: perInput, logits };
}

/** Largest relative error max_k |ŷ_k − y_k| / max(1, |y_k|). */
const logitError = (got: number[], want: number[]) => Math.max(0, ...want.map((y, k) => Math.abs(got[k] - y) / Math.max(1, Math.abs(y))));

const headPositions = (c: Configuration) => ({ program: c.programHead, work: c.workHead, input: c.inputHead, state: c.state });

/** Relative offsets whose T5 bias is nonzero in some head. */
function relativeOffsets(zm: Zmapped): number[] {
  const heads = zm.compiled.config.heads;
  const W = zm.compiled.config.relWindow;
  const rel = zm.compiled.values["attn/relBias"];
  return Array.from({ length: 2 * W + 1 }, (_, j) => j - W).filter((d) => Array.from({ length: heads }, (_, h) => rel[h * (2 * W + 1) + d + W]).some((x) => x !== 0));
}

/** Whether the compiled run's configuration differs from the simulator's after some layer (the first such layer, or undefined). */
function firstBadLayer(got: Configuration[], sim: ReturnType<typeof runPrefix>): number | undefined {
  for (let layer = 1; layer < got.length; layer++) {
    const t = layer - 1;
    if (t >= sim.trace!.length && sim.status !== "halted") break; // the simulator stopped on a resource bound
    const want = sim.trace![Math.min(t, sim.trace!.length - 1)];
    if (JSON.stringify(got[layer]) !== JSON.stringify(want)) return layer;
  }
  return undefined;
}

/** One program of one machine: every input against the simulator. Returns the check and the inputs with any mismatch. */
function checkProgram(m: PrefixMachine, zm: Zmapped, source: string, z: number[], bounds: { rt: number; rs: number }, inputs: number[][], tolerance: number) {
  const { configs: got, logits } = compiledRun(m, zm, bounds.rs, inputs);
  const p: ProgramCheck = { program: source, programBits: z.length, inputs: inputs.length, configMismatches: 0, logitMismatches: 0, maxLogitError: 0, halted: 0, firstMismatch: undefined };
  let mismatches = 0;
  inputs.forEach((x, b) => {
    const sim = runPrefix(m, x, z, bounds, { trace: true });
    if (sim.status === "halted") p.halted++;
    const badLayer = firstBadLayer(got[b], sim);
    if (badLayer !== undefined) {
      p.configMismatches++;
      p.firstMismatch ??= `input [${x}] at layer ${badLayer}`;
    }
    const err = sim.status === "halted" ? logitError(logits[b], sim.logits!) : 0;
    p.maxLogitError = Math.max(p.maxLogitError, err);
    const badLogits = err > tolerance;
    if (badLogits) {
      p.logitMismatches++;
      p.firstMismatch ??= `input [${x}]: logits [${logits[b].map((v) => v.toPrecision(4))}], simulator [${sim.logits}]`;
    }
    if (badLayer !== undefined || badLogits) mismatches++;
  });
  return { p, mismatches };
}

/** Every machine's programs compiled and checked against the simulator. */
function checkMachines(config: ZmapConfig, ctx: RunContext, total: number): MachineRow[] {
  const machines: MachineRow[] = [];
  ctx.progress.start("zmap: compile and check", total);
  let done = 0;
  for (const key of MACHINE_KEYS) {
    const { machine: m, program } = MACHINES[key];
    const runCfg = config[key];
    const bounds = { rt: runCfg.rt, rs: runCfg.rs };
    const inputs = allInputs(runCfg.maxInputLength);
    const row: MachineRow = { name: m.name, states: m.states, symbols: m.inputSymbols, programs: runCfg.programs.length, inputsChecked: 0, mismatches: 0, rt: bounds.rt, rs: bounds.rs, weightCount: 0, heads: 0, paperHeads: 7 + 3 * m.outputs, relativeOffsets: [], perProgram: [] };
    for (const source of runCfg.programs) {
      const z = program(source);
      const zm = zmap(m, bounds, z, config.compile);
      row.weightCount = Object.values(zm.compiled.values).reduce((a, v) => a + v.length, 0);
      row.heads = zm.compiled.config.heads;
      row.relativeOffsets = relativeOffsets(zm);
      const { p, mismatches } = checkProgram(m, zm, source, z, bounds, inputs, config.logitTolerance);
      row.mismatches += mismatches;
      row.inputsChecked += inputs.length;
      row.perProgram.push(p);
      ctx.progress.update(++done, { machine: m.name, mismatches: row.mismatches });
    }
    machines.push(row);
  }
  ctx.progress.stop();
  return machines;
}

/** Theorem 2: KL for each program at each R_s, and c_T's per-tensor breakdown per machine. */
function theorem2Rows(config: ZmapConfig, ctx: RunContext, total: number): Pick<ZmapMetrics, "theorem2" | "cT"> {
  const theorem2: Theorem2Row[] = [];
  const cT: ZmapMetrics["cT"] = [];
  ctx.progress.start("zmap: Theorem 2 accounting", total * config.theorem2.rs.length);
  let done = 0;
  for (const key of MACHINE_KEYS) {
    const { machine: m, program } = MACHINES[key];
    for (const source of config[key].programs) {
      const z = program(source);
      for (const rs of config.theorem2.rs) {
        const t = zmapTheorem2(zmap(m, { rt: config[key].rt, rs }, z, config.compile), z.length);
        theorem2.push({ machine: m.name, program: source, programBits: z.length, rs, klBits: t.klBits, cT: t.klBits - z.length, weightCount: t.weightCount, promptWeightCount: t.promptWeightCount });
        if (!cT.some((x) => x.machine === m.name)) cT.push({ machine: m.name, cT: t.cT, groups: t.groups });
        ctx.progress.update(++done);
      }
    }
  }
  ctx.progress.stop();
  return { theorem2, cT };
}

/** A compiled matrix, values to 4 significant digits. */
function matrix(vals: Zmapped["compiled"]["values"], name: string, rows: number, cols: number) {
  return { name, rows, cols, values: Array.from({ length: rows }, (_, r) => Array.from(vals[name].subarray(r * cols, (r + 1) * cols), (v) => Number(v.toPrecision(4)))) };
}

/** Head positions of the traced run, layer by layer, and its machine's compiled matrices. */
function traceRun(config: ZmapConfig, compile: CompileOptions): Pick<ZmapMetrics, "trace" | "weights"> {
  const { machine: tm, program: tp } = MACHINES[config.trace.machine];
  const tz = tp(config.trace.program);
  const tb = { rt: config[config.trace.machine].rt, rs: config[config.trace.machine].rs };
  const tzm = zmap(tm, tb, tz, compile);
  const compiledTrace = compiledRun(tm, tzm, tb.rs, [config.trace.input]).configs[0];
  const sim = runPrefix(tm, config.trace.input, tz, tb, { trace: true });
  const lastStep = sim.trace!.length - 1;
  // up to the decoding layer after a halt; up to the last simulated step when a bound stopped the simulator
  const end = sim.status === "halted" ? lastStep + 3 : lastStep + 2;
  const layers = compiledTrace.slice(1, Math.min(compiledTrace.length, end)).map((c, i) => ({
    layer: i + 1,
    compiled: headPositions(c),
    simulator: headPositions(sim.trace![Math.min(i, lastStep)]),
  }));
  const vals = tzm.compiled.values;
  const c = tzm.compiled.config;
  const weights = [
    matrix(vals, "attn/Wq", c.dModel, c.heads * c.dHead),
    matrix(vals, "attn/Wo", c.heads * c.dHead, c.dModel),
    matrix(vals, "mlp/W1", c.dModel, c.dMlp),
    matrix(vals, "mlp/W2", c.dMlp, c.dModel),
  ];
  return { trace: { machine: tm.name, program: config.trace.program, input: config.trace.input, layers }, weights };
}

export async function run(config: ZmapConfig, ctx: RunContext): Promise<ZmapMetrics> {
  const compile = { ...config.compile };
  const total = MACHINE_KEYS.reduce((a, k) => a + config[k].programs.length, 0);
  const machines = checkMachines({ ...config, compile }, ctx, total);
  const { theorem2, cT } = theorem2Rows({ ...config, compile }, ctx, total);
  return { machines, theorem2, cT, ...traceRun(config, compile) };
}
