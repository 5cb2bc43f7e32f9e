import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const root = path.resolve(__dirname, "..", "..");
const kcdl = (...args: string[]) => spawnSync(process.execPath, [path.join(root, "bin", "kcdl.js"), ...args], { encoding: "utf8", cwd: root });

test("kcdl list names the experiments", () => {
  const r = kcdl("list");
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /bit-encoding\s+Figs\. 7–8/);
});

test("bad input: one line naming the valid choices, exit status 2", () => {
  const cases: [string[], RegExp][] = [
    [["run", "nope"], /unknown experiment 'nope'; valid choices: (.*, )?bit-encoding/],
    [["run", "bit-encoding", "--preset", "huge"], /Allowed choices are smoke, cpu, paper/],
    [["run", "bit-encoding", "--backend", "tpu"], /Allowed choices are auto, webgpu, tensorflow, wasm, cpu/],
    [["run", "bit-encoding", "--preset", "smoke", "--set", "optimize.stepz=3"], /unknown config key 'optimize.stepz'/],
    [["run", "bit-encoding", "--seed", "1.5"], /--seed expects a decimal integer from 0 to \d+, got '1.5'/],
    [["run", "bit-encoding", "--seed", ""], /--seed expects a decimal integer .* got ''/],
    [["run", "bit-encoding", "--seed", "0x10"], /got '0x10'/],
    [["run", "bit-encoding", "--seed", "1e3"], /got '1e3'/],
    [["run", "bit-encoding", "--seed", "-1"], /got '-1'/],
    [["run", "bit-encoding", "--seed", "9007199254740993"], /got '9007199254740993'/],
    [["run", "bit-encoding", "--preset", "smoke", "--out", "/etc/passwd/figures"], /cannot write to \/etc\/passwd\/figures\/bit-encoding \(ENOTDIR\); pick another output root with --out DIR/],
    [["run", "all", "--preset", "smoke", "--set", "prior.componentz=3"], /config key 'prior.componentz' belongs to none of bit-encoding, mlp-identity, parity, zmap(, [a-z-]+)*\b/],
    [["config", "nope"], /unknown experiment 'nope'/],
    [["render", "bit-encoding", "--out", path.join(os.tmpdir(), "kcdl-no-such-dir")], /no results at .*; run `npx kcdl run bit-encoding` first/],
  ];
  for (const [args, msg] of cases) {
    const r = kcdl(...args);
    assert.equal(r.status, 2, `${args.join(" ")}: status ${r.status}, stderr ${r.stderr}`);
    assert.match(r.stderr, msg);
    assert.equal(r.stderr.trim().split("\n").length, 1, `one line: ${r.stderr}`);
  }
});

test("kcdl run at smoke writes results.json and an index; the same seed twice gives identical metrics", () => {
  const outs = [0, 1].map(() => fs.mkdtempSync(path.join(os.tmpdir(), "kcdl-cli-")));
  for (const out of outs) {
    const r = kcdl("run", "bit-encoding", "--preset", "smoke", "--seed", "5", "--out", out, "--backend", "wasm", "--no-images", "--set", "train.steps=200");
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /backend wasm/);
  }
  const [a, b] = outs.map((o) => JSON.parse(fs.readFileSync(path.join(o, "bit-encoding", "results.json"), "utf8")));
  assert.equal(a.config.train.steps, 200, "the --set override reaches the resolved config");
  assert.equal(a.preset, "smoke");
  assert.deepEqual(a.overrides, { train: { steps: 200 } }, "results.json records the overrides it was given");
  for (const r of [a, b]) {
    assert.ok(r.timings.durationS >= 0 && typeof r.timings.startedAt === "string");
    r.timings = 0; // the one key allowed to differ
  }
  assert.deepEqual(a, b);
  assert.ok(fs.existsSync(path.join(outs[0], "index.html")));

  // `render` re-draws figures and tables from results.json without re-running.
  const dir = path.join(outs[0], "bit-encoding");
  const resultsBefore = fs.readFileSync(path.join(dir, "results.json"), "utf8");
  const fig = fs.readFileSync(path.join(dir, "fig8-frontier.html"), "utf8");
  const table = fs.readFileSync(path.join(dir, "optimized.csv"), "utf8");
  fs.rmSync(path.join(dir, "fig8-frontier.html"));
  fs.rmSync(path.join(dir, "optimized.csv"));
  const r = kcdl("render", "all", "--out", outs[0], "--no-images");
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /bit-encoding: \d+ files re-drawn/);
  assert.equal(fs.readFileSync(path.join(dir, "fig8-frontier.html"), "utf8"), fig);
  assert.equal(fs.readFileSync(path.join(dir, "optimized.csv"), "utf8"), table);
  assert.equal(fs.readFileSync(path.join(dir, "results.json"), "utf8"), resultsBefore);
});

test("SIGTERM during training: exit status 130, the checkpoint written, and the exact command that resumes", async () => {
  const { spawn } = await import("node:child_process");
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "kcdl-cli-int-"));
  const args = ["run", "parity", "--preset", "smoke", "--seed", "3", "--out", out, "--backend", "wasm", "--set", "train.steps=100000", "--no-images"];
  const child = spawn(process.execPath, [path.join(root, "bin", "kcdl.js"), ...args], { cwd: root });
  let stderr = "";
  const status = await new Promise<number | null>((resolve) => {
    child.stderr.on("data", (d) => {
      stderr += d;
      if (/random\/mle: train \[/.test(stderr) && !child.killed) child.kill("SIGTERM");
    });
    child.on("exit", (code) => resolve(code));
  });
  assert.equal(status, 130, stderr);
  const last = stderr.trim().split("\n").pop()!;
  assert.match(last, /^kcdl: parity random\/mle: train interrupted \(SIGTERM\) after step \d+ of 100000; checkpoint written to /);
  const file = path.join(out, "parity", "checkpoints", "random-mle.json");
  assert.ok(fs.existsSync(file), "checkpoint written");
  assert.ok(last.endsWith(`To continue: npx kcdl run ${args.slice(1).join(" ")} --resume`), last);
  // the fix offered for a checkpoint that cannot be used (train/checkpoint.ts) is an option the CLI has
  assert.match(kcdl("run", "--help").stdout, /--resume\b/);
});
