import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { decodeResidual } from "../../src/alta/compiler";
import { disposeForward, forward, makeBatch, weightsFromValues } from "../../src/nn/transformer";
import { checkReachableTransitions, runPrefix } from "../../src/zmap/prefix-machine";
import { configurationAt } from "../../src/zmap/prefix-program";
import { mappingFn, zmap, zmapTheorem2 } from "../../src/zmap/zmap";
import { selector, selectorPrograms } from "../../src/zmap/machines/selector";
import { assemble, bitlang } from "../../src/zmap/machines/bitlang";
import { ratio, ratioOracle } from "../../src/zmap/machines/ratio";
import { interpret } from "../../src/alta/interpreter";
import { testBackend } from "../support/helpers";

function allInputs(n: number): number[][] {
  const out: number[][] = [[]];
  for (let len = 1; len <= n; len++) for (let v = 0; v < 1 << len; v++) out.push(Array.from({ length: len }, (_, k) => (v >> k) & 1));
  return out;
}

/** Runs zmap(m, bounds, z) on every input and compares each layer's decoded configuration with the simulator's trace. */
function lockstep(m: typeof selector, bounds: { rt: number; rs: number }, z: number[], inputs: number[][], what: string): number {
  const zm = zmap(m, bounds, z);
  const { compiled: c } = zm;
  const w = weightsFromValues(c.config, c.values);
  const out = forward(c.config, w, makeBatch(c.config, inputs), { layers: zm.layers, returnResidual: true });
  const layers = out.residual!.map((r) => r.arraySync() as number[][][]);
  disposeForward(out);
  tf.dispose(Object.values(w));
  let halted = 0;
  inputs.forEach((x, b) => {
    const sim = runPrefix(m, x, z, bounds, { trace: true });
    if (sim.status === "halted") halted++;
    for (let layer = 1; layer <= zm.layers; layer++) {
      if (layer - 1 >= sim.trace!.length && sim.status !== "halted") break; // the simulator stopped on a resource bound
      const rows = layers[layer][b].slice(0, bounds.rs + x.length + 3);
      const state: Record<string, (number | null)[]> = {};
      const decoded = rows.map((row) => decodeResidual(c, row));
      for (const v of c.program.variables) state[v.name] = decoded.map((d) => d[v.name]);
      const want = sim.trace![Math.min(layer - 1, sim.trace!.length - 1)];
      assert.deepEqual(configurationAt(m, bounds.rs, state), want, `${what} on [${x}], layer ${layer}`);
    }
  });
  return halted;
}

test("zmap(selector, R, z): the compiled Transformer runs in lockstep with the simulator, every program × input ≤ 4", async () => {
  await testBackend();
  const inputs = allInputs(4);
  for (const [name, z] of Object.entries(selectorPrograms)) {
    assert.equal(lockstep(selector, { rt: 12, rs: 4 }, z, inputs, name), inputs.length);
  }
});

test("zmap(bitlang, R, z): a looping program stays in lockstep with the simulator for 60 layers", async () => {
  await testBackend();
  const inputs = allInputs(2);
  // Parity by a loop: the machine runs 26–52 steps on these inputs, then halts.
  assert.equal(lockstep(bitlang, { rt: 60, rs: 10 }, assemble("NEXT FLIP LOOP OUT"), inputs, "NEXT FLIP LOOP OUT"), inputs.length);
});

test("zmap decodes eq. 28 inside the Transformer (B.5.3): signed rational logits equal the simulator's and the oracle's", async () => {
  await testBackend();
  const bounds = { rt: 20, rs: 7 };
  const inputs = allInputs(4);
  let worst = 0;
  for (const p of [0, 1] as const) {
    const zm = zmap(ratio, bounds, [p]);
    const c = zm.compiled;
    assert.equal(zm.layers, bounds.rt + 2, "R_t + 2 layers (B.5.3)");
    const w = weightsFromValues(c.config, c.values);
    const out = forward(c.config, w, makeBatch(c.config, inputs), { layers: zm.layers });
    const logits = out.logits.arraySync() as number[][];
    disposeForward(out);
    tf.dispose(Object.values(w));
    inputs.forEach((x, b) => {
      const sim = runPrefix(ratio, x, [p], bounds);
      assert.equal(sim.status, "halted", `[${x}]`);
      const want = ratioOracle(p, x);
      sim.logits!.forEach((y, k) => assert.ok(Math.abs(y - want[k]) < 1e-12, `simulator vs oracle on [${x}]`));
      // the interpreter computes the same logits exactly (up to float sums)
      const ir = interpret(c.program, x, { layers: zm.layers, promptTokens: bounds.rs });
      want.forEach((y, k) => assert.ok(Math.abs((ir.outputs[`logit${k}`] as number) - y) < 1e-9, `interpreter logit ${k} on [${x}] (p = ${p})`));
      // compiled: numerical values pass tanh at ε·x, a relative error ≈ (αεx)² (compiler.ts)
      want.forEach((y, k) => {
        const err = Math.abs(logits[b][k] - y) / Math.max(1, Math.abs(y));
        worst = Math.max(worst, err);
        assert.ok(err < 1e-4, `Transformer logit ${k} on [${x}] (p = ${p}): ${logits[b][k]} vs ${y}`);
      });
    });
  }
  assert.ok(worst > 0, "the tanh approximation leaves a measurable error (the check reads the network's logits)");
  // Fig. 6's mapping function gives the same logits one input at a time, and leaks nothing
  const f = mappingFn(zmap(ratio, bounds, [1]));
  const before = tf.memory().numTensors;
  const y = f([1, 1, 0, 1]);
  assert.equal(tf.memory().numTensors, before);
  ratioOracle(1, [1, 1, 0, 1]).forEach((v, k) => assert.ok(Math.abs(y[k] - v) < 1e-4, `mappingFn logit ${k}: ${y[k]} vs ${v}`));
});

test("Theorem 2 on zmap's weights (B.10): KL − |z| is one constant c_T over programs and R_s; only prompts grow with R_s", () => {
  const cases: [typeof bitlang, number[][]][] = [
    [selector, Object.values(selectorPrograms)],
    [bitlang, ["OUT", "NEXT FLIP LOOP OUT"].map(assemble)],
  ];
  for (const [m, programs] of cases) {
    const cT = new Set<string>();
    const nonPrompt = new Set<number>();
    for (const z of programs) {
      for (const rs of [z.length + 2, 24]) {
        for (const rt of m === selector ? [20, 60] : [40]) {
          const t = zmapTheorem2(zmap(m, { rt, rs }, z), z.length);
          assert.equal(t.programKlBits, z.length);
          assert.equal(t.promptOtherKlBits, 0, "every prompt column but the program's is constant over rows (eq. 53)");
          cT.add((t.klBits - z.length).toFixed(9));
          nonPrompt.add(t.weightCount - t.promptWeightCount);
        }
      }
    }
    assert.equal(cT.size, 1, `${m.name}: KL − |z| takes the values ${[...cT].join(", ")}`);
    assert.equal(nonPrompt.size, 1, `${m.name}: the non-prompt weight count depends on R or z: ${[...nonPrompt]}`);
    assert.ok(Number([...cT][0]) > 0);
  }
});

test("zmap(T, R, z) rejects bounds it cannot compile, naming R_t or R_s (B.3)", () => {
  for (const rt of [-3, 2.5, NaN, 0, Infinity]) {
    assert.throws(() => zmap(selector, { rt, rs: 4 }, selectorPrograms.parity), (e: Error) => /R_t/.test(e.message) && e.message.includes(String(rt)), `R_t = ${rt}`);
  }
  for (const rs of [-3, 2.5, NaN, 0]) {
    assert.throws(() => zmap(selector, { rt: 12, rs }, selectorPrograms.parity), (e: Error) => /R_s/.test(e.message) && !/R_t must/.test(e.message), `R_s = ${rs}`);
  }
  // the simulator agrees: no more "timeout after −3 steps"
  assert.throws(() => runPrefix(selector, [1], selectorPrograms.parity, { rt: -3, rs: 4 }), /R_t/);
});

test("zmap(T, R, z) refuses a machine whose transition is undefined where T_R can reach it, naming the state and symbols", () => {
  // selector without "parity1 reads END": reached by program 11 on any input with an odd number of ones
  const parity1 = 5;
  const holed: typeof selector = {
    ...selector,
    name: "holed",
    transition: (i) => (i.state === parity1 && i.input === "END" ? undefined : selector.transition(i)),
  };
  assert.throws(
    () => zmap(holed, { rt: 12, rs: 4 }, selectorPrograms.parity),
    (e: Error) => e.message.includes("'holed'") && e.message.includes("state 5") && e.message.includes("input END") && /define it/.test(e.message),
  );
  // too few steps to get there: T_R never needs it, so it compiles (and so do programs that never go there)
  assert.doesNotThrow(() => zmap(holed, { rt: 2, rs: 4 }, selectorPrograms.parity));
  for (const name of ["zero", "one", "first"] as const) assert.doesNotThrow(() => checkReachableTransitions(holed, selectorPrograms[name], { rt: 12, rs: 4 }), name);
  // bitlang leaves transitions undefined that no input reaches (the copy is contiguous): it passes
  // the check zmap makes (its compilation is tested above), at the zmap experiment's bounds too
  for (const src of ["OUT", "NEXT FLIP OUT", "NEXT NEXT FLIP OUT", "NEXT FLIP LOOP OUT", "LOOP OUT"]) {
    assert.doesNotThrow(() => checkReachableTransitions(bitlang, assemble(src), { rt: 100, rs: 12 }), src);
  }
});
