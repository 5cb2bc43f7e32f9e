#!/usr/bin/env node
/**
 * Executes notebooks headless with the tslab kernel and saves their outputs in
 * place (atomically), so the committed .ipynb files show figures on GitHub and
 * in nbviewer.  Usage:
 *   npm run notebooks                          # every notebooks/*.ipynb at the cpu preset
 *   npm run notebooks -- 02-mlp-identity       # some of them
 *   KCDL_PRESET=smoke npm run notebooks        # another preset
 * A notebook that fails is left untouched; its executed copy stays in a temp folder.
 */
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
// Compiled by `tsc -p scripts/tsconfig.json` (npm run notebooks) into .test-build/.
const { executeNotebook } = require("../.test-build/scripts/notebook-runner");
const { writeFileAtomic } = require("../dist/core/io");

async function main() {
  const dir = path.join(__dirname, "..", "notebooks");
  const wanted = process.argv.slice(2).map((n) => n.replace(/\.ipynb$/, ""));
  const all = fs.readdirSync(dir).filter((f) => f.endsWith(".ipynb")).sort();
  const names = wanted.length ? wanted.map((w) => {
    const f = all.find((a) => a === `${w}.ipynb` || a.startsWith(w));
    if (!f) throw new Error(`no notebook '${w}' in notebooks/ (have: ${all.join(", ")})`);
    return f;
  }) : all;
  const preset = process.env.KCDL_PRESET ?? "cpu";
  for (const name of names) {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kcdl-exec-"));
    process.stderr.write(`${name}: executing at preset ${preset} …\n`);
    const r = await executeNotebook(path.join(dir, name), { outDir: tmp, env: { KCDL_PRESET: preset } });
    // nbformat's bytes as they are (not re-serialised by JSON.stringify): the file is then
    // exactly what JupyterLab writes when it saves, so saving it there leaves no diff
    // (Python writes 1e-09 where JavaScript writes 1e-9).
    writeFileAtomic(path.join(dir, name), fs.readFileSync(r.output));
    fs.rmSync(tmp, { recursive: true, force: true });
    process.stderr.write(`${name}: done in ${r.seconds.toFixed(0)} s, outputs saved\n`);
  }
}

main().catch((err) => {
  process.stderr.write(`execute-notebooks: ${err.message}\n`);
  process.exit(1);
});
