import { test } from "node:test";
import assert from "node:assert/strict";
import { interpret } from "../../src/alta/interpreter";
import { Bounds, PrefixMachine, runPrefix } from "../../src/zmap/prefix-machine";
import { configurationAt, machineStageLayers, prefixMachineProgram } from "../../src/zmap/prefix-program";
import { selector, selectorPrograms } from "../../src/zmap/machines/selector";
import { assemble, bitlang } from "../../src/zmap/machines/bitlang";

function allInputs(n: number): number[][] {
  const out: number[][] = [[]];
  for (let len = 1; len <= n; len++) for (let v = 0; v < 1 << len; v++) out.push(Array.from({ length: len }, (_, k) => (v >> k) & 1));
  return out;
}

/** Layer by layer, the program's configuration equals the simulator's after the same number of steps. */
function checkLockstep(m: PrefixMachine, z: number[], x: number[], bounds: Bounds): string {
  const sim = runPrefix(m, x, z, bounds, { trace: true });
  const program = prefixMachineProgram(m, z, bounds);
  const r = interpret(program, x, { layers: machineStageLayers(bounds), promptTokens: bounds.rs, trace: true });
  const states = r.states!;
  const trace = sim.trace!;
  for (let layer = 1; layer < states.length; layer++) {
    const t = Math.min(layer - 1, trace.length - 1); // after halting (or stopping) the configuration stays
    const got = configurationAt(m, bounds.rs, states[layer]);
    const want = trace[t];
    if (sim.status !== "halted" && layer - 1 > trace.length - 1) break; // the simulator stopped on a resource bound
    assert.deepEqual(got, { ...want, work: want.work.slice(0, bounds.rs) }, `${m.name} z=${z.join("")} x=[${x}] layer ${layer} (step ${t})`);
  }
  return sim.status;
}

test("zmap machine stage: the selector's program runs in lockstep with the simulator", () => {
  for (const z of Object.values(selectorPrograms)) {
    for (const x of allInputs(5)) assert.equal(checkLockstep(selector, z, x, { rt: 16, rs: 6 }), "halted");
  }
});

test("zmap machine stage: bitlang programs (copy, loop, halt, and a non-halting one) in lockstep with the simulator", () => {
  const programs = ["OUT", "NEXT FLIP OUT", "NEXT NEXT FLIP OUT", "NEXT FLIP LOOP OUT", "NEXT LOOP OUT", "LOOP OUT"].map(assemble);
  const statuses = new Set<string>();
  for (const z of programs) {
    for (const x of allInputs(3)) statuses.add(checkLockstep(bitlang, z, x, { rt: 120, rs: z.length + 2 }));
  }
  assert.deepEqual([...statuses].sort(), ["halted", "timeout"]);
});
