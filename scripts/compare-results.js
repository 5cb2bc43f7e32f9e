#!/usr/bin/env node
/**
 * Compares the metrics of two result folders (`<dir>/<experiment>/results.json`):
 *   node scripts/compare-results.js A B [--ignore-key REGEX]
 * Prints every metric path whose value differs (numbers compared exactly), and
 * exits 1 when any does. The header (startedAt, durationS, kcdlVersion, preset,
 * overrides, config) and wall-clock fields (`timings`, *Seconds, *PerSecond,
 * peak memory) are not metrics and are skipped.
 */
const fs = require("node:fs");
const path = require("node:path");

const args = process.argv.slice(2);
const [a, b] = args.filter((x) => !x.startsWith("--"));
const extra = args.includes("--ignore-key") ? new RegExp(args[args.indexOf("--ignore-key") + 1]) : null;
if (!a || !b) {
  console.error("usage: node scripts/compare-results.js DIR_A DIR_B [--ignore-key REGEX]");
  process.exit(2);
}
const HEADER = new Set(["startedAt", "durationS", "kcdlVersion", "preset", "overrides", "config", "timings"]);
const CLOCK = /seconds$|persecond|perstep$|rss|^wallS$/i;
const skip = (key, depth) => (depth === 0 && HEADER.has(key)) || CLOCK.test(key) || (extra && extra.test(key));

const diffs = [];
function walk(x, y, at, depth) {
  if (typeof x !== typeof y || Array.isArray(x) !== Array.isArray(y) || (x === null) !== (y === null)) return diffs.push(`${at}: ${JSON.stringify(x)?.slice(0, 80)} vs ${JSON.stringify(y)?.slice(0, 80)}`);
  if (x && typeof x === "object") {
    const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
    for (const k of keys) {
      if (skip(k, depth)) continue;
      if (!(k in x) || !(k in y)) diffs.push(`${at}.${k}: only in ${k in x ? "A" : "B"}`);
      else walk(x[k], y[k], `${at}.${k}`, depth + 1);
    }
  } else if (x !== y && !(Number.isNaN(x) && Number.isNaN(y))) diffs.push(`${at}: ${x} vs ${y}`);
}
const names = fs.readdirSync(a).filter((n) => fs.existsSync(path.join(a, n, "results.json")));
let compared = 0;
for (const n of names) {
  const fb = path.join(b, n, "results.json");
  if (!fs.existsSync(fb)) {
    diffs.push(`${n}: no results in ${b}`);
    continue;
  }
  walk(JSON.parse(fs.readFileSync(path.join(a, n, "results.json"), "utf8")), JSON.parse(fs.readFileSync(fb, "utf8")), n, 0);
  compared++;
}
for (const d of diffs) console.log(d);
console.log(`${compared} experiments compared: ${diffs.length ? `${diffs.length} differences` : "metrics identical"}`);
process.exit(diffs.length ? 1 : 0);
