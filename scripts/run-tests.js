#!/usr/bin/env node
/**
 * `npm test`'s runner: node's test runner over every compiled test file,
 * .test-build/test/**\/*.test.js whose source test/**\/*.test.ts exists (so
 * helper modules such as test/support/*.ts, and files left over from renamed
 * tests, are never run as tests).
 *
 *   npm test                                   # everything
 *   npm test -- notebooks report/              # only test files whose path contains one of these
 *   npm test -- --test-name-pattern=zmap       # node --test options pass through
 *   node scripts/run-tests.js --list           # print the files it would run
 */
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
const built = path.join(root, ".test-build", "test");

function walk(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : e.isFile() ? [p] : [];
  });
}

const args = process.argv.slice(2);
const list = args.includes("--list");
const options = args.filter((a) => a.startsWith("-") && a !== "--list");
const filters = args.filter((a) => !a.startsWith("-"));

const files = walk(built)
  .filter((f) => f.endsWith(".test.js"))
  .filter((f) => {
    const rel = path.relative(built, f);
    return fs.existsSync(path.join(root, "test", rel.replace(/\.js$/, ".ts")));
  })
  .filter((f) => filters.length === 0 || filters.some((w) => path.relative(built, f).includes(w)))
  .sort();

if (files.length === 0) {
  process.stderr.write(`run-tests: no test files under ${path.relative(root, built)}${filters.length ? ` matching ${filters.join(", ")}` : ""}\n`);
  process.exit(1);
}

if (list) {
  process.stdout.write(files.map((f) => path.relative(root, f)).join("\n") + "\n");
  process.exit(0);
}

const r = spawnSync(process.execPath, ["--test", "--test-reporter=spec", ...options, ...files], { stdio: "inherit" });
if (r.error) throw r.error;
process.exit(r.status ?? 1);
