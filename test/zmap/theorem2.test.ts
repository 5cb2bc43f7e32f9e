import { test } from "node:test";
import assert from "node:assert/strict";
import { theorem2Kl } from "../../src/zmap/theorem2";

/** A prompt table [rs, 3]: column 0 the program bits (±1, then 0), columns 1–2 constant. */
function promptTable(z: number[], rs: number) {
  const values: number[] = [];
  for (let r = 0; r < rs; r++) values.push(r < z.length ? (z[r] ? 1 : -1) : 0, 0.5, -2);
  return { name: "prompt", shape: [rs, 3], values };
}

test("Theorem 2 accounting: KL = |z| + c_T, with c_T = Σ N·H(p) by hand and independent of z and R_s", () => {
  // Non-prompt weights: W has values {0 ×6, 1 ×2} → 8·H(¾, ¼); b has {3 ×4} → 0.
  const W = { name: "W", shape: [2, 4], values: [0, 0, 1, 0, 0, 1, 0, 0] };
  const b = { name: "b", shape: [4], values: [3, 3, 3, 3] };
  const h = -(0.75 * Math.log2(0.75) + 0.25 * Math.log2(0.25));
  const cT = 8 * h;
  for (const [z, rs] of [[[1, 0, 1], 3], [[1, 0, 1], 10], [[0, 0, 1, 1, 0, 1, 1], 10], [[1], 40]] as [number[], number][]) {
    const r = theorem2Kl({ weights: [W, promptTable(z, rs), b], promptTable: "prompt", programBits: z.length });
    assert.ok(Math.abs(r.cT - cT) < 1e-12, `c_T ${r.cT} vs ${cT}`);
    assert.equal(r.programKlBits, z.length);
    assert.equal(r.promptOtherKlBits, 0);
    assert.ok(Math.abs(r.klBits - (z.length + cT)) < 1e-12);
    assert.equal(r.promptWeightCount, rs * 3);
    assert.equal(r.weightCount, 8 + 4 + rs * 3);
    assert.deepEqual(r.groups.map((g) => [g.group, g.uniqueValues]), [["W", 2], ["b", 1]]);
  }
});

test("Theorem 2 accounting checks its premises", () => {
  const bad = promptTable([1, 0, 1], 5);
  bad.values[3] = 0.3; // row 2 of the program column
  assert.throws(() => theorem2Kl({ weights: [bad], promptTable: "prompt", programBits: 3 }), /prompt row 2, column 0 is 0.3, not -1 or 1/);
  assert.throws(() => theorem2Kl({ weights: [bad], promptTable: "nope", programBits: 3 }), /no weight tensor 'nope'/);
  assert.throws(() => theorem2Kl({ weights: [promptTable([1], 2)], promptTable: "prompt", programBits: 3 }), /\|z\| = 3 must be in 1…R_s = 2/);
  // A prompt column that varies over rows is not free: it costs N·H(p) and is reported.
  const varying = promptTable([1, 1], 4);
  varying.values[1] = 9;
  const r = theorem2Kl({ weights: [varying], promptTable: "prompt", programBits: 2 });
  const h = -(0.25 * Math.log2(0.25) + 0.75 * Math.log2(0.75));
  assert.ok(Math.abs(r.promptOtherKlBits - 4 * h) < 1e-12);
});
