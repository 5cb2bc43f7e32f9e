import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { interpret } from "../../src/alta/interpreter";
import { compile, decodeResidual } from "../../src/alta/compiler";
import { forward, makeBatch, weightsFromValues, disposeForward } from "../../src/nn/transformer";
import { runSingleTape, MachineSpec } from "../../src/zmap/single-tape";
import { singleTapeProgram } from "../../src/zmap/single-tape-program";
import { bounceComplement, increment } from "../../src/zmap/machines/single-tape-examples";
import { testBackend } from "../support/helpers";

function allInputs(n: number): number[][] {
  const out: number[][] = [[]];
  for (let len = 1; len <= n; len++) for (let v = 0; v < 1 << len; v++) out.push(Array.from({ length: len }, (_, k) => (v >> k) & 1));
  return out;
}

/** The machine configuration after the run, as the simulator reports it: [tape, head, state, halted]. */
function simulated(spec: MachineSpec, x: number[]) {
  const r = runSingleTape(spec, x);
  return { tape: r.tape, head: r.head, state: r.state, halted: r.halted ? 1 : 0 };
}

for (const spec of [increment, bounceComplement]) {
  test(`Fig. 5 emulator of '${spec.name}': interpreter = simulator on every input up to length 6`, () => {
    const program = singleTapeProgram(spec);
    for (const x of allInputs(6)) {
      const r = interpret(program, x, { layers: spec.numSteps, promptTokens: 0, trace: true });
      const s = r.states![r.states!.length - 1];
      const tape = s.symbol.slice(1); // SEP … END
      const head = s.head.slice(1).indexOf(1);
      assert.deepEqual({ tape, head, state: s.state[r.sepIndex], halted: s.halted[r.sepIndex] }, simulated(spec, x), `[${x}]`);
    }
  });

  test(`Fig. 5 emulator of '${spec.name}': compiled Transformer = simulator on every input up to length 5`, async () => {
    await testBackend();
    const program = singleTapeProgram(spec);
    const c = compile(program, { promptTokens: 0 });
    const inputs = allInputs(5);
    const w = weightsFromValues(c.config, c.values);
    const batch = makeBatch(c.config, inputs);
    const out = forward(c.config, w, batch, { layers: spec.numSteps, returnResidual: true });
    const last = out.residual![out.residual!.length - 1];
    const rows = last.arraySync() as number[][][];
    disposeForward(out);
    tf.dispose(Object.values(w));
    inputs.forEach((x, b) => {
      const decoded = rows[b].slice(0, x.length + 3).map((row) => decodeResidual(c, row));
      const tape = decoded.slice(1).map((d) => d.symbol);
      const head = decoded.slice(1).findIndex((d) => d.head === 1);
      assert.deepEqual({ tape, head, state: decoded[1].state, halted: decoded[1].halted }, simulated(spec, x), `[${x}]`);
    });
  });
}
