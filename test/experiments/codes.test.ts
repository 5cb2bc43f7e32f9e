/**
 * Experiment `codes` at the smoke preset: each row's parts add up, the uniform and prequential codes
 * against their closed forms, the compiled solutions exact on every split, zmap's row where bitlang
 * expresses the task and the reason where it does not, determinism, and bad input.
 */
import "../../src/experiments";
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { testBackend, closeTo } from "../support/helpers";
import { codes, CodesConfig, CodesMetrics } from "../../src/experiments/codes";
import { resolveExperimentConfig } from "../../src/lab/runner";
import { silentProgress } from "../../src/core/progress";
import { UsageError } from "../../src/core/errors";

const backend = { name: "wasm", provider: "", skipped: [] };
const ctx = () => ({ seed: 1, preset: "smoke" as const, backend, progress: silentProgress, timings: {} });
const config = resolveExperimentConfig(codes, "smoke") as CodesConfig;
let m: CodesMetrics;

test("codes (smoke): every task has its rows, their parts add up, and no tensor leaks", async () => {
  await testBackend();
  const before = tf.memory().numTensors;
  m = await codes.run(config, ctx());
  assert.equal(tf.memory().numTensors, before, "no tensors leaked");
  for (const task of config.tasks) {
    const rows = m.rows.filter((r) => r.task === task);
    const kinds = rows.map((r) => `${r.code}/${r.init}`);
    for (const k of ["uniform/null", "variational/compiled", "variational/random", "prequential/random", "two-part (quantised)/compiled", "two-part (quantised)/random"]) assert.ok(kinds.includes(k), `${task}: ${k} in ${kinds}`);
    for (const r of rows) {
      if (r.modelBits !== null && r.dataBits !== null) closeTo(r.totalBits, r.modelBits + r.dataBits, 1e-9, `${task} ${r.code}`);
      if (r.codelength) closeTo(r.codelength.paperBits, r.totalBits, 1e-9, `${task} ${r.code}: eq. 86 record`);
      assert.ok(Number.isFinite(r.totalBits) && r.totalBits > 0, `${task} ${r.code}: ${r.totalBits}`);
    }
  }
});

test("uniform = n log₂|Y|; prequential = the first block's uniform bits + the blocks' NLLs, on doubling blocks", () => {
  for (const t of m.tasks) {
    const u = m.rows.find((r) => r.task === t.task && r.code === "uniform")!;
    const perExample = t.task === "mlp-identity" ? 4 : Math.log2(t.classes);
    closeTo(u.totalBits, t.trainSize * perExample, 1e-9, `${t.task} uniform`);
    const p = m.rows.find((r) => r.task === t.task && r.code === "prequential")!;
    const blocks = t.prequential.blocks;
    closeTo(p.totalBits, blocks.reduce((a, b) => a + b.bits, 0), 1e-9, `${t.task} prequential`);
    closeTo(blocks[0].bits, blocks[0].end * perExample, 1e-9, `${t.task} first block`);
    assert.equal(blocks[blocks.length - 1].end, t.trainSize);
    blocks.slice(1, -1).forEach((b) => assert.equal(b.end, 2 * b.start, `${t.task}: blocks double`));
  }
});

test("the compiled solutions are exact on train and OOD; zmap's row exists exactly for parity (bitlang's FLIP NEXT LOOP OUT)", () => {
  for (const r of m.rows.filter((x) => x.init === "compiled" && x.code !== "two-part (zmap)")) {
    assert.equal(r.trainAcc, 1, `${r.task} ${r.code}`);
    if (r.task !== "mlp-identity") assert.equal(r.oodAcc, 1, `${r.task} ${r.code}`);
  }
  const z = m.rows.filter((r) => r.code === "two-part (zmap)");
  assert.deepEqual(z.map((r) => r.task), ["parity"]);
  const rec = m.tasks.find((t) => t.task === "parity")!.zmap!;
  assert.equal(rec.z, "00011011");
  closeTo(z[0].modelBits! - rec.bits!, rec.cT!, 1e-6, "KL − |z| = c_T");
  assert.equal(z[0].oodAcc, 1, "the loop generalises to every OOD length");
  assert.match(m.tasks.find((t) => t.task === "at-least-two")!.zmap!.reason, /no bitlang program/);
  assert.match(m.tasks.find((t) => t.task === "ones-mod-3")!.zmap!.reason, /3 classes/);
  const results = { ...m, config, experiment: "codes", preset: "smoke" as const, overrides: {}, seed: 1, backend: "wasm", kcdlVersion: "", timings: { startedAt: "", durationS: 0 } };
  const claims = codes.claims(results);
  assert.equal(claims[0].agrees, true, claims[0].ours);
  assert.equal(claims[1].agrees, true, claims[1].ours);
  assert.equal(claims[claims.length - 1].agrees, null, "the smoke model is not Table 1's, so the reference row is not comparable");
});

test("the same seed gives the same metrics (MLP identity); bad configs are UsageErrors", async () => {
  const quick = { ...config, tasks: ["mlp-identity" as const] };
  assert.deepEqual(await codes.run(quick, ctx()), await codes.run(quick, ctx()));
  assert.throws(() => codes.check!({ ...config, model: { ...config.model, layers: 3 } }), (e: unknown) => e instanceof UsageError && /layers ≥ 2·trainMaxLen \+ 1 = 5/.test((e as Error).message));
  assert.throws(() => codes.check!({ ...config, prequential: { ...config.prequential, firstBlock: 32 } }), (e: unknown) => e instanceof UsageError && /second block/.test((e as Error).message));
  assert.throws(() => codes.check!({ ...config, model: { ...config.model, dModel: 6 } }), (e: unknown) => e instanceof UsageError && /does not fit the model/.test((e as Error).message));
});
