import { test } from "node:test";
import * as assert from "node:assert/strict";
import { parseSettings, resolveConfig } from "../../src/core/config";
import { opSeed, rngStream } from "../../src/core/rng";

const defaults = { steps: 10, lr: 1e-3, prior: { components: 3, nu: 1 }, targets: [0.9], name: "x", limit: null as number | null };

test("resolveConfig merges defaults ← preset ← overrides without touching the defaults", () => {
  const r = resolveConfig(defaults, { steps: 20 }, { prior: { components: 5 }, targets: [0.5, 0.6], limit: 4 });
  assert.deepEqual(r, { steps: 20, lr: 1e-3, prior: { components: 5, nu: 1 }, targets: [0.5, 0.6], name: "x", limit: 4 });
  assert.equal(defaults.steps, 10);
  assert.equal(defaults.prior.components, 3);
});

test("unknown keys and wrong types are errors naming the key", () => {
  assert.throws(() => resolveConfig(defaults, { stepz: 3 } as never), /unknown config key 'stepz'; valid keys here: steps, lr/);
  assert.throws(() => resolveConfig(defaults, { prior: { comps: 3 } } as never), /unknown config key 'prior.comps'/);
  assert.throws(() => resolveConfig(defaults, { steps: "many" } as never), /'steps' expects number, got string/);
  assert.throws(() => resolveConfig(defaults, { targets: ["a"] } as never), /'targets' expects array/);
  assert.throws(() => resolveConfig(defaults, { lr: Infinity }), /finite/);
});

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
