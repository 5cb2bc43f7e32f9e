/** The looped Transformer: parameter tree, shapes, determinism, padding, gradients and tensor hygiene. */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { testBackend } from "../support/helpers";
import {
  PAPER_TRANSFORMER,
  TransformerConfig,
  disposeForward,
  forward,
  heNormalInit,
  makeBatch,
  transformerParamSpecs,
  weightsFromValues,
} from "../../src/nn/transformer";
import { rngStream } from "../../src/core/rng";
import { UsageError } from "../../src/core/errors";

const small: TransformerConfig = { ...PAPER_TRANSFORMER, dModel: 16, dHead: 4, dMlp: 32, promptTokens: 3, relWindow: 3, normScale: "learnable" };

test("parameter tree of the paper's model: names, shapes and count", () => {
  const specs = transformerParamSpecs(PAPER_TRANSFORMER);
  const shape = (n: string) => specs.find((s) => s.name === n)?.shape;
  assert.deepEqual(shape("embed/tokens"), [5, 128]);
  assert.deepEqual(shape("embed/prompt"), [20, 128]);
  assert.deepEqual(shape("attn/Wq"), [128, 128]);
  assert.deepEqual(shape("attn/Wo"), [128, 128]);
  assert.deepEqual(shape("attn/relBias"), [2, 17]);
  assert.deepEqual(shape("mlp/W1"), [128, 512]);
  assert.deepEqual(shape("mlp/W2"), [512, 128]);
  assert.deepEqual(shape("out/W"), [128, 2]);
  assert.equal(shape("attn/norm/alpha"), undefined, "fixed α is not a parameter");
  const n = specs.reduce((a, s) => a + s.shape.reduce((x, y) => x * y, 1), 0);
  // 25·128 embeddings + 4·128² attention + 34 biases + 2·128·512 + 512 + 128 MLP + 3·256 norms + 258 readout
  assert.equal(n, 25 * 128 + 4 * 128 * 128 + 34 + 2 * 128 * 512 + 512 + 128 + 3 * 256 + 258);
  assert.ok(transformerParamSpecs(small).some((s) => s.name === "mlp/norm/alpha"));
  assert.throws(() => transformerParamSpecs({ ...small, heads: 0 }), UsageError);
});

test("He-normal init: weight matrices have variance 2/fan_in, biases zero, deterministic per seed", () => {
  const a = heNormalInit(PAPER_TRANSFORMER, rngStream(3, "init"));
  const b = heNormalInit(PAPER_TRANSFORMER, rngStream(3, "init"));
  assert.deepEqual(a["mlp/W1"], b["mlp/W1"]);
  const w = a["mlp/W1"];
  const v = w.reduce((s, x) => s + x * x, 0) / w.length;
  assert.ok(Math.abs(v - 2 / 128) < 0.05 * (2 / 128), `variance ${v}`);
  assert.ok(a["mlp/b1"].every((x) => x === 0) && a["attn/relBias"].every((x) => x === 0));
  assert.ok(a["attn/norm/gamma"].every((x) => x === 1));
});

test("forward: logit shape, determinism, padding does not change a sequence's logits, no leaks", async () => {
  await testBackend();
  const before = tf.memory().numTensors;
  const w = weightsFromValues(small, heNormalInit(small, rngStream(1, "init")));
  const inputs = [[1, 0, 1], [0, 1, 1, 0, 1, 1, 0], []];
  const run = (xs: number[][]) => {
    const r = forward(small, w, makeBatch(small, xs), { layers: 5, returnAttention: true });
    const out = { logits: r.logits.arraySync(), attn: r.attention!.map((a) => a.shape) };
    disposeForward(r);
    return out;
  };
  const a = run(inputs);
  assert.equal(a.logits.length, 3);
  assert.equal(a.logits[0].length, 2);
  assert.deepEqual(a.attn[0], [3, 2, 3 + 3 + 7, 3 + 3 + 7]);
  assert.equal(a.attn.length, 5);
  assert.deepEqual(run(inputs).logits, a.logits, "deterministic");
  inputs.forEach((x, i) => {
    const alone = run([x]).logits[0];
    alone.forEach((v, j) => assert.ok(Math.abs(v - a.logits[i][j]) < 1e-4, `padding changed logits of input ${i}`));
  });
  tf.dispose(Object.values(w));
  assert.equal(tf.memory().numTensors, before);
});

test("forward is differentiable in every parameter on the active backend", async () => {
  await testBackend();
  const vals = heNormalInit(small, rngStream(2, "init"));
  const vars = Object.fromEntries(transformerParamSpecs(small).map((s) => [s.name, tf.variable(tf.tensor(vals[s.name], s.shape))]));
  const batch = makeBatch(small, [[1, 0], [1, 1, 1]]);
  const { value, grads } = tf.variableGrads(() => {
    const r = forward(small, vars, batch, { layers: 3 });
    return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d([1, 1], "int32"), 2), r.logits) as tf.Scalar;
  });
  assert.ok(Number.isFinite(value.dataSync()[0]));
  for (const name of Object.keys(vars)) {
    const g = grads[vars[name].name];
    assert.ok(g, `gradient for ${name}`);
    assert.ok(g.dataSync().every(Number.isFinite), `finite gradient for ${name}`);
  }
  assert.ok(tf.sum(tf.abs(grads[vars["attn/relBias"].name])).dataSync()[0] > 0, "relative biases get gradient");
  tf.dispose([value, ...Object.values(grads), ...Object.values(vars)]);
});

test("makeBatch lays out START p… SEP x… END and rejects bad symbols", () => {
  const b = makeBatch(small, [[1, 0], []]);
  assert.equal(b.length, 3 + 3 + 2);
  assert.equal(b.sepIndex, 4);
  assert.deepEqual(Array.from(b.ids), [0, 1, 4, 3, 2, 0, 1, 2, -1, -1]);
  assert.throws(() => makeBatch(small, [[2]]), /symbol 2 at position 0/);
  assert.throws(() => makeBatch(small, []), /empty/);
});
