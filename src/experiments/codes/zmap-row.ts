/**
 * The zmap two-part code of a task (Theorem 1 and Theorem 2's bound): search every bitlang program
 * up to zmap.maxLength bits (zmap/enumeration.ts) for the shortest z whose model function decides
 * the training inputs, compile zmap(T, R, z) at the bounds z needs, and send
 *
 *   KL = |z| + c_T (B.10's delta posteriors, measured on the compiled weights) + −log₂ p(Y | X; f_T^z).
 *
 * Where bitlang cannot express the task (three classes, or no program up to L decides it), the
 * record says why and there is no row.
 */
import { bitlang } from "../../zmap/machines/bitlang";
import { decidedClass, enumeratePrograms, kBits } from "../../zmap/enumeration";
import { runPrefix } from "../../zmap/prefix-machine";
import { zmap, zmapTheorem2 } from "../../zmap/zmap";
import { labelNllBits } from "../../codes/two-part";
import type { SequenceTask } from "../../tasks/sequence-tasks";
import type { RunContext } from "../../lab/experiment";
import type { CodesConfig } from "./config";
import type { CodeRow, TaskRecord } from "./types";
import type { LabelledSet } from "./transformer-task";

export async function zmapRow(taskName: string, task: SequenceTask, c: CodesConfig, ctx: RunContext, data: { train: LabelledSet; ood: LabelledSet }): Promise<{ row: CodeRow | null; record: NonNullable<TaskRecord["zmap"]> }> {
  const none = (reason: string, searched = 0) => ({ row: null, record: { z: null, bits: null, cT: null, oodAgrees: null, searched, reason } });
  if (task.classes !== bitlang.outputs) return none(`bitlang has |Y| = ${bitlang.outputs} output tapes; the task has ${task.classes} classes`);
  const keys = [...new Set(data.train.xs.map((x) => x.join("")))].sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
  const universe = keys.map((k) => [...k].map(Number));
  const labelOf = new Map(data.train.xs.map((x, i) => [x.join(""), data.train.ys[i]]));
  const labels = keys.map((k) => labelOf.get(k)!);
  const bounds = { rt: c.zmap.rt, rs: c.zmap.maxLength + 2 };
  const table = enumeratePrograms(bitlang, universe, c.zmap.maxLength, bounds, ctx.progress);
  const hit = kBits(table, labels, bounds);
  if (!hit) return none(`no bitlang program of ≤ ${c.zmap.maxLength} bits decides the ${keys.length} distinct training inputs (bitlang computes parities of fixed positions only)`, table.counts.strings);
  const p = table.programs.find((q) => q.z === hit.z)!;
  const z = [...hit.z].map(Number);
  const logits = table.functions[p.fn].logits;
  const at = new Map(keys.map((k, i) => [k, logits[i]]));
  const nll = data.train.xs.reduce((a, x, i) => a + labelNllBits(at.get(x.join(""))!, data.train.ys[i]), 0);
  const trainAcc = data.train.xs.filter((x, i) => decidedClass(at.get(x.join(""))!) === data.train.ys[i]).length / data.train.xs.length;
  let agrees = 0;
  for (const [i, x] of data.ood.xs.entries()) {
    const r = runPrefix(bitlang, x, z, bounds);
    if (r.status === "halted" && decidedClass(r.logits!) === data.ood.ys[i]) agrees++;
  }
  ctx.progress.start(`codes ${taskName}: zmap(bitlang, R, ${hit.z})`, 1);
  const kl = zmapTheorem2(zmap(bitlang, { rt: p.steps, rs: p.space }, z), z.length);
  ctx.progress.update(1);
  ctx.progress.stop();
  const oodAcc = agrees / Math.max(1, data.ood.xs.length);
  return {
    row: {
      task: taskName,
      code: "two-part (zmap)",
      model: `zmap(bitlang, R = (${p.steps}, ${p.space}), z = ${hit.z}): looped Transformer, ${p.steps + 2} layers`,
      init: "compiled",
      seed: null,
      steps: 0,
      modelBits: kl.klBits,
      dataBits: nll,
      totalBits: kl.klBits + nll,
      codelength: null,
      trainAcc,
      oodAcc,
      note: `|z| = ${z.length} bits + c_T (B.10, measured on the compiled weights); NLL with bitlang's ±1 logits; OOD by the simulator`,
    },
    record: { z: hit.z, bits: z.length, cT: kl.cT, oodAgrees: agrees, searched: table.counts.strings, reason: "" },
  };
}
