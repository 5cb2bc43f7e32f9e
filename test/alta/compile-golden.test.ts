/**
 * Golden hashes of the compiler's output: for every program in the repo (ALTA's
 * own and zmap's emulator programs) under several option settings, the SHA-256
 * of each compiled weight array's Float32 bytes, of the model config, and of the
 * layout, rules, minimal sizes and output columns; for options the program
 * cannot take, the error message. A refactor of the compiler must leave them all
 * unchanged. The goldens come from the code itself, so they guard against
 * change, not against error: correctness is `alta.test.ts` (compiled model vs
 * interpreter) and the zmap tests (compiled machine vs simulator).
 *
 * `npm test` checks a quick subset of the cases (about 10 s); every case (about
 * 100 s on one core):
 *   npm run build && npx tsc -p test/tsconfig.json && \
 *     KCDL_GOLDEN_FULL=1 node --test .test-build/test/alta/compile-golden.test.js
 * Update the goldens (always every case) after an intended change of the
 * compiled weights, and say why in the commit:
 *   KCDL_UPDATE_GOLDENS=1 node --test .test-build/test/alta/compile-golden.test.js
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { CompileOptions, CompiledProgram, Program, compile, describeRule, lastBitProgram, modularSumProgram, parityProgram } from "../../src/alta";
import { prefixMachineProgram } from "../../src/zmap/prefix-program";
import { singleTapeProgram } from "../../src/zmap/single-tape-program";
import { ZMAP_COMPILE } from "../../src/zmap/zmap";
import { selector, selectorPrograms } from "../../src/zmap/machines/selector";
import { assemble, bitlang } from "../../src/zmap/machines/bitlang";
import { ratio } from "../../src/zmap/machines/ratio";
import { boundaryProgram } from "../support/programs";
import { bounceComplement, increment } from "../../src/zmap/machines/single-tape-examples";

const GOLDEN = path.join(__dirname, "..", "..", "..", "test", "alta", "fixtures", "compile-golden.json");


/**
 * Programs by case name, with the prompt count they are compiled with (zmap: R_s) and the
 * option settings `npm test` checks: the zmap programs take 0.4–2.5 s per compile (rule
 * expansion), so by default they run only a few settings; KCDL_GOLDEN_FULL=1 runs them all.
 */
const PROGRAMS: [string, () => Program, number, string[] | "all"][] = [
  ["parity", parityProgram, 2, "all"],
  ["sum-mod-3", () => modularSumProgram(3), 2, "all"],
  ["sum-mod-5", () => modularSumProgram(5), 1, "all"],
  ["last-bit", lastBitProgram, 2, "all"],
  ["boundary", boundaryProgram, 1, "all"],
  ["single-tape/increment", () => singleTapeProgram(increment), 0, "all"],
  ["single-tape/bounce-complement", () => singleTapeProgram(bounceComplement), 0, "all"],
  ...Object.entries(selectorPrograms).map(([name, z], i): [string, () => Program, number, string[]] => [
    `zmap/selector/${name}`,
    () => prefixMachineProgram(selector, z, { rt: 12, rs: 4 }),
    4,
    i === 0 ? ["zmap", "padded-manual", "everything", "too-small-dMlp", "bad-scale"] : ["bad-scale"],
  ]),
  ["zmap/bitlang/NEXT FLIP LOOP OUT", () => prefixMachineProgram(bitlang, assemble("NEXT FLIP LOOP OUT"), { rt: 60, rs: 10 }), 10, ["zmap", "bad-scale"]],
  ["zmap/ratio/0", () => prefixMachineProgram(ratio, [0], { rt: 20, rs: 7 }), 7, ["zmap", "scales", "bad-scale"]],
  ["zmap/ratio/1", () => prefixMachineProgram(ratio, [1], { rt: 20, rs: 7 }), 7, ["bad-scale"]],
];

type Minimal = CompiledProgram["minimal"];

/** Option settings by case name, from the program's prompt count and minimal sizes. */
const OPTIONS: [string, (prompts: number, min: Minimal) => Partial<CompileOptions>][] = [
  ["defaults", () => ({})],
  ["prompts", (rs) => ({ promptTokens: rs })],
  ["zmap", (rs) => ({ ...ZMAP_COMPILE, promptTokens: rs })],
  [
    "padded-manual",
    (rs, min) => ({
      promptTokens: rs + 3,
      dModel: min.dModel + 7,
      heads: min.heads + 1,
      dHead: min.dHead + 3,
      dMlp: min.dMlp + 11,
      relWindow: 10,
      normAlpha: 0.03,
      normScale: "learnable",
      paramScale: 100,
      headSaturation: 1,
      centerHeads: true,
    }),
  ],
  ["clamp", (rs) => ({ promptTokens: rs, clampRules: true })],
  ["restore-center", (rs) => ({ promptTokens: rs, restoreHeads: true, centerHeads: true, headSaturation: 0.8 })],
  ["scales", (rs) => ({ promptTokens: rs, mlpScale: 2.5, valueScale: 1.7, outputScale: 3, numericalScale: 0.01, paramScale: 6, attentionScale: 25, normAlpha: 0.5 })],
  ["everything", (rs) => ({ promptTokens: rs, clampRules: true, restoreHeads: true, centerHeads: true, headSaturation: 1.2, mlpScale: 3, valueScale: 2, numericalScale: 1e-3, normAlpha: 0.2 })],
  ["too-small-dModel", (rs, min) => ({ promptTokens: rs, dModel: min.dModel - 1 })],
  ["too-small-dMlp", (rs, min) => ({ promptTokens: rs, clampRules: true, restoreHeads: true, dMlp: min.dMlp })],
  ["too-small-relWindow", () => ({ relWindow: 0 })],
  ["bad-scale", () => ({ valueScale: -1 })],
];

const sha = (data: string | Uint8Array) => crypto.createHash("sha256").update(data).digest("hex");

type Golden = { error: string } | { config: string; meta: string; weights: Record<string, string> };

/** The hashes of one compiled program (module doc). */
function digest(c: CompiledProgram): Golden {
  const weights: Record<string, string> = {};
  for (const [name, v] of Object.entries(c.values)) weights[name] = sha(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  const meta = {
    options: c.options,
    minimal: c.minimal,
    layout: c.layout.map((l) => [l.spec.name, l.start, l.dims]),
    rules: c.rules.map(describeRule),
    outputColumns: c.outputColumns,
    weightOrder: Object.keys(c.values),
  };
  return { config: sha(JSON.stringify(c.config)), meta: sha(JSON.stringify(meta)), weights };
}

function compileCase(p: Program, options: Partial<CompileOptions>): Golden {
  try {
    return digest(compile(p, options));
  } catch (e) {
    return { error: (e as Error).message };
  }
}

test("compiled weights, configs and errors of every program × option setting match the golden hashes", () => {
  const update = Boolean(process.env.KCDL_UPDATE_GOLDENS);
  const full = update || Boolean(process.env.KCDL_GOLDEN_FULL);
  const got: Record<string, Golden> = {};
  const all: string[] = [];
  for (const [pname, make, prompts, quick] of PROGRAMS) {
    const names = OPTIONS.map(([o]) => o).filter((o) => full || quick === "all" || quick.includes(o));
    all.push(...OPTIONS.map(([o]) => `${pname} | ${o}`));
    const p = make();
    // The minimal sizes (padded and too-small settings) only when a setting needs them: a compile costs seconds for zmap.
    const min = names.some((o) => o === "padded-manual" || o.startsWith("too-small-d")) ? compile(p).minimal : { dModel: 0, heads: 0, dHead: 0, dMlp: 0 };
    for (const [oname, options] of OPTIONS) if (names.includes(oname)) got[`${pname} | ${oname}`] = compileCase(p, options(prompts, min));
  }
  if (update) {
    fs.mkdirSync(path.dirname(GOLDEN), { recursive: true });
    fs.writeFileSync(GOLDEN, JSON.stringify(got, null, 1) + "\n");
  }
  const want = JSON.parse(fs.readFileSync(GOLDEN, "utf8")) as Record<string, Golden>;
  assert.deepEqual(Object.keys(want), all, "the golden file holds every case, in order");
  for (const k of Object.keys(got)) assert.deepEqual(got[k], want[k], k);
  const errors = Object.values(want).filter((g) => "error" in g).length;
  assert.equal(errors, 4 * PROGRAMS.length, "the four error settings fail for every program, the others compile");
});
