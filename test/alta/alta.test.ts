/**
 * The ALTA-style compiler against its reference interpreter: for every program
 * in the repo, the compiled looped Transformer (decoded residual stream, every
 * layer, every position; and the logits at SEP) agrees with the interpreter on
 * every input up to an exhaustive length and on random longer inputs. Also the
 * rule expansion against ALTA's published parity rules, and bad-input errors.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { testBackend } from "../support/helpers";
import { boundaryProgram } from "../support/programs";
import {
  CompiledProgram,
  Program,
  ProgramBuilder,
  compile,
  decodeOutputs,
  decodeResidual,
  describeRule,
  interpret,
  lastBitProgram,
  modularSumProgram,
  parityProgram,
  programRules,
} from "../../src/alta";
import { disposeForward, forward, makeBatch, weightsFromValues } from "../../src/nn/transformer";
import { rngStream } from "../../src/core/rng";
import { KcdlError, UsageError } from "../../src/core/errors";

/** Every string over `vocab` symbols of length ≤ maxLen. */
function allInputs(vocab: number, maxLen: number): number[][] {
  const out: number[][] = [[]];
  let frontier: number[][] = [[]];
  for (let n = 1; n <= maxLen; n++) {
    frontier = frontier.flatMap((x) => Array.from({ length: vocab }, (_, s) => [...x, s]));
    out.push(...frontier);
  }
  return out;
}

/** Compares interpreter and compiled model on `inputs` after every layer; returns the number of checks. */
function agree(c: CompiledProgram, inputs: number[][], layers: number): number {
  const p = c.program;
  const Rs = c.config.promptTokens;
  let checks = 0;
  const byLen = new Map<number, number[][]>();
  for (const x of inputs) byLen.set(x.length, [...(byLen.get(x.length) ?? []), x]);
  const w = weightsFromValues(c.config, c.values);
  try {
    for (const group of byLen.values()) {
      const r = forward(c.config, w, makeBatch(c.config, group), { layers, returnResidual: true });
      const residual = r.residual!.map((t) => t.arraySync());
      const logits = r.logits.arraySync();
      disposeForward(r);
      group.forEach((x, b) => {
        const ir = interpret(p, x, { layers, promptTokens: Rs, trace: true });
        for (let l = 0; l <= layers; l++) {
          for (let i = 0; i < ir.tokens.length; i++) {
            const dec = decodeResidual(c, residual[l][b][i]);
            for (const v of p.variables) {
              if (v.role === "head") continue;
              const want = ir.states![l][v.name][i];
              const got = dec[v.name];
              const ok = v.kind === "numerical" ? Math.abs((got as number) - (want as number)) < 1e-3 : got === want;
              assert.ok(ok, `${p.name} ${JSON.stringify(x)} layer ${l} position ${i} ${v.name}: compiled ${got}, interpreter ${want}`);
              checks++;
            }
          }
        }
        const out = decodeOutputs(c, logits[b]);
        for (const o of p.outputs) {
          if (p.variables.find((v) => v.name === o)!.kind === "numerical") continue;
          assert.equal(out[o], ir.outputs[o], `${p.name} ${JSON.stringify(x)} output ${o}`);
        }
      });
    }
  } finally {
    tf.dispose(Object.values(w));
  }
  return checks;
}

function randomInputs(vocab: number, count: number, minLen: number, maxLen: number, seed: string): number[][] {
  const rng = rngStream(1, seed);
  return Array.from({ length: count }, () => {
    const n = minLen + Math.floor(rng() * (maxLen - minLen + 1));
    return Array.from({ length: n }, () => Math.floor(rng() * vocab));
  });
}

const PROGRAMS: [Program, number][] = [
  [parityProgram(), 7],
  [modularSumProgram(3), 4],
  [lastBitProgram(), 6],
];

test("compiled programs agree with the interpreter at every layer and position (exhaustive + random)", async () => {
  await testBackend();
  const before = tf.memory().numTensors;
  for (const [p, exhaustive] of PROGRAMS) {
    const c = compile(p, { promptTokens: 2 });
    const n1 = agree(c, allInputs(p.inputVocab, exhaustive), exhaustive + 2);
    const n2 = agree(c, randomInputs(p.inputVocab, 24, exhaustive + 1, 24, p.name), 26);
    assert.ok(n1 > 1000 && n2 > 1000, `${p.name}: ${n1} + ${n2} checks`);
  }
  assert.equal(tf.memory().numTensors, before, "no tensors leaked");
});

test("clamped rules and restoring units (zmap's options) keep every program exact, with the unit counts they state", async () => {
  await testBackend();
  for (const [p, exhaustive] of PROGRAMS) {
    const plain = compile(p, { promptTokens: 2 });
    const c = compile(p, { promptTokens: 2, clampRules: true, restoreHeads: true });
    const headDims = c.layout.filter((l) => l.spec.role === "head" && l.spec.kind !== "numerical").reduce((a, l) => a + l.dims, 0);
    assert.equal(c.minimal.dMlp, 2 * c.rules.length + 2 * headDims, p.name);
    assert.equal(plain.minimal.dMlp, plain.rules.length, p.name);
    const n = agree(c, allInputs(p.inputVocab, exhaustive - 1), exhaustive + 2);
    assert.ok(n > 500, `${p.name}: ${n} checks`);
  }
});

test("a relative head past the sequence ends reads its own position, in the interpreter and compiled", async () => {
  await testBackend();
  // x: START 2, END 3, input bits 0/1; y ← x at i − 1, z ← x at i + 1.
  const p = boundaryProgram();
  const r = interpret(p, [1, 0], { layers: 1, promptTokens: 1, trace: true });
  const s1 = r.states![1];
  const T = r.tokens.length;
  assert.equal(s1.y[0], 2, "START reads itself on the left");
  assert.equal(s1.z[T - 1], 3, "END reads itself on the right");
  assert.deepEqual(s1.y.slice(1), s1.x.slice(0, T - 1));
  assert.deepEqual(s1.z.slice(0, T - 1), s1.x.slice(1));
  for (const options of [{}, { clampRules: true, restoreHeads: true }]) {
    const c = compile(p, { promptTokens: 1, ...options });
    assert.ok(agree(c, allInputs(2, 4), 3) > 100);
  }
});

test("parity padded to the paper's model (d 128, 2 heads, MLP 512, 20 prompts) agrees with the interpreter", async () => {
  await testBackend();
  const c = compile(parityProgram(), { promptTokens: 20, dModel: 128, heads: 2, dHead: 64, dMlp: 512 });
  assert.deepEqual(c.minimal, { dModel: 8, heads: 2, dHead: 2, dMlp: 7 });
  agree(c, [[1, 0, 1, 1, 0, 1], [0, 0, 0], [1], []], 8);
});

test("parity rules match ALTA's sparse relative parity program (3 rules + 4 resets)", () => {
  const rules = programRules(parityProgram()).map(describeRule);
  assert.deepEqual(rules, [
    "done=0 ∧ doneRight=1 → done: 0 ↦ 1",
    "done=0 ∧ doneRight=1 ∧ parity=0 ∧ parityRight=1 → parity: 0 ↦ 1",
    "done=0 ∧ doneRight=1 ∧ parity=1 ∧ parityRight=1 → parity: 1 ↦ 0",
    "parityRight=0 → parityRight: 0 ↦ null",
    "parityRight=1 → parityRight: 1 ↦ null",
    "doneRight=0 → doneRight: 0 ↦ null",
    "doneRight=1 → doneRight: 1 ↦ null",
  ]);
});

test("parity interpreter: SEP holds the parity after n + 1 layers, not before", () => {
  const p = parityProgram();
  for (const x of allInputs(2, 8)) {
    const want = x.reduce((a, b) => a ^ b, 0);
    assert.equal(interpret(p, x, { layers: x.length + 1, promptTokens: 3 }).outputs.parity, want);
    assert.equal(interpret(p, x, { layers: 60, promptTokens: 3 }).outputs.parity, want, "fixed point");
  }
  // with n layers SEP is not done yet: it still holds its initial 0, wrong for odd inputs
  assert.equal(interpret(p, [1, 0, 0], { layers: 3, promptTokens: 0 }).outputs.parity, 0);
});

test("compiled weights use few distinct values and the compile options scale them", () => {
  const c = compile(parityProgram(), { paramScale: 5, attentionScale: 30 });
  const distinct = new Set(Object.values(c.values).flatMap((v) => Array.from(v)));
  assert.ok(distinct.size <= 16, `distinct values: ${[...distinct]}`);
  assert.ok(distinct.has(5) && distinct.has(-5) && distinct.has(30));
});

test("bad programs and options give one clear error naming the variable, function or size", () => {
  const base = () => new ProgramBuilder("bad", 2).categorical("a", 2, { init: (t) => (t.kind === "input" ? t.index : 0) }).relative("aRight", "a", 1);
  // MLP function undefined on a reachable input: compiles (don't care), fails in the interpreter when reached
  const partial = base()
    .mlp("f", ["a", "aRight"], (x) => (x.aRight === 1 ? undefined : {}))
    .output("a")
    .build();
  compile(partial);
  assert.throws(() => interpret(partial, [0, 1], { layers: 1, promptTokens: 0 }), (e: Error) => e instanceof KcdlError && /'f' is undefined on reachable input \{a: 0, aRight: 1\}/.test(e.message));
  // value out of range
  const outOfRange = base().mlp("g", ["a"], () => ({ a: 2 })).output("a").build();
  assert.throws(() => compile(outOfRange), (e: Error) => e instanceof UsageError && /value 2 is out of range for categorical variable 'a'/.test(e.message) && /'g'/.test(e.message));
  const badInit = new ProgramBuilder("bad", 2).categorical("c", 2, { init: () => 3 }).relative("r", "c", 1).output("c").build();
  assert.throws(() => compile(badInit), /init of 'c' on token START: value 3 is out of range/);
  // requested dims too small
  assert.throws(() => compile(parityProgram(), { dModel: 4 }), (e: Error) => e instanceof UsageError && /dModel 4 is smaller than the program needs \(8: parity 2, done 2/.test(e.message));
  assert.throws(() => compile(parityProgram(), { dMlp: 5 }), /dMlp 5 is smaller than the program needs \(7: one hidden unit per rule: 3 from 'step', 4 from 'reset'\)/);
  assert.throws(() => compile(parityProgram(), { heads: 1 }), /heads 1 is smaller/);
  assert.throws(() => compile(parityProgram(), { relWindow: 0 }), /relWindow 0 does not cover head offset ±1/);
  // structural errors
  assert.throws(() => base().numerical("n").mlp("h", ["n"], () => ({})).output("a").build(), /reads numerical variable 'n'/);
  assert.throws(() => compile(base().categorical("b", 2).mlp("k", ["a"], () => ({ b: 1 })).output("a").build()), /updates 'b' without reading it/);
  assert.throws(() => base().output("aRight").build(), /head output/);
  assert.throws(() => base().relative("aRight", "a", -1).output("a").build(), /clashes/);
  assert.throws(() => interpret(parityProgram(), [2], { layers: 1, promptTokens: 0 }), /input symbol 2 at position 0 is out of range/);
  // mean heads (B.5.3): numerical value into a declared numerical variable
  assert.throws(() => base().numerical("n").mean("m", { query: "a", key: "a", value: "n" }).output("a").build(), /declare 'm' with numerical\(\)/);
  assert.throws(() => base().numerical("m").mean("m", { query: "a", key: "a", value: "a" }).output("a").build(), /averages a numerical value; 'a' is categorical/);
  assert.throws(() => compile(parityProgram(), { numericalScale: 0 }), /numericalScale/);
});
