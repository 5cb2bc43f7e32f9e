/** Running the parity experiment: the compiled row, then each trained row, in Table 1 order. */
import { UsageError } from "../../core/errors";
import { paperReference } from "../../lab/paper-reference";
import { checkPriorKeys } from "../../lab/vocabulary";
import type { RunContext } from "../../lab/experiment";
import type { ParityConfig } from "./config";
import { evalSets } from "./evaluate";
import { runManual } from "./manual-row";
import { trainRow } from "./trained-row";
import { LengthAccuracy, ParityMetrics, ParityRow, ROW_KEYS, TrainedRowRecord } from "./types";

/** Checks across fields that the schema cannot express (runs before any work). */
export function check(config: ParityConfig): void {
  checkPriorKeys(config.prior, "parity");
  const minLayers = 2 * config.data.trainMaxLen + 1;
  if (config.model.layers < minLayers && config.rows.some((r) => r.startsWith("manual"))) {
    throw new UsageError(`parity: the manual solution needs layers ≥ 2·trainMaxLen + 1 = ${minLayers} to reach the longest OOD input, got model.layers = ${config.model.layers}`);
  }
}

export async function run(config: ParityConfig, ctx: RunContext): Promise<ParityMetrics> {
  check(config);
  const sets = evalSets(config, ctx.seed);
  const rows: ParityRow[] = [];
  const accuracyByLength: Record<string, LengthAccuracy[]> = {};
  const trained: Record<string, TrainedRowRecord> = {};
  const wants = (k: string) => (config.rows as string[]).includes(k);
  let manual: ParityMetrics["manual"] = null;
  if (wants("manual") || wants("manual/variational")) {
    const m = await runManual(config, ctx, sets);
    manual = m.manual;
    ctx.timings.forwardExamplesPerSecond = m.forwardExamplesPerSecond;
    if (wants("manual")) {
      rows.push(m.row);
      accuracyByLength["manual"] = m.byLength;
    }
  }
  for (const key of ROW_KEYS) {
    if (key === "manual" || !wants(key)) continue;
    const t = await trainRow(key, config, ctx, sets);
    rows.push(t.row);
    accuracyByLength[key] = t.byLength;
    trained[key] = t.record;
  }
  rows.sort((a, b) => ROW_KEYS.indexOf(a.key as (typeof ROW_KEYS)[number]) - ROW_KEYS.indexOf(b.key as (typeof ROW_KEYS)[number]));
  const ref = paperReference().table1Parity as { caption: string; rows: ParityRow[] };
  return { rows, accuracyByLength, trained, manual, paper: { caption: ref.caption, rows: ref.rows } };
}
