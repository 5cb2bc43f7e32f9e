import "../../src/experiments";
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { lockDir, runDir, projectRoot, isIncomplete } from "../../src/lab/output";

const root = path.resolve(__dirname, "..", "..", "..");
const kcdl = (...args: string[]) => spawnSync(process.execPath, [path.join(root, "bin", "kcdl.js"), ...args], { encoding: "utf8", cwd: root });
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "kcdl-out-"));

test("only the cpu preset at seed 1 without overrides writes figures/; every other run its own runs/ folder", () => {
  const r = projectRoot();
  assert.equal(runDir("parity", { preset: "cpu", seed: 1, overrides: {} }), path.join(r, "figures", "parity"));
  assert.equal(runDir("parity", { preset: "smoke", seed: 1, overrides: {} }), path.join(r, "runs", "parity", "smoke-seed1"));
  assert.equal(runDir("parity", { preset: "cpu", seed: 2, overrides: {} }), path.join(r, "runs", "parity", "cpu-seed2"));
  const a = runDir("parity", { preset: "cpu", seed: 1, overrides: { train: { lr: 1, steps: 2 } } });
  const b = runDir("parity", { preset: "cpu", seed: 1, overrides: { train: { steps: 2, lr: 1 } } });
  const c = runDir("parity", { preset: "cpu", seed: 1, overrides: { train: { lr: 2, steps: 2 } } });
  assert.match(a, /runs\/parity\/cpu-seed1-[0-9a-f]{8}$/);
  assert.equal(a, b, "the overrides' hash does not depend on key order");
  assert.notEqual(a, c);
  assert.equal(runDir("parity", { out: "/x", preset: "smoke", seed: 3, overrides: {} }), path.join("/x", "parity"));
  // a notebook (cwd notebooks/) writes where the CLI does
  assert.equal(projectRoot(path.join(root, "notebooks")), root);
});

test("a second writer of a folder is refused, naming the process that holds it; a dead holder's lock is taken over", async () => {
  const dir = tmp();
  const holder = spawn(process.execPath, ["-e", `require(${JSON.stringify(path.join(root, ".test-build", "src", "lab", "output.js"))}).lockDir(${JSON.stringify(dir)}); console.log("locked"); setTimeout(() => {}, 60000);`], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve) => holder.stdout!.once("data", () => resolve()));
  assert.throws(() => lockDir(dir), new RegExp(`another kcdl run \\(pid ${holder.pid} on .*\\) is writing ${dir}; wait for it to finish or pass another --out`));
  holder.kill("SIGKILL");
  await new Promise((resolve) => holder.once("exit", resolve));
  const release = lockDir(dir); // the holder died: its lock is stale
  assert.throws(() => lockDir(dir), /already being written by this process/);
  release();
  lockDir(dir)();
});

test("kcdl run refuses a folder another run is writing, before any work", async () => {
  const out = tmp();
  const dir = path.join(out, "bit-encoding");
  fs.mkdirSync(dir, { recursive: true });
  const holder = spawn(process.execPath, ["-e", `require(${JSON.stringify(path.join(root, ".test-build", "src", "lab", "output.js"))}).lockDir(${JSON.stringify(dir)}); console.log("locked"); setTimeout(() => {}, 60000);`], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve) => holder.stdout!.once("data", () => resolve()));
  const r = kcdl("run", "bit-encoding", "--preset", "smoke", "--out", out, "--no-images");
  holder.kill("SIGKILL");
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, new RegExp(`another kcdl run \\(pid ${holder.pid}`));
  assert.ok(!fs.existsSync(path.join(dir, "results.json")), "nothing was written");
});

test("render: completes a folder an interrupted run left mixed; refuses wrong results and empty folders, naming the file and field", () => {
  const out = tmp();
  const r1 = kcdl("run", "bit-encoding", "--preset", "smoke", "--out", out, "--no-images");
  assert.equal(r1.status, 0, r1.stderr);
  const dir = path.join(out, "bit-encoding");
  assert.ok(!isIncomplete(dir), "a finished run leaves no incomplete marker");
  // as if killed while rendering: marker present, a table missing
  fs.writeFileSync(path.join(dir, ".incomplete"), "");
  fs.rmSync(path.join(dir, "frontier.csv"));
  const r2 = kcdl("render", "bit-encoding", "--out", out, "--no-images");
  assert.equal(r2.status, 0, r2.stderr);
  assert.match(r2.stderr, /bit-encoding: completing the render an interrupted run left unfinished/);
  assert.ok(fs.existsSync(path.join(dir, "frontier.csv")) && !isIncomplete(dir));

  const results = JSON.parse(fs.readFileSync(path.join(dir, "results.json"), "utf8"));
  const wrong = tmp();
  fs.mkdirSync(path.join(wrong, "mlp-identity"));
  fs.writeFileSync(path.join(wrong, "mlp-identity", "results.json"), JSON.stringify(results));
  const r3 = kcdl("render", "mlp-identity", "--out", wrong, "--no-images");
  assert.equal(r3.status, 2);
  assert.match(r3.stderr, /mlp-identity\/results.json: field 'experiment' is "bit-encoding", expected "mlp-identity"/);
  fs.writeFileSync(path.join(dir, "results.json"), JSON.stringify({ ...results, config: { nope: 1 } }));
  const r4 = kcdl("render", "bit-encoding", "--out", out, "--no-images");
  assert.equal(r4.status, 2);
  assert.match(r4.stderr, /bit-encoding\/results.json: field 'config' does not match bit-encoding's config \(unknown config key 'nope'/);
  assert.equal(r4.stderr.trim().split("\n").length, 1);

  const r5 = kcdl("render", "all", "--out", tmp(), "--no-images");
  assert.equal(r5.status, 2);
  assert.match(r5.stderr, /no results under .*; run `npx kcdl run <experiment> --out/);
});

test("determinism you can diff: the same seed twice gives the same results.json except its one timings key", () => {
  const runs = [
    ["mlp-identity", "--set", "train.steps=6", "--set", "train.klCoef=[0.1]", "--set", "eval.weightSamples=4"],
    ["parity", "--set", 'rows=["random/mle","manual"]', "--set", "train.steps=2"],
  ];
  for (const [name, ...sets] of runs) {
    const [a, b] = [tmp(), tmp()].map((out) => {
      const r = kcdl("run", name, "--preset", "smoke", "--seed", "7", "--out", out, "--backend", "wasm", "--no-images", ...sets);
      assert.equal(r.status, 0, r.stderr);
      return fs.readFileSync(path.join(out, name, "results.json"), "utf8");
    });
    const strip = (s: string) => {
      const r = JSON.parse(s);
      assert.ok(typeof r.timings.startedAt === "string" && r.timings.durationS > 0, `${name}: timings holds the clock`);
      delete r.timings;
      return r;
    };
    const [ra, rb] = [strip(a), strip(b)];
    assert.deepEqual(ra, rb, `${name}: results differ outside timings`);
    // no wall-clock value outside timings (the names the experiments used to scatter through their metrics)
    const clock = /seconds|persecond|rss|startedAt|durationS/i;
    const offenders: string[] = [];
    const walk = (x: unknown, at: string) => {
      if (!x || typeof x !== "object") return;
      for (const [k, v] of Object.entries(x)) {
        if (clock.test(k)) offenders.push(`${at}.${k}`);
        else walk(v, `${at}.${k}`);
      }
    };
    walk({ ...ra, config: undefined }, name);
    assert.deepEqual(offenders, [], `${name}: wall-clock fields outside timings`);
  }
});
