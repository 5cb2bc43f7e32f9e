/**
 * Running `asymptotics`: enumerate every program of the machine up to L bits at R_max
 * (zmap/enumeration.ts), then on every grid point R ≤ R_max read off
 *  - K_{T,R}(f) for each target (Definition 3),
 *  - C^{2p}_{T,R}(Y | X) = min_{z ∈ 𝒵_{T,R}} |z| − log₂ p(Y | X; f_T^z) (Definition 3, Proposition 2),
 *  - the Bayes code −log₂ Σ_{z ∈ 𝒵_{T,R}} 2^{−|z|} p(Y | X; f_T^z) (eq. 58, C^bayes of Proposition 3
 *    on this finite universe),
 * and, for each dataset's two-part minimiser z* at R_max, the variational codelength of zmap(T, R*, z*)
 * (Theorem 2: KL = |z*| + c_T under B.10's delta posteriors, plus the compiled Transformer's NLL),
 * so Fig. 3's chain is measured on one dataset.
 */
import * as tf from "@tensorflow/tfjs";
import type { RunContext } from "../../lab/experiment";
import { UsageError } from "../../core/errors";
import { rngStream } from "../../core/rng";
import { bayesCode, datasetNllBits, labelNllBits, twoPartCode, uniformCodeBits } from "../../codes/two-part";
import { EnumeratedProgram, ProgramTable, decidedClass, enumeratePrograms, kBits, withinBounds } from "../../zmap/enumeration";
import { bitlang } from "../../zmap/machines/bitlang";
import type { PrefixMachine } from "../../zmap/prefix-machine";
import { zmap, zmapTheorem2 } from "../../zmap/zmap";
import { disposeForward, forward, makeBatch, weightsFromValues } from "../../nn/transformer";
import { binaryStrings, booleanFunction } from "../../tasks/boolean-functions";
import type { AsymptoticsConfig } from "./config";
import type { AsymptoticsMetrics, DatasetRow, FunctionRow, Grid, KRow, Plateau, ZmapRow } from "./types";

const MACHINES: Record<AsymptoticsConfig["machine"], PrefixMachine> = { bitlang };

/** Checks across fields: increasing grids, R_s's largest value ≥ L. */
export function check(c: AsymptoticsConfig): void {
  for (const key of ["rt", "rs"] as const) {
    const g = c.bounds[key];
    if (g.some((v, i) => i > 0 && v <= g[i - 1])) throw new UsageError(`config key 'bounds.${key}' must be strictly increasing, got [${g.join(", ")}]`);
  }
  const rsMax = c.bounds.rs[c.bounds.rs.length - 1];
  if (rsMax < c.maxLength) throw new UsageError(`config key 'bounds.rs': its largest value ${rsMax} must be ≥ maxLength = ${c.maxLength} (a program of L bits needs L program-tape cells, B.3)`);
}

/** The examples of the datasets: `size` draws from the universe (indices into it), shared by every dataset. */
function drawInputs(universe: number, size: number, seed: number): number[] {
  const rng = rngStream(seed, "asymptotics/inputs");
  return Array.from({ length: size }, () => Math.floor(rng() * universe));
}

/** Per grid point, per function: the shortest program's bits (∞ if none) and Σ 2^{−|z|} over its programs within R. */
function functionsOnGrid(table: ProgramTable, rts: number[], rss: number[]): { minBits: number[]; mass: number[] }[][] {
  return rts.map((rt) =>
    rss.map((rs) => {
      const minBits = new Array(table.functions.length).fill(Infinity);
      const mass = new Array(table.functions.length).fill(0);
      for (const p of table.programs) {
        if (!withinBounds(p, { rt, rs })) continue;
        if (p.bits < minBits[p.fn]) minBits[p.fn] = p.bits;
        mass[p.fn] += Math.pow(2, -p.bits);
      }
      return { minBits, mass };
    }),
  );
}

/** Where the curve along R_t (at R_s = max) and along R_s (at R_t = max) stops changing (types.ts `Plateau`). */
export function plateauOf(grid: Grid, rts: number[], rss: number[]): Plateau {
  const along = (vals: (number | null)[], at: number[]) => {
    const last = vals[vals.length - 1];
    let i = vals.length - 1;
    while (i > 0 && vals[i - 1] === last) i--;
    return last === null ? null : at[i];
  };
  return { rt: along(grid.map((row) => row[rss.length - 1]), rts), rs: along(grid[rts.length - 1], rss) };
}

/** Grid-neighbour pairs where the value grows with R (null = ∞): Proposition 2 says there are none. */
export function monotonicityViolations(grid: Grid): number {
  const v = (x: number | null) => (x === null ? Infinity : x);
  let bad = 0;
  for (let i = 0; i < grid.length; i++) {
    for (let j = 0; j < grid[i].length; j++) {
      if (i + 1 < grid.length && v(grid[i + 1][j]) > v(grid[i][j]) + 1e-9) bad++;
      if (j + 1 < grid[i].length && v(grid[i][j + 1]) > v(grid[i][j]) + 1e-9) bad++;
    }
  }
  return bad;
}


/** The distinct functions with their shortest and fastest programs, mass and the targets each decides. */
function functionRows(table: ProgramTable, targets: { name: string; labels: number[] }[]): FunctionRow[] {
  const byFn = new Map<number, EnumeratedProgram[]>();
  for (const p of table.programs) (byFn.get(p.fn) ?? byFn.set(p.fn, []).get(p.fn)!).push(p);
  const brief = (p: EnumeratedProgram) => ({ z: p.z, bits: p.bits, steps: p.steps, space: p.space });
  return table.functions.map((f, index) => {
    const ps = byFn.get(index)!;
    const classes = f.logits.map((l) => decidedClass(l));
    const fastest = ps.reduce((a, p) => (p.steps < a.steps || (p.steps === a.steps && p.bits < a.bits) ? p : a));
    return {
      index,
      classes,
      shortest: brief(ps[0]),
      fastest: brief(fastest),
      programs: ps.length,
      mass: ps.reduce((a, p) => a + Math.pow(2, -p.bits), 0),
      decides: targets.filter((t) => t.labels.every((y, i) => y === classes[i])).map((t) => t.name),
    };
  });
}

/** Logits of the compiled Transformer on `inputs` (one batched forward pass of R_t + 2 layers). */
function compiledLogits(zm: ReturnType<typeof zmap>, inputs: number[][]): number[][] {
  const c = zm.compiled;
  const w = weightsFromValues(c.config, c.values);
  const out = forward(c.config, w, makeBatch(c.config, inputs), { layers: zm.layers });
  const logits = out.logits.arraySync() as number[][];
  disposeForward(out);
  tf.dispose(Object.values(w));
  return logits;
}

/** Fig. 3's zmap row for one dataset: zmap(T, R*, z*) with R* the bounds z* needs, its Theorem 2 KL and its NLL. */
function zmapRow(m: PrefixMachine, best: NonNullable<DatasetRow["best"]>, table: ProgramTable, xs: number[], ys: number[]): ZmapRow {
  const z = [...best.z].map(Number);
  const bounds = { rt: best.steps, rs: best.space };
  const zm = zmap(m, bounds, z);
  const kl = zmapTheorem2(zm, z.length);
  const used = [...new Set(xs)].sort((a, b) => a - b);
  const logits = compiledLogits(zm, used.map((i) => table.inputs[i]));
  const at = new Map(used.map((u, k) => [u, logits[k]]));
  const sim = table.functions[best.function].logits;
  const nllBits = datasetNllBits(xs.map((i) => at.get(i)!), ys);
  const simulatorNllBits = datasetNllBits(xs.map((i) => sim[i]), ys);
  const maxLogitError = Math.max(0, ...used.flatMap((u) => at.get(u)!.map((l, k) => Math.abs(l - sim[u][k]))));
  return { z: best.z, rt: bounds.rt, rs: bounds.rs, layers: zm.layers, klBits: kl.klBits, cT: kl.cT, programKlBits: kl.programKlBits, nllBits, simulatorNllBits, maxLogitError, totalBits: kl.klBits + nllBits };
}

export async function run(config: AsymptoticsConfig, ctx: RunContext): Promise<AsymptoticsMetrics> {
  check(config);
  const m = MACHINES[config.machine];
  const rts = config.bounds.rt;
  const rss = config.bounds.rs;
  const rMax = { rt: rts[rts.length - 1], rs: rss[rss.length - 1] };
  const inputs = binaryStrings(config.maxInputLength);
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  const table = enumeratePrograms(m, inputs, config.maxLength, rMax, ctx.progress);
  ctx.timings.enumerationSeconds = (Date.now() - t0) / 1000;

  ctx.progress.start("asymptotics: codes on the (R_t, R_s) grid", rts.length);
  const onGrid = functionsOnGrid(table, rts, rss);
  ctx.progress.update(rts.length);
  ctx.progress.stop();

  const targets = config.targets.map((name) => ({ name, labels: inputs.map((x) => booleanFunction(name)(x)) }));
  const k: KRow[] = targets.map((t) => {
    const grid: Grid = rts.map((rt) => rss.map((rs) => kBits(table, t.labels, { rt, rs })?.bits ?? null));
    return { target: t.name, grid, atMax: kBits(table, t.labels, rMax), plateau: plateauOf(grid, rts, rss) };
  });

  const xs = drawInputs(inputs.length, config.data.size, ctx.seed);
  const datasets: DatasetRow[] = [];
  const pairs = config.data.targets.flatMap((target) => config.data.noise.map((noise) => ({ target, noise })));
  ctx.progress.start("asymptotics: datasets (two-part, Bayes, zmap)", pairs.length);
  const zmapCache = new Map<string, ZmapRow>();
  for (const [i, { target, noise }] of pairs.entries()) {
    const f = booleanFunction(target);
    const rng = rngStream(ctx.seed, `asymptotics/labels/${target}/${noise}`);
    const clean = xs.map((x) => f(inputs[x]));
    const ys = clean.map((y) => (rng() < noise ? 1 - y : y));
    const nll = table.functions.map((fn) => ys.reduce((a, y, j) => a + labelNllBits(fn.logits[xs[j]], y), 0));
    const hyps = (g: { minBits: number[]; mass: number[] }) => g.minBits.flatMap((b, fi) => (Number.isFinite(b) ? [{ fi, lengthBits: b, mass: g.mass[fi] }] : []));
    const twoPart: Grid = onGrid.map((row) => row.map((g) => twoPartCode(hyps(g).map((h) => ({ lengthBits: h.lengthBits, nllBits: nll[h.fi] })))?.bits ?? null));
    // the Bayes sum over programs, grouped by function: Σ_f mass_f · p(Y | X; f)
    const bayes: Grid = onGrid.map((row) => row.map((g) => bayesCode(hyps(g).map((h) => ({ lengthBits: -Math.log2(h.mass), nllBits: nll[h.fi] })))));
    const top = onGrid[rts.length - 1][rss.length - 1];
    const bestH = twoPartCode(hyps(top).map((h) => ({ lengthBits: h.lengthBits, nllBits: nll[h.fi] })));
    let best: DatasetRow["best"] = null;
    if (bestH) {
      const fi = hyps(top)[bestH.index].fi;
      const p = table.programs.find((q) => q.fn === fi && withinBounds(q, rMax))!;
      best = { z: p.z, bits: p.bits, nllBits: nll[fi], steps: p.steps, space: p.space, function: fi };
    }
    let zrow: ZmapRow | null = null;
    if (config.zmap.enabled && best) {
      const key = `${best.z}|${JSON.stringify(ys)}`;
      zrow = zmapCache.get(key) ?? zmapRow(m, best, table, xs, ys);
      zmapCache.set(key, zrow);
    }
    datasets.push({
      name: `${target}, noise ${noise}`,
      target,
      noise,
      size: ys.length,
      flipped: ys.filter((y, j) => y !== clean[j]).length,
      uniformBits: uniformCodeBits(ys.length, m.outputs),
      twoPart,
      bayes,
      best,
      plateau: { twoPart: plateauOf(twoPart, rts, rss), bayes: plateauOf(bayes, rts, rss) },
      zmap: zrow,
    });
    ctx.progress.update(i + 1);
  }
  ctx.progress.stop();

  const cpu = process.cpuUsage(cpu0);
  // CPU seconds of this process (user + system): the budget on a shared machine, where wall-clock seconds are not
  ctx.timings.cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const grids = [...k.map((r) => r.grid), ...datasets.flatMap((d) => [d.twoPart, d.bayes])];
  const programsByLength = Array.from({ length: config.maxLength }, (_, i) => table.programs.filter((p) => p.bits === i + 1).length);
  return {
    machine: m.name,
    maxLength: config.maxLength,
    inputs,
    rMax,
    counts: table.counts,
    kraft: table.kraft,
    longestRun: { steps: Math.max(0, ...table.programs.map((p) => p.steps)), space: Math.max(0, ...table.programs.map((p) => p.space)) },
    programsByLength,
    functions: functionRows(table, targets),
    k,
    datasets,
    monotonicityViolations: grids.reduce((a, g) => a + monotonicityViolations(g), 0),
    gridPoints: rts.length * rss.length,
  };
}

