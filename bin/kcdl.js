#!/usr/bin/env node
"use strict";
// The `kcdl` command: a thin shim over the compiled CLI (src/cli.ts).
require("../dist/cli.js").main(process.argv).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`kcdl: ${err && err.message ? err.message : err}`);
    process.exit(1);
  },
);
