import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { generateParitySplit, loadParitySplit, parity, parityDataDir, paritySplits } from "../../src/tasks/parity-data";

test("C.1 training split: 100,000 strings of lengths 1–20, about equal counts per number of ones", () => {
  const [train, ood] = paritySplits(1);
  const xs = generateParitySplit(train);
  assert.equal(xs.length, 100_000);
  const perOnes = new Array(21).fill(0);
  for (const x of xs) {
    assert.ok(x.length >= 1 && x.length <= 20);
    perOnes[x.reduce((a, b) => a + b, 0)]++;
  }
  const expected = 100_000 / 21;
  for (const [k, c] of perOnes.entries()) assert.ok(Math.abs(c - expected) < 5 * Math.sqrt(expected), `${c} strings with ${k} ones (expected ≈ ${expected.toFixed(0)})`);
  const labels = xs.map(parity);
  const odd = labels.reduce((a, b) => a + b, 0) / xs.length;
  assert.ok(Math.abs(odd - 10 / 21) < 0.01, `odd fraction ${odd} (10 of the 21 one-counts 0…20 are odd)`);
  for (const x of generateParitySplit(ood)) assert.ok(x.length >= 21 && x.length <= 40);
  assert.deepEqual(generateParitySplit({ ...train, size: 50 }), xs.slice(0, 50), "a prefix of the same stream");
});

test("parity data cache: the committed manifest's checksums are reproduced, and a changed file is refused", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kcdl-parity-"));
  try {
    // The repository's manifest (seed 1, C.1 sizes) records checksums made elsewhere: regenerating must match.
    const committed = JSON.parse(fs.readFileSync(path.join(parityDataDir(), "manifest.json"), "utf8"));
    fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(committed));
    for (const spec of paritySplits(1)) {
      const a = loadParitySplit(spec, dir); // generated, checked against the committed checksum
      const b = loadParitySplit(spec, dir); // read from the cache
      assert.deepEqual(a, b);
      assert.equal(a.length, spec.size);
    }
    const file = fs.readdirSync(dir).find((f) => f.startsWith("train-"))!;
    fs.appendFileSync(path.join(dir, file), "1\n");
    assert.throws(() => loadParitySplit(paritySplits(1)[0], dir), /does not match its checksum .* delete the file to regenerate it/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
