import { test } from "node:test";
import * as assert from "node:assert/strict";
import { bool, defaultsOf, int, num, numOrNums, oneOf, optNum, resolveSchema, strs, fieldsOf, typeLabel } from "../../src/lab/schema";

const schema = {
  steps: int(10, "steps"),
  lr: num(1e-3, "rate", { min: 0 }),
  limit: optNum(null, "optional"),
  flag: bool(false, "a flag"),
  prior: { grouping: oneOf(["all", "tensor"] as const, "tensor", "grouping"), components: int(3, "K", { min: 1 }) },
  klCoef: numOrNums([0.1, 0.01], "coefs", { min: 0 }),
  rows: strs(["a"], "rows", ["a", "b"] as const),
};

test("defaults come from the schema, fresh each time", () => {
  const d = defaultsOf(schema);
  assert.deepEqual(d, { steps: 10, lr: 1e-3, limit: null, flag: false, prior: { grouping: "tensor", components: 3 }, klCoef: [0.1, 0.01], rows: ["a"] });
  (d as { klCoef: unknown }).klCoef = 5;
  assert.deepEqual(defaultsOf(schema).klCoef, [0.1, 0.01]);
});

test("overrides apply in order; every bad value is an error naming the key and its source", () => {
  const r = resolveSchema(schema, [{ steps: 20 }, { prior: { grouping: "all" }, klCoef: 1e-4, limit: 4 }]);
  assert.equal(r.steps, 20);
  assert.equal(r.prior.grouping, "all");
  assert.equal(r.klCoef, 1e-4);
  assert.equal(r.limit, 4);
  const bad: [object, RegExp][] = [
    [{ stepz: 1 }, /unknown config key 'stepz' \(--set\); valid keys here: steps, lr/],
    [{ steps: 2.5 }, /'steps' \(--set\) must be an integer, got 2.5/],
    [{ steps: -1 }, /'steps' \(--set\) must be ≥ 0/],
    [{ lr: "fast" }, /'lr' \(--set\) expects a number, got "fast"/],
    [{ lr: Infinity }, /finite/],
    [{ prior: { grouping: "layer" } }, /'prior.grouping' \(--set\) must be one of all, tensor; got "layer"/],
    [{ prior: { components: 0 } }, /'prior.components' \(--set\) must be ≥ 1/],
    [{ prior: 3 }, /'prior' \(--set\) is a section \(grouping, components\)/],
    [{ klCoef: [] }, /must not be empty/],
    [{ klCoef: [0.1, -1] }, /entry -1: must be ≥ 0/],
    [{ rows: ["c"] }, /entry "c": must be one of a, b/],
    [{ flag: "yes" }, /expects true or false/],
    [{ steps: null }, /expects integer, got null/],
  ];
  for (const [o, msg] of bad) assert.throws(() => resolveSchema(schema, [o], ["--set"]), msg);
});

test("kcdl config's type labels", () => {
  const labels = Object.fromEntries(fieldsOf(schema).map(([k, f]) => [k, typeLabel(f)]));
  assert.deepEqual(labels, {
    steps: "integer [0, ∞]",
    lr: "number [0, ∞]",
    limit: "number | null",
    flag: "boolean",
    "prior.grouping": '"all" | "tensor"',
    "prior.components": "integer [1, ∞]",
    klCoef: "number|numbers [0, ∞]",
    rows: '("a" | "b")[]',
  });
});
