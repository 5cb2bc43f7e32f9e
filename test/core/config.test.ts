import { test } from "node:test";
import * as assert from "node:assert/strict";
import { parseSettings } from "../../src/core/config";
import { opSeed, rngStream } from "../../src/core/rng";


test("parseSettings reads --set key.path=value with JSON values", () => {
  assert.deepEqual(parseSettings(["prior.components=5", "lr=1e-4", "targets=[0.9,0.99]", "name=abc"]), {
    prior: { components: 5 },
    lr: 1e-4,
    targets: [0.9, 0.99],
    name: "abc",
  });
  assert.throws(() => parseSettings(["novalue"]), /key=value/);
});

test("named random streams are reproducible and independent", () => {
  const a = rngStream(1, "a");
  const a2 = rngStream(1, "a");
  const b = rngStream(1, "b");
  const xs = [a(), a(), a()];
  assert.deepEqual(xs, [a2(), a2(), a2()]);
  assert.notDeepEqual(xs, [b(), b(), b()]);
  // a saved state continues the same sequence (checkpoints)
  const s = rngStream(7, "c");
  s();
  const resumed = rngStream(0, "", s.state());
  assert.equal(resumed(), s());
  // op seeds are ≥ 1 (tfjs treats 0 as "unseeded") and depend on the name
  for (let i = 0; i < 50; i++) assert.ok(opSeed(i, "x") >= 1);
  assert.notEqual(opSeed(1, "x"), opSeed(1, "y"));
});
