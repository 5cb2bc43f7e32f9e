/**
 * The enumeration of every program up to L (zmap/enumeration.ts) against the simulator run at
 * each bound R itself, against bitlang's written-out semantics (bitlangOracle), and against the
 * closed-form count of bitlang's programs (3^(k−1) of 2k bits: k − 1 free instructions, then OUT).
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { bitlang, bitlangOracle } from "../../src/zmap/machines/bitlang";
import { runPrefix } from "../../src/zmap/prefix-machine";
import { enumeratePrograms, kBits, withinBounds } from "../../src/zmap/enumeration";
import { binaryStrings, booleanFunction } from "../../src/tasks/boolean-functions";
import { UsageError } from "../../src/core/errors";

const L = 10;
const INPUTS = binaryStrings(3);
const R_MAX = { rt: 400, rs: L + 2 };
const table = enumeratePrograms(bitlang, INPUTS, L, R_MAX);

/** Every bit string of 1 … n bits. */
const strings = (n: number) => binaryStrings(n).slice(1);

/** z ∈ 𝒵_{T,R} straight from the simulator: halts within R on every input, and reads every bit of z (else a prefix is the program). */
function directlyHalting(z: number[], bounds: { rt: number; rs: number }): number[][] | null {
  if (z.length > bounds.rs) return null;
  const logits: number[][] = [];
  let read = 0;
  for (const x of INPUTS) {
    const r = runPrefix(bitlang, x, z, bounds);
    if (r.status !== "halted") return null;
    read = Math.max(read, r.programBitsRead);
    logits.push(r.logits!);
  }
  return read === z.length ? logits : null;
}

test("enumeration = the simulator run at each R: same programs in 𝒵_{T,R}, same logits", () => {
  const all = strings(L);
  // bounds at a few programs' exact needs and one below each (off-by-one in either bound would show), and round ones
  const exact = ["00011011", "010011", "0100011011"].map((z) => table.programs.find((p) => p.z === z)!);
  const edges = exact.flatMap((p) => [{ rt: p.steps, rs: p.space }, { rt: p.steps - 1, rs: p.space }, { rt: p.steps, rs: p.space - 1 }]);
  for (const bounds of [...edges, { rt: 20, rs: 12 }, { rt: 45, rs: 12 }, { rt: 60, rs: 8 }, { rt: 90, rs: 10 }, R_MAX]) {
    const direct = new Map<string, number[][]>();
    for (const z of all) {
      const l = directlyHalting(z, bounds);
      if (l) direct.set(z.join(""), l);
    }
    const enumerated = table.programs.filter((p) => withinBounds(p, bounds));
    assert.deepEqual(enumerated.map((p) => p.z).sort(), [...direct.keys()].sort(), `𝒵_{T,R} at R = (${bounds.rt}, ${bounds.rs})`);
    for (const p of enumerated) assert.deepEqual(table.functions[p.fn].logits, direct.get(p.z), `logits of ${p.z}`);
  }
  for (const p of exact) {
    assert.ok(withinBounds(p, { rt: p.steps, rs: p.space }) && !withinBounds(p, { rt: p.steps - 1, rs: p.space }) && !withinBounds(p, { rt: p.steps, rs: p.space - 1 }), p.z);
  }
});

test("enumeration = bitlang's semantics: every halting program's class on every input is bitlangOracle's", () => {
  for (const p of table.programs) {
    const z = [...p.z].map(Number);
    table.functions[p.fn].logits.forEach((l, i) => {
      const want = bitlangOracle(z, INPUTS[i]);
      assert.notEqual(want, undefined, `${p.z} halts in the oracle on [${INPUTS[i]}]`);
      assert.equal(l[1] > l[0] ? 1 : 0, want, `${p.z} on [${INPUTS[i]}]`);
    });
  }
});

test("bitlang's programs counted in closed form: Σ_k 3^(k−1) complete programs, 3^(L/2) strings still incomplete at L, Kraft sum ≤ 1", () => {
  const complete = table.counts.halting + table.counts.pruned;
  let want = 0;
  for (let k = 1; k <= L / 2; k++) want += 3 ** (k - 1);
  assert.equal(complete, want, "complete programs (halting + looping) up to L");
  assert.equal(table.counts.incomplete, 3 ** (L / 2), "strings of L bits without a terminating 11");
  assert.ok(table.programs.every((p) => p.bits % 2 === 0));
  assert.ok(table.kraft <= 1 && table.kraft > 0, `Kraft sum ${table.kraft}`);
  // prefix-free: no program is a prefix of another
  const zs = table.programs.map((p) => p.z);
  for (const a of zs) for (const b of zs) if (a !== b) assert.ok(!b.startsWith(a), `${a} is a prefix of ${b}`);
});

test("K_{T,R}(f) = the shortest string whose direct simulation decides f within R; non-increasing in R", () => {
  for (const name of ["parity", "first", "second", "zero"]) {
    const labels = INPUTS.map((x) => booleanFunction(name)(x));
    let prev = Infinity;
    for (const rt of [10, 20, 30, 40, 50, 60, 80, 120, 400]) {
      const bounds = { rt, rs: R_MAX.rs };
      const got = kBits(table, labels, bounds);
      let best: number | null = null;
      for (const z of strings(L)) {
        const l = directlyHalting(z, bounds);
        if (l && l.every((v, i) => (v[1] > v[0] ? 1 : 0) === labels[i] && v[0] !== v[1])) {
          best = z.length;
          break; // binaryStrings is shortest first
        }
      }
      assert.equal(got?.bits ?? null, best, `K_{T,R}(${name}) at R_t = ${rt}`);
      const v = got?.bits ?? Infinity;
      assert.ok(v <= prev, `K_{T,R}(${name}) grew at R_t = ${rt}`);
      prev = v;
    }
  }
  // the 8-bit loop FLIP NEXT LOOP OUT computes parity on every input of up to 3 bits
  const parity = INPUTS.map((x) => booleanFunction("parity")(x));
  assert.equal(kBits(table, parity, R_MAX)?.z, "00011011");
});

test("bad input: L beyond R_s, L < 1, no inputs, bad bounds", () => {
  assert.throws(() => enumeratePrograms(bitlang, INPUTS, 12, { rt: 10, rs: 8 }), (e: unknown) => e instanceof UsageError && /R_s ≥ L/.test((e as Error).message));
  assert.throws(() => enumeratePrograms(bitlang, INPUTS, 0, { rt: 10, rs: 8 }), UsageError);
  assert.throws(() => enumeratePrograms(bitlang, [], 4, { rt: 10, rs: 8 }), UsageError);
  assert.throws(() => enumeratePrograms(bitlang, INPUTS, 4, { rt: 0, rs: 8 }), /R_t/);
});
