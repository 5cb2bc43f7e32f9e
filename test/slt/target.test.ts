/** treeTarget: a tfjs model's loss and gradient on a flat parameter vector, against finite differences and a direct computation. */
import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { closeTo, testBackend } from "../support/helpers";
import { flatten, treeTarget, unflatten } from "../../src/slt/target";
import { heNormalInit, mlpNllBits, mlpSpecs } from "../../src/nn/mlp";
import { identityAll } from "../../src/tasks/identity";
import { rngStream } from "../../src/core/rng";
import { LN2 } from "../../src/codes/normal";

before(testBackend);

test("the MLP's L_n (nats per example) and its gradient match eq. 105 and central differences", () => {
  const specs = mlpSpecs({ inputs: 4, hidden: 3, outputs: 4 });
  const all = identityAll(4);
  const halves = [
    { x: all.x.slice([0, 0], [8, 4]) as tf.Tensor2D, y: all.y.slice([0, 0], [8, 4]) as tf.Tensor2D },
    { x: all.x.slice([8, 0], [8, 4]) as tf.Tensor2D, y: all.y.slice([8, 0], [8, 4]) as tf.Tensor2D },
  ];
  const t = treeTarget(specs, { n: 16, sample: () => all, all: () => halves.map((b) => ({ batch: b, count: 8 })) }, (w, b) => tf.mul(mlpNllBits(w, b.x, b.y), LN2) as tf.Scalar);
  // He-normal biases are 0, and the input 0000 then sits on every ReLU's kink, where central
  // differences average the one-sided slopes: biases away from 0 by more than h
  const init = heNormalInit(specs, rngStream(1, "t"));
  init.b1 = [0.3, -0.2, 0.25];
  const w0 = flatten(specs, init);
  assert.deepEqual(Array.from(flatten(specs, unflatten(specs, w0))), Array.from(Float32Array.from(w0)));
  const direct = tf.tidy(() => {
    const v = unflatten(specs, w0);
    const ws = Object.fromEntries(specs.map((s) => [s.name, tf.tensor(v[s.name], s.shape)]));
    return (mlpNllBits(ws, all.x, all.y).dataSync()[0] * LN2) / 16;
  });
  closeTo(t.fullLoss(w0), direct, 1e-5, "L_n over two batches = eq. 105 / 16 in nats");
  const { loss, grad } = t.lossAndGrad(w0, rngStream(1, "b"), 16);
  closeTo(loss, direct, 1e-5);
  for (const i of [0, 5, 12, 20, w0.length - 1]) {
    const h = 1e-2;
    const a = Float64Array.from(w0);
    const b = Float64Array.from(w0);
    a[i] += h;
    b[i] -= h;
    // float32 losses and O(h²) truncation: 3 % of the derivative plus 10⁻³
    const fd = (t.fullLoss(a) - t.fullLoss(b)) / (2 * h);
    closeTo(grad[i], fd, 0.03 * Math.abs(fd) + 1e-3, `∂L/∂w[${i}]`);
  }
  tf.dispose([all.x, all.y, ...halves.flatMap((b) => [b.x, b.y])]);
});
