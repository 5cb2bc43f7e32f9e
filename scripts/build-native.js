#!/usr/bin/env node
/**
 * Builds the optional native kernels (native/, an N-API addon over OpenBLAS) with
 * node-gyp, as part of `npm ci` / `npm install` (the package's "install" script). Never fails the install:
 * without a C compiler, Node's headers or OpenBLAS (Debian: libopenblas-dev) it prints
 * one line and exits 0, and kcdl runs on the wasm kernels alone (src/core/native-kernels.ts).
 *
 *   node scripts/build-native.js          # build (or print why not)
 *   KCDL_NATIVE_BUILD=0 npm ci            # skip the build
 */
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
const dir = path.join(root, "native");

/** node-gyp's entry script: the one npm runs scripts with, a local one, or npm's bundled copy. */
function nodeGyp() {
  const candidates = [process.env.npm_config_node_gyp];
  try {
    candidates.push(require.resolve("node-gyp/bin/node-gyp.js", { paths: [root] }));
  } catch {
    // not a dependency: fall through to npm's own copy
  }
  if (process.env.npm_execpath) candidates.push(path.join(path.dirname(process.env.npm_execpath), "..", "node_modules", "node-gyp", "bin", "node-gyp.js"));
  candidates.push(path.join(path.dirname(process.execPath), "..", "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"));
  return candidates.find((c) => c && fs.existsSync(c));
}

/** Node's own headers when they are installed beside it (no download: the machine may be offline). */
function nodeDir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  const prefix = path.join(path.dirname(process.execPath), "..");
  return fs.existsSync(path.join(prefix, "include", "node", "node_api.h")) ? prefix : undefined;
}

function main() {
  if (process.env.KCDL_NATIVE_BUILD === "0") return console.log("kcdl native kernels: build skipped (KCDL_NATIVE_BUILD=0)");
  const gyp = nodeGyp();
  if (!gyp) return console.log("kcdl native kernels: not built (node-gyp not found); using the wasm kernels");
  const nd = nodeDir();
  const r = spawnSync(process.execPath, [gyp, "rebuild", ...(nd ? [`--nodedir=${nd}`] : [])], { cwd: dir, encoding: "utf8" });
  if (r.status === 0) return console.log("kcdl native kernels: built (native/build/Release/kcdl_native.node)");
  const log = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  const why = /cblas\.h|lopenblas/.test(log)
    ? "OpenBLAS not found (Debian: apt-get install libopenblas-dev)"
    : (log.split("\n").find((l) => /error/i.test(l)) ?? r.error?.message ?? `node-gyp exited ${r.status}`).trim();
  console.log(`kcdl native kernels: not built (${why}); using the wasm kernels`);
}

try {
  main();
} catch (err) {
  console.log(`kcdl native kernels: not built (${err.message}); using the wasm kernels`);
}
process.exit(0);
