/**
 * Running `prior-collapse`: every remedy × seed as an `mlp-identity` run at this preset
 * with the remedy's overrides and one KL coefficient (C.2's random-init variational row,
 * plus its MLE and manual rows), through the sweep tool (lab/sweep.ts: child processes,
 * resumable); then the best remedies as `parity` runs of the random-init variational
 * row beside Table 1. The child runs live under the run's work folder (ignored by git);
 * results.json keeps what the figures, tables and claims need.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { RunContext } from "../../lab/experiment";
import { UsageError } from "../../core/errors";
import { loadResults, planRuns } from "../../lab/runner";
import { NamedPoint, sweep } from "../../lab/sweep";
import { summarize } from "../../lab/sweep-stats";
import type { MlpResults, Row } from "../mlp-identity/types";
import type { ParityResults, ParityRow } from "../parity/types";
import type { PriorCollapseConfig } from "./config";
import { REMEDIES, Remedy, Target, remedy } from "./remedies";
import type { ParityComparisonRow, PriorCollapseMetrics, RemedyRun, RemedySummary } from "./types";

/** Checks across fields (before any run). */
export function check(c: PriorCollapseConfig): void {
  if (!c.remedies.includes("baseline")) throw new UsageError('prior-collapse: remedies must include "baseline" (every remedy is compared with it)');
  if (new Set(c.remedies).size !== c.remedies.length) throw new UsageError(`prior-collapse: remedies must not repeat, got ${c.remedies.join(", ")}`);
  if (!(c.klCoef > 0)) throw new UsageError(`prior-collapse: klCoef must be > 0, got ${c.klCoef}`);
}

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, "utf8"));

/** train.steps of `target` at `preset` (what the remedies' step fractions refer to). */
function stepsOf(target: Target, preset: string): number {
  const [plan] = planRuns([target], preset, {}, { out: null });
  return (plan.config as { train: { steps: number } }).train.steps;
}

/** The study's sweep folder root: the run's work folder, or a temporary one. */
function sweepRoot(ctx: RunContext): string {
  if (ctx.workDir) return path.join(ctx.workDir, "sweeps");
  return fs.mkdtempSync(path.join(os.tmpdir(), "kcdl-prior-collapse-"));
}

/** Runs the points through the sweep tool; without --resume the sweep's folder is cleared first, so every run is fresh. */
async function runSweep(ctx: RunContext, c: PriorCollapseConfig, root: string, name: string, experiment: Target, points: NamedPoint[], seeds: number[], overrides: object) {
  if (!ctx.resume) fs.rmSync(path.join(root, name), { recursive: true, force: true });
  return sweep({
    experiment,
    preset: ctx.preset,
    points,
    seeds,
    overrides,
    jobs: c.jobs > 0 ? c.jobs : undefined,
    name,
    out: root,
    backend: ctx.backend.name,
    progress: ctx.progress,
    images: false, // the study renders its own figures; its sweeps' are for inspection
  });
}

const seedList = (first: number, n: number) => Array.from({ length: n }, (_, i) => first + i);

/** The random-init variational row at klCoef and its prior trace, of one mlp-identity run. */
function remedyRun(name: string, seed: number, r: MlpResults, klCoef: number): RemedyRun & { manual: Row } {
  const row = r.rows.find((x) => x.init === "random" && x.objective === "variational" && x.klCoef === klCoef);
  const manual = r.rows.find((x) => x.init === "manual");
  if (!row || !row.codelength || !manual) throw new Error(`mlp-identity run ${name}/seed${seed} lacks its random-init row at klCoef ${klCoef} or its manual row`);
  const trace = r.priorTraces[`random/${klCoef}`];
  const modes = trace.map((t) => t.modes);
  return {
    remedy: name,
    seed,
    klBits: row.klBits!,
    nllBits: row.trainNllBits,
    paperBits: row.codelength.paperBits,
    priorBits: row.codelength.priorBits,
    totalBits: row.codelength.totalBits,
    accuracy: row.accuracy,
    modes,
    finalModes: modes[modes.length - 1],
    maxModes: Math.max(...modes),
    prior: row.prior!,
    reached: false,
    manual,
  };
}

function summaryOf(rem: Remedy, runs: RemedyRun[], baseline: RemedyRun[], overrides: Record<string, unknown>): RemedySummary {
  const s = (f: (r: RemedyRun) => number) => summarize(runs.map(f));
  const diffs = runs.flatMap((r) => {
    const b = baseline.find((x) => x.seed === r.seed);
    return b ? [r.paperBits - b.paperBits] : [];
  });
  return {
    remedy: rem.name,
    family: rem.family,
    description: rem.description,
    overrides,
    runs: runs.length,
    paperBits: s((r) => r.paperBits),
    totalBits: s((r) => r.totalBits),
    accuracy: s((r) => r.accuracy),
    finalModes: s((r) => r.finalModes),
    maxModes: s((r) => r.maxModes),
    unimodalRuns: runs.filter((r) => r.finalModes === 1).length,
    reached: runs.filter((r) => r.reached).length,
    vsBaseline: rem.name === "baseline" ? null : summarize(diffs),
  };
}

const parityRow = (source: string, seed: number, x: ParityRow): ParityComparisonRow => ({
  source,
  key: x.key ?? `${x.init}/${x.objective}`,
  seed,
  steps: x.steps ?? null,
  klBits: x.klBits,
  nllBits: x.trainNllBits,
  paperBits: x.codelengthBits,
  totalBits: x.codelength?.totalBits ?? null,
  trainAcc: x.trainAcc,
  oodAcc: x.oodAcc,
});

/** Runs the chosen remedies' random-init variational parity rows (and the baseline's when asked), beside Table 1. */
async function parityStage(c: PriorCollapseConfig, ctx: RunContext, root: string, chosen: Remedy[], table1: ParityResults | null): Promise<ParityComparisonRow[]> {
  const steps = stepsOf("parity", ctx.preset);
  const rems = c.parity.baseline === "run" ? [remedy("baseline"), ...chosen] : chosen;
  const points = rems.map((r) => ({ name: r.name, overrides: r.overrides("parity", steps)! }));
  const seeds = seedList(ctx.seed, c.parity.seeds);
  const out = await runSweep(ctx, c, root, "parity", "parity", points, seeds, { rows: ["random/variational"] });
  const rows: ParityComparisonRow[] = table1 ? table1.rows.map((x) => parityRow("table1", table1.seed, x)) : [];
  for (const f of out.resultFiles) {
    const r = readJson(f.file) as ParityResults;
    const x = r.rows.find((y) => y.key === "random/variational");
    if (x) rows.push(parityRow(f.point, f.seed, x));
  }
  return rows;
}

export async function run(c: PriorCollapseConfig, ctx: RunContext): Promise<PriorCollapseMetrics> {
  check(c);
  // Table 1 first: a missing one fails before any training
  const table1 = c.parity.best > 0 && c.parity.baseline === "table1" ? (loadTable1(ctx) as ParityResults) : null;
  const root = sweepRoot(ctx);
  const mlpSteps = stepsOf("mlp-identity", ctx.preset);
  const rems = c.remedies.map(remedy);
  const points = rems.map((r) => ({ name: r.name, overrides: r.overrides("mlp-identity", mlpSteps)! }));
  const seeds = seedList(ctx.seed, c.seeds);
  const out = await runSweep(ctx, c, root, "mlp-identity", "mlp-identity", points, seeds, { train: { klCoef: [c.klCoef] } });
  let steps: number[] = [];
  const all = out.resultFiles.map((f) => {
    const r = readJson(f.file) as MlpResults;
    if (!steps.length) steps = r.priorTraces[`random/${c.klCoef}`].map((t) => t.step);
    return remedyRun(f.point, f.seed, r, c.klCoef);
  });
  const baselineRuns = all.filter((r) => r.remedy === "baseline");
  const manualPerSeed = baselineRuns.map((b) => ({ seed: b.seed, paperBits: b.manual.codelength!.paperBits, totalBits: b.manual.codelength!.totalBits }));
  const runs: RemedyRun[] = all.map(({ manual: _m, ...r }) => {
    const m = manualPerSeed.find((x) => x.seed === r.seed);
    return { ...r, reached: m !== undefined && r.paperBits <= (1 + c.nearManual) * m.paperBits };
  });
  const baseline = runs.filter((r) => r.remedy === "baseline");
  const summaries = rems.map((rem, i) => summaryOf(rem, runs.filter((r) => r.remedy === rem.name), baseline, points[i].overrides));
  const ranking = [...summaries].sort((a, b) => a.paperBits.mean! - b.paperBits.mean!).map((s) => s.remedy);
  const eligible = ranking.filter((n) => n !== "baseline" && remedy(n).overrides("parity", 1) !== null);
  const chosen = eligible.slice(0, c.parity.best).map(remedy);
  const parity = c.parity.best > 0 ? { chosen: chosen.map((r) => r.name), baseline: c.parity.baseline, rows: await parityStage(c, ctx, root, chosen, table1) } : null;
  return {
    steps,
    trainSteps: mlpSteps,
    runs,
    summaries,
    manual: { perSeed: manualPerSeed, paperBits: summarize(manualPerSeed.map((m) => m.paperBits)) },
    ranking,
    parity,
  };
}

/** The parity experiment's results at this preset and seed (Table 1), or a UsageError saying how to make them. */
function loadTable1(ctx: RunContext) {
  try {
    return loadResults("parity", { out: ctx.out, preset: ctx.preset, seed: ctx.seed });
  } catch (err) {
    const where = /^no results at (\S+);/.exec((err as Error).message)?.[1];
    throw new UsageError(
      `prior-collapse compares its parity runs with Table 1, but ${where ? `there are no parity results at ${where}` : (err as Error).message}; ` +
        `run \`npx kcdl run parity --preset ${ctx.preset} --seed ${ctx.seed}${ctx.out ? ` --out ${ctx.out}` : ""}\` first, or set parity.baseline=run (or parity.best=0)`,
    );
  }
}

export { REMEDIES };
