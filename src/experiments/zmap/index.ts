/**
 * Experiment `zmap` (B.5, B.10, Theorem 2): prefix Turing machines compiled to
 * looped-Transformer weights by zmap(T, R, z), checked against the reference
 * simulator, and Theorem 2's codelength measured on the compiled weights.
 *
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
 * - Machines: `selector` (a program selects one of four functions), `bitlang`
 *   (an interpreter for a tiny self-delimiting language with loops) and
 *   `ratio` (signed rational logits with denominators > 1, to exercise eq. 28).
 */
import * as tf from "@tensorflow/tfjs";
import { Experiment, Results, RunContext } from "../../lab/experiment";
import { schemaFromDefaults } from "../../lab/legacy";
import { decodeResidual } from "../../alta/compiler";
import { disposeForward, forward, makeBatch, weightsFromValues } from "../../nn/transformer";
import { Configuration, PrefixMachine, runPrefix } from "../../zmap/prefix-machine";
import { configurationAt } from "../../zmap/prefix-program";
import { zmap, zmapTheorem2 } from "../../zmap/zmap";
import { selector, selectorPrograms } from "../../zmap/machines/selector";
import { assemble, bitlang } from "../../zmap/machines/bitlang";
import { ratio } from "../../zmap/machines/ratio";
import { UsageError } from "../../core/errors";
import type { FigureSpec } from "../../report/figure";
import type { Table } from "../../report/table";

const MACHINES: Record<string, { machine: PrefixMachine; program: (source: string) => number[] }> = {
  selector: {
    machine: selector,
    program: (s) => {
      const z = selectorPrograms[s];
      if (!z) throw new UsageError(`unknown selector program '${s}'; valid: ${Object.keys(selectorPrograms).join(", ")}`);
      return z;
    },
  },
  bitlang: { machine: bitlang, program: (s) => assemble(s) },
  ratio: {
    machine: ratio,
    program: (s) => {
      if (s !== "0" && s !== "1") throw new UsageError(`unknown ratio program '${s}'; valid: 0, 1 (the sign of logit 0)`);
      return [Number(s)];
    },
  },
};
const MACHINE_KEYS = ["selector", "bitlang", "ratio"] as const;
type MachineKey = (typeof MACHINE_KEYS)[number];

interface MachineRun {
  /** Programs: selector names, bitlang source ("NEXT FLIP LOOP OUT"), or ratio's bit ("0", "1"). */
  programs: string[];
  /** Every binary input of length 0 … maxInputLength is checked. */
  maxInputLength: number;
  /** Time bound R_t (machine steps = layers − 1). */
  rt: number;
  /** Space bound R_s (prompt tokens). */
  rs: number;
}

export interface ZmapConfig {
  selector: MachineRun;
  bitlang: MachineRun;
  ratio: MachineRun;
  /** Largest relative error |ŷ − y| / max(1, |y|) of a Transformer logit that counts as equal (numerical variables pass tanh at εx, compiler.ts). */
  logitTolerance: number;
  theorem2: {
    /** R_s values at which the KL is measured (each must be ≥ |z| + 2 for bitlang). */
    rs: number[];
  };
  compile: {
    /** Attention logit margin A (hard attention as A → ∞). */
    attentionScale: number;
    /** Residual magnitude s of every variable. */
    paramScale: number;
    /** Clamped two-unit rules (compiler.ts `clampRules`). */
    clampRules: boolean;
    /** Restoring units on every head output (compiler.ts `restoreHeads`). */
    restoreHeads: boolean;
    /** ε of numerical variables (compiler.ts `numericalScale`). */
    numericalScale: number;
  };
  /** The (machine, program, input) whose head positions are traced layer by layer. */
  trace: { machine: MachineKey; program: string; input: number[] };
}

export const defaults: ZmapConfig = {
  selector: { programs: ["zero", "one", "first", "parity"], maxInputLength: 5, rt: 16, rs: 4 },
  bitlang: { programs: ["OUT", "NEXT FLIP OUT", "NEXT NEXT FLIP OUT", "NEXT FLIP LOOP OUT"], maxInputLength: 3, rt: 100, rs: 12 },
  ratio: { programs: ["0", "1"], maxInputLength: 5, rt: 24, rs: 8 },
  logitTolerance: 1e-3,
  theorem2: { rs: [12, 24, 48] },
  compile: { attentionScale: 40, paramScale: 10, clampRules: true, restoreHeads: true, numericalScale: 1e-3 },
  trace: { machine: "bitlang", program: "NEXT FLIP LOOP OUT", input: [1, 0, 1] },
};

const presets: Experiment<ZmapConfig, ZmapMetrics>["presets"] = {
  // smoke: seconds — fewer programs and shorter inputs.
  smoke: {
    selector: { programs: ["first", "parity"], maxInputLength: 2 },
    bitlang: { programs: ["NEXT FLIP OUT"], maxInputLength: 1, rt: 40 },
    ratio: { programs: ["1"], maxInputLength: 2, rt: 14 },
    theorem2: { rs: [12, 24] },
    trace: { input: [1] },
  },
  // cpu: the defaults (a few minutes on 2 cores, mostly compiling bitlang once per program).
  cpu: {},
  // paper: the paper gives no sizes for its zmap checks ("verified using unit tests"); same as cpu.
  paper: {},
};

interface MachineRow {
  name: string;
  states: number;
  symbols: number;
  programs: number;
  inputsChecked: number;
  mismatches: number;
  rt: number;
  rs: number;
  weightCount: number;
  /** Attention heads of the compiled model (ours: 9 + 2|Y|), and B.5.5's count 7 + 3|Y|. */
  heads: number;
  paperHeads: number;
  /** Relative offsets with a nonzero T5 bias (B.5.5: only −1 and +1; ours also 0, the fallback at the sequence ends). */
  relativeOffsets: number[];
  /** Layer-by-layer configuration mismatches and Transformer-logit mismatches, per program. */
  perProgram: {
    program: string;
    programBits: number;
    inputs: number;
    configMismatches: number;
    logitMismatches: number;
    /** Largest relative error of a Transformer logit over the halted runs. */
    maxLogitError: number;
    halted: number;
    firstMismatch?: string;
  }[];
}

interface Theorem2Row {
  machine: string;
  program: string;
  programBits: number;
  rs: number;
  klBits: number;
  cT: number;
  weightCount: number;
  promptWeightCount: number;
}

export interface ZmapMetrics {
  machines: MachineRow[];
  theorem2: Theorem2Row[];
  /** c_T per machine with its per-tensor breakdown (from the first Theorem 2 row). */
  cT: { machine: string; cT: number; groups: { group: string; weights: number; uniqueValues: number; klBits: number }[] }[];
  /** Head positions per layer for the traced run: compiled Transformer and simulator. */
  trace: { machine: string; program: string; input: number[]; layers: { layer: number; compiled: Record<string, number>; simulator: Record<string, number> }[] };
  /** Heatmap data: a few compiled matrices of the traced machine. */
  weights: { name: string; rows: number; cols: number; values: number[][] }[];
}

function allInputs(n: number): number[][] {
  const out: number[][] = [[]];
  for (let len = 1; len <= n; len++) for (let v = 0; v < 1 << len; v++) out.push(Array.from({ length: len }, (_, k) => (v >> (len - 1 - k)) & 1));
  return out;
}

/** Runs the compiled machine on `inputs`: the decoded configuration after every layer, and the logits, per input. */
function compiledRun(m: PrefixMachine, zm: ReturnType<typeof zmap>, rs: number, inputs: number[][]): { configs: Configuration[][]; logits: number[][] } {
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

async function run(config: ZmapConfig, ctx: RunContext): Promise<ZmapMetrics> {
  const compileOptions = { ...config.compile };
  const machines: MachineRow[] = [];
  const total = MACHINE_KEYS.reduce((a, k) => a + config[k].programs.length, 0);
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
      const zm = zmap(m, bounds, z, compileOptions);
      row.weightCount = Object.values(zm.compiled.values).reduce((a, v) => a + v.length, 0);
      row.heads = zm.compiled.config.heads;
      const W = zm.compiled.config.relWindow;
      const rel = zm.compiled.values["attn/relBias"];
      row.relativeOffsets = Array.from({ length: 2 * W + 1 }, (_, j) => j - W).filter((d) => Array.from({ length: row.heads }, (_, h) => rel[h * (2 * W + 1) + d + W]).some((x) => x !== 0));
      const { configs: got, logits } = compiledRun(m, zm, bounds.rs, inputs);
      const p = { program: source, programBits: z.length, inputs: inputs.length, configMismatches: 0, logitMismatches: 0, maxLogitError: 0, halted: 0, firstMismatch: undefined as string | undefined };
      inputs.forEach((x, b) => {
        const sim = runPrefix(m, x, z, bounds, { trace: true });
        if (sim.status === "halted") p.halted++;
        let bad = false;
        for (let layer = 1; layer < got[b].length && !bad; layer++) {
          const t = layer - 1;
          if (t >= sim.trace!.length && sim.status !== "halted") break; // the simulator stopped on a resource bound
          const want = sim.trace![Math.min(t, sim.trace!.length - 1)];
          if (JSON.stringify(got[b][layer]) !== JSON.stringify(want)) {
            bad = true;
            p.firstMismatch ??= `input [${x}] at layer ${layer}`;
          }
        }
        if (bad) p.configMismatches++;
        const err = sim.status === "halted" ? logitError(logits[b], sim.logits!) : 0;
        p.maxLogitError = Math.max(p.maxLogitError, err);
        const badLogits = err > config.logitTolerance;
        if (badLogits) {
          p.logitMismatches++;
          p.firstMismatch ??= `input [${x}]: logits [${logits[b].map((v) => v.toPrecision(4))}], simulator [${sim.logits}]`;
        }
        if (bad || badLogits) row.mismatches++;
      });
      row.inputsChecked += inputs.length;
      row.perProgram.push(p);
      ctx.progress.update(++done, { machine: m.name, mismatches: row.mismatches });
    }
    machines.push(row);
  }
  ctx.progress.stop();

  // Theorem 2: KL for each program at each R_s.
  const theorem2: Theorem2Row[] = [];
  const cT: ZmapMetrics["cT"] = [];
  ctx.progress.start("zmap: Theorem 2 accounting", total * config.theorem2.rs.length);
  done = 0;
  for (const key of MACHINE_KEYS) {
    const { machine: m, program } = MACHINES[key];
    for (const source of config[key].programs) {
      const z = program(source);
      for (const rs of config.theorem2.rs) {
        const t = zmapTheorem2(zmap(m, { rt: config[key].rt, rs }, z, compileOptions), z.length);
        theorem2.push({ machine: m.name, program: source, programBits: z.length, rs, klBits: t.klBits, cT: t.klBits - z.length, weightCount: t.weightCount, promptWeightCount: t.promptWeightCount });
        if (!cT.some((x) => x.machine === m.name)) cT.push({ machine: m.name, cT: t.cT, groups: t.groups });
        ctx.progress.update(++done);
      }
    }
  }
  ctx.progress.stop();

  // Head-position trace of one run, and its weight matrices.
  const { machine: tm, program: tp } = MACHINES[config.trace.machine];
  const tz = tp(config.trace.program);
  const tb = { rt: config[config.trace.machine].rt, rs: config[config.trace.machine].rs };
  const tzm = zmap(tm, tb, tz, compileOptions);
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
  const cfgT = tzm.compiled.config;
  const mat = (name: string, rows: number, cols: number) => ({
    name,
    rows,
    cols,
    values: Array.from({ length: rows }, (_, r) => Array.from(vals[name].subarray(r * cols, (r + 1) * cols), (v) => Number(v.toPrecision(4)))),
  });
  const weights = [
    mat("attn/Wq", cfgT.dModel, cfgT.heads * cfgT.dHead),
    mat("attn/Wo", cfgT.heads * cfgT.dHead, cfgT.dModel),
    mat("mlp/W1", cfgT.dModel, cfgT.dMlp),
    mat("mlp/W2", cfgT.dMlp, cfgT.dModel),
  ];
  return { machines, theorem2, cT, trace: { machine: tm.name, program: config.trace.program, input: config.trace.input, layers }, weights };
}

type ZmapResults = Results<ZmapConfig, ZmapMetrics>;

function figures(r: ZmapResults): Record<string, FigureSpec> {
  const heat: FigureSpec = {
    data: r.weights.map((w, i) => ({
      type: "heatmap",
      z: w.values,
      colorscale: "RdBu",
      zmid: 0,
      showscale: i === 0,
      xaxis: `x${i === 0 ? "" : i + 1}`,
      yaxis: `y${i === 0 ? "" : i + 1}`,
    })),
    layout: {
      title: { text: `zmap(${r.trace.machine}): compiled weight matrices (shared by every layer)` },
      grid: { rows: 2, columns: 2, pattern: "independent" },
      annotations: r.weights.map((w, i) => ({ text: `${w.name} [${w.rows}×${w.cols}]`, xref: `x${i === 0 ? "" : i + 1} domain`, yref: `y${i === 0 ? "" : i + 1} domain`, x: 0.5, y: 1.08, showarrow: false })),
      ...Object.fromEntries(r.weights.map((_, i) => [`yaxis${i === 0 ? "" : i + 1}`, { autorange: "reversed" }])),
      width: 1100,
      height: 900,
    },
  };
  const heads = ["program", "work", "input"] as const;
  const colors = { program: "#1f77b4", work: "#ff7f0e", input: "#2ca02c" };
  const trace: FigureSpec = {
    data: heads.flatMap((h) => [
      { type: "scatter", mode: "lines", name: `${h} head (Transformer)`, x: r.trace.layers.map((l) => l.layer), y: r.trace.layers.map((l) => l.compiled[h]), line: { color: colors[h], shape: "hv", width: 3 } },
      { type: "scatter", mode: "markers", name: `${h} head (simulator)`, x: r.trace.layers.map((l) => l.layer), y: r.trace.layers.map((l) => l.simulator[h]), marker: { color: colors[h], symbol: "x", size: 6 } },
    ]),
    layout: {
      title: { text: `Head positions per layer: ${r.trace.machine}, program "${r.trace.program}", input [${r.trace.input.join(",")}]` },
      xaxis: { title: { text: "layer (1 = set-up, then one machine step per layer; decoding one layer after the halt)" } },
      yaxis: { title: { text: "cell (−1: none)" } },
      width: 1000,
      height: 450,
    },
  };
  const byMachine = [...new Set(r.theorem2.map((t) => t.machine))];
  const kl: FigureSpec = {
    data: byMachine.flatMap((m, i) =>
      [...new Set(r.theorem2.filter((t) => t.machine === m).map((t) => t.rs))].map((rs, j) => {
        const pts = r.theorem2.filter((t) => t.machine === m && t.rs === rs).sort((a, b) => a.programBits - b.programBits);
        return {
          type: "scatter",
          mode: "lines+markers",
          name: `${m}, R_s = ${rs}`,
          x: pts.map((t) => t.programBits),
          y: pts.map((t) => t.klBits - pts[0].cT),
          marker: { symbol: ["circle", "square", "diamond"][j % 3], size: 9 - 2 * j },
          line: { dash: ["solid", "dot", "dash"][j % 3], color: ["#1f77b4", "#d62728"][i % 2] },
        };
      }),
    ),
    layout: {
      title: { text: "Theorem 2 (B.10): KL − c_T equals |z| for every program and R_s" },
      xaxis: { title: { text: "|z| (program bits)" } },
      yaxis: { title: { text: "KL − c_T (bits)" } },
      width: 800,
      height: 450,
    },
  };
  return { "zmap-weights": heat, "zmap-head-trace": trace, "theorem2-kl": kl };
}

function tables(r: ZmapResults): Record<string, Table> {
  return {
    machines: {
      title: "zmap: compiled Transformer vs Turing-machine simulator",
      columns: ["machine", "states", "input symbols", "programs", "inputs checked", "mismatches", "R_t", "R_s", "weights", "heads (B.5.5: 7 + 3|Y|)", "relative offsets"],
      rows: r.machines.map((m) => [m.name, m.states, m.symbols, m.programs, m.inputsChecked, m.mismatches, m.rt, m.rs, m.weightCount, `${m.heads} (${m.paperHeads})`, m.relativeOffsets.join(", ")]),
    },
    programs: {
      title: "zmap: per program (configuration mismatches over all layers; the Transformer's logits after the decoding layer)",
      columns: ["machine", "program", "|z|", "inputs", "halted", "configMismatches", "logitMismatches", "max logit error", "first mismatch"],
      rows: r.machines.flatMap((m) => m.perProgram.map((p) => [m.name, p.program, p.programBits, p.inputs, p.halted, p.configMismatches, p.logitMismatches, p.maxLogitError, p.firstMismatch ?? ""])),
    },
    theorem2: {
      title: "Theorem 2 (B.10): KL of zmap's weights",
      columns: ["machine", "program", "|z|", "R_s", "KL (bits)", "KL − |z|", "weights", "prompt weights"],
      rows: r.theorem2.map((t) => [t.machine, t.program, t.programBits, t.rs, t.klBits, t.cT, t.weightCount, t.promptWeightCount]),
    },
    "c_T": {
      title: "c_T by weight tensor (delta posteriors, optimal per-tensor prior, B.9.3)",
      columns: ["machine", "tensor", "weights", "unique values", "KL (bits)"],
      rows: r.cT.flatMap((m) => m.groups.map((g) => [m.machine, g.group, g.weights, g.uniqueValues, g.klBits])),
    },
  };
}

export const zmapExperiment: Experiment<ZmapConfig, ZmapMetrics> = {
  name: "zmap",
  title: "zmap: prefix Turing machines compiled to Transformer weights; Theorem 2 measured",
  reproduces: "B.5, Theorem 2 (B.10)",
  schema: schemaFromDefaults(defaults),
  claims: () => [],
  readme: () => "",
  presets,
  run,
  figures,
  tables,
};
