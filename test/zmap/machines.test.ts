import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeLogit, encodeLogit, logitValue } from "../../src/zmap/logit-code";
import { PrefixMachine, checkPrefixMachine, runPrefix } from "../../src/zmap/prefix-machine";
import { selector, selectorOracle, selectorPrograms } from "../../src/zmap/machines/selector";
import { assemble, bitlang, bitlangOracle } from "../../src/zmap/machines/bitlang";
import { MachineSpec, checkSingleTapeMachine, runSingleTape } from "../../src/zmap/single-tape";

/** Every bit string of length 0 … n. */
function allInputs(n: number): number[][] {
  const out: number[][] = [[]];
  for (let len = 1; len <= n; len++) for (let v = 0; v < 1 << len; v++) out.push(Array.from({ length: len }, (_, k) => (v >> (len - 1 - k)) & 1));
  return out;
}

test("eq. 28 logit code: encode/decode round trip and invalid tapes", () => {
  for (const sign of [0, 1] as const) {
    for (let numerator = 0; numerator <= 5; numerator++) {
      for (let denominator = 1; denominator <= 4; denominator++) {
        const bits = encodeLogit({ sign, numerator, denominator });
        assert.equal(bits.length, 2 + numerator + denominator - 1);
        assert.deepEqual(decodeLogit(bits), { sign, numerator, denominator });
      }
    }
  }
  assert.equal(logitValue({ sign: 1, numerator: 3, denominator: 2 }), -1.5);
  assert.deepEqual(encodeLogit({ sign: 0, numerator: 2, denominator: 3 }), [0, 1, 1, 0, 1, 1]);
  for (const bad of [[], [0], [0, 1, 1], [1, 0, 1, 0]] as (0 | 1)[][]) assert.equal(decodeLogit(bad), undefined, `[${bad}]`);
});

test("selector: each 2-bit program computes its function on every input up to length 8", () => {
  checkPrefixMachine(selector);
  for (const [name, z] of Object.entries(selectorPrograms)) {
    for (const x of allInputs(8)) {
      const r = runPrefix(selector, x, z, { rt: 40, rs: 8 });
      assert.equal(r.status, "halted", `${name} on ${x}: ${r.reason}`);
      const y = selectorOracle(name, x);
      assert.deepEqual(r.logits, y === 1 ? [0, 1] : [1, 0], `${name} on [${x}]`);
      assert.equal(r.programBitsRead, 2);
    }
  }
  assert.equal(runPrefix(selector, [1], [1], { rt: 40, rs: 8 }).status, "overrun", "one bit is an incomplete program");
});

/** Complete bitlang programs of up to `maxInstr` instructions (the last is OUT = 11). */
function bitlangPrograms(maxInstr: number): (0 | 1)[][] {
  const out: (0 | 1)[][] = [];
  const rec = (prefix: (0 | 1)[], left: number) => {
    out.push([...prefix, 1, 1]);
    if (left > 1) for (const op of [[0, 0], [0, 1], [1, 0]] as (0 | 1)[][]) rec([...prefix, ...op], left - 1);
  };
  rec([], maxInstr);
  return out;
}

test("bitlang: the machine agrees with the language's direct semantics on every program ≤ 5 instructions × input ≤ 6", () => {
  checkPrefixMachine(bitlang);
  const programs = bitlangPrograms(5);
  assert.equal(programs.length, 1 + 3 + 9 + 27 + 81);
  let halted = 0;
  let timeouts = 0;
  for (const z of programs) {
    for (const x of allInputs(6)) {
      const r = runPrefix(bitlang, x, z, { rt: 600, rs: z.length + 2 });
      const y = bitlangOracle(z, x, 200);
      if (y === undefined) {
        assert.equal(r.status, "timeout", `${z.join("")} on [${x}]`);
        timeouts++;
      } else {
        assert.equal(r.status, "halted", `${z.join("")} on [${x}]: ${r.reason}`);
        assert.deepEqual(r.logits, y === 1 ? [0, 1] : [1, 0], `${z.join("")} on [${x}]`);
        assert.equal(r.programBitsRead, z.length, "reads exactly its program");
        halted++;
      }
    }
  }
  assert.ok(halted > 5000 && timeouts > 1000, `both outcomes exercised (${halted} halted, ${timeouts} timeouts)`);
  // Named programs compute what they say.
  const parity = assemble("NEXT FLIP LOOP OUT");
  assert.deepEqual(parity, [0, 1, 0, 0, 1, 0, 1, 1]);
  for (const x of allInputs(8)) {
    const r = runPrefix(bitlang, x, parity, { rt: 400, rs: 10 });
    assert.deepEqual(r.logits, x.reduce((a, b) => a ^ b, 0) ? [0, 1] : [1, 0]);
  }
});

test("prefix machines: resource bounds and bad input give a status or one clear error", () => {
  const z = assemble("NEXT FLIP LOOP OUT");
  assert.equal(runPrefix(bitlang, [1, 0, 1], z, { rt: 10, rs: 10 }).status, "timeout");
  assert.equal(runPrefix(bitlang, [1, 0, 1], z, { rt: 400, rs: 8 }).status, "space", "the copy needs |z| + 2 cells");
  assert.equal(runPrefix(bitlang, [1], [0, 1, 0], { rt: 400, rs: 8 }).status, "overrun", "an odd-length prefix is incomplete");
  assert.throws(() => runPrefix(bitlang, [1], z, { rt: 400, rs: 6 }), /has 8 bits but the space bound R_s is 6; raise R_s to at least 8/);
  assert.throws(() => runPrefix(bitlang, [2], z, { rt: 400, rs: 10 }), /input token 2 out of range/);
  assert.throws(() => runPrefix(bitlang, [1], [], { rt: 400, rs: 10 }), /program for 'bitlang' is empty/);
  const broken = (patch: (o: ReturnType<PrefixMachine["transition"]>) => unknown): PrefixMachine => ({
    ...selector,
    name: "broken",
    transition: (i) => {
      const o = selector.transition(i);
      return i.state === 0 && o ? ({ ...o, ...(patch(o) as object) }) : o;
    },
  });
  assert.throws(() => checkPrefixMachine(broken(() => ({ state: 99 }))), /machine 'broken', transition for state 0, .*: unknown state 99/);
  assert.throws(() => checkPrefixMachine(broken(() => ({ output: { tape: 5, bit: 1 } }))), /unknown output tape 5/);
  assert.throws(() => checkPrefixMachine(broken(() => ({ work: 3 }))), /unknown work symbol 3/);
  const gap: PrefixMachine = { ...selector, name: "gap", transition: (i) => (i.state === 3 ? undefined : selector.transition(i)) };
  assert.throws(() => runPrefix(gap, [1], selectorPrograms.first, { rt: 40, rs: 4 }), /machine 'gap' has no transition for state 3, input 1, program bit 0, work symbol 0 \(reached at step 3\)/);
  const invalid: PrefixMachine = { ...selector, name: "invalid", transition: (i) => ({ state: i.state, halt: true }) };
  assert.equal(runPrefix(invalid, [], [0, 0], { rt: 5, rs: 4 }).status, "invalid-output");
});

test("single-tape machine (Fig. 4): binary increment agrees with arithmetic", () => {
  // Tape: a little-endian binary number; state 0 carries 1 rightwards.
  const inc: MachineSpec = {
    name: "increment",
    numStates: 2,
    numSymbols: 2,
    numSteps: 20,
    transition: ({ state, headSymbol }) => {
      if (state === 1) return { state: 1, halt: true };
      if (headSymbol === 2) return { state: 0, move: "RIGHT" }; // START
      if (headSymbol === 1) return { state: 0, symbol: 0, move: "RIGHT" };
      return { state: 1, symbol: headSymbol === 0 ? 1 : undefined, halt: true }; // 0 → 1; END: overflow, halt
    },
  };
  checkSingleTapeMachine(inc);
  for (let v = 0; v < 64; v++) {
    const x = Array.from({ length: 6 }, (_, k) => (v >> k) & 1);
    const r = runSingleTape(inc, x);
    assert.ok(r.halted);
    const bits = r.tape.slice(1, -1);
    assert.equal(bits.reduce((a, b, k) => a + b * 2 ** k, 0), (v + 1) % 64);
  }
  assert.throws(() => checkSingleTapeMachine({ ...inc, transition: () => ({ state: 0, symbol: 7 }) }), /unknown symbol 7/);
});
