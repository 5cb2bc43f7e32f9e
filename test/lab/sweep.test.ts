/**
 * Sweeps (src/lab/sweep.ts): the aggregation's statistics against closed forms, grid
 * parsing, a bad grid key failing before any run, a resumed sweep equal to an
 * uninterrupted one, and the BullMQ queue (two workers on a private redis-server)
 * equal to the local pool. The runs are mlp-identity at smoke with 5 training steps.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { parseGrid, parseSeeds, gridPoints, pointName, summarize, tTwoSidedCdf, tTwoSidedQuantile, aggregateSweep, planSweep, sweep } from "../../src/lab/sweep";
import { getExperiment } from "../../src/lab/registry";
import { findChromium } from "../../src/report/static-export";
import "../../src/experiments";

const root = path.resolve(__dirname, "..", "..", "..");
const bin = path.join(root, "bin", "kcdl.js");
const kcdl = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", cwd: root });
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "kcdl-sweep-"));

// The sweep every comparison uses: 2 points × 2 seeds, tiny runs.
const SPEC = ["mlp-identity", "--preset", "smoke", "--grid", "train.lr=0.05,0.01", "--seeds", "1-2", "--set", "train.steps=5", "--set", "train.warmupSteps=1", "--set", "eval.weightSamples=20", "--name", "s"];
const RUNS = ["train.lr-0.05/seed1", "train.lr-0.05/seed2", "train.lr-0.01/seed1", "train.lr-0.01/seed2"];

test("t quantiles and the seed summary against closed forms", () => {
  // ν = 1: Cauchy, t = tan(π·level/2); ν = 2: A(t) = t/√(t²+2), t = level·√(2/(1−level²)); ν = 3: A = (2/π)(θ + sinθ cosθ).
  assert.ok(Math.abs(tTwoSidedQuantile(0.95, 1) - Math.tan((Math.PI * 0.95) / 2)) < 1e-10);
  assert.ok(Math.abs(tTwoSidedQuantile(0.95, 2) - 0.95 * Math.sqrt(2 / (1 - 0.95 ** 2))) < 1e-12);
  const t3 = 2.5;
  const th = Math.atan(t3 / Math.sqrt(3));
  assert.ok(Math.abs(tTwoSidedCdf(t3, 3) - (2 / Math.PI) * (th + Math.sin(th) * Math.cos(th))) < 1e-15);
  // Tabulated t_{0.975, ν} (e.g. NIST/SEMATECH e-Handbook, Table 1.4.2.7): 2.776 (4), 2.262 (9), 2.042 (30).
  for (const [dof, t] of [[4, 2.7764451051977987], [9, 2.2621571627409915], [30, 2.0422724563012373]]) assert.ok(Math.abs(tTwoSidedQuantile(0.95, dof) - t) < 1e-9, `dof ${dof}`);
  // Large ν: Fisher's expansion about the normal quantile z = 1.959964 (A&S 26.7.5), three terms, error O(ν⁻⁴).
  const z = 1.959963984540054;
  for (const n of [200, 2000]) {
    const t = z + (z ** 3 + z) / (4 * n) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * n ** 2) + (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / (384 * n ** 3);
    assert.ok(Math.abs(tTwoSidedQuantile(0.95, n) - t) < 1e-9, `dof ${n}`);
  }

  const s = summarize([1, 2, 3, 4, 5]);
  assert.equal(s.mean, 3);
  assert.ok(Math.abs(s.sd! - Math.sqrt(2.5)) < 1e-15);
  assert.ok(Math.abs(s.ci95! - (2.7764451051977987 * Math.sqrt(2.5)) / Math.sqrt(5)) < 1e-12);
  assert.deepEqual(summarize([7]), { n: 1, mean: 7, sd: null, ci95: null });
  assert.deepEqual(summarize([]), { n: 0, mean: null, sd: null, ci95: null });
});

test("grid and seeds parsing, point names, aggregation of known numbers", () => {
  assert.deepEqual(parseGrid(["train.klCoef=[0.1,0.01],1e-3", "optimizer.name=adam,sgd"]), { "train.klCoef": [[0.1, 0.01], 0.001], "optimizer.name": ["adam", "sgd"] });
  assert.deepEqual(parseSeeds("1-3,10"), [1, 2, 3, 10]);
  assert.throws(() => parseSeeds("3-1"), /empty/);
  assert.throws(() => parseSeeds("1,1"), /must not repeat/);
  assert.throws(() => parseGrid(["a=1", "a=2"]), /given twice/);
  const pts = gridPoints({ a: [1, 2], b: ["x"] });
  assert.deepEqual(pts.map((p) => p.name), ["a-1__b-x", "a-2__b-x"]);
  assert.deepEqual(pts[1].overrides, { a: 2, b: "x" });
  assert.match(pointName({ "train.klCoef": [0.1, 0.01] }), /^train\.klCoef-_0\.1_0\.01__[0-9a-f]{8}$/);
  assert.equal(pointName({ "train.klCoef": [0.1, 0.01] }), pointName({ "train.klCoef": [0.1, 0.01] }), "stable");

  // sweepMetrics-less experiment with --metric paths: the closed-form mean/sd over three seeds
  const exp = { ...getExperiment("bit-encoding"), sweepMetrics: undefined };
  const grid = { "train.lr": [0.1] };
  const [p] = gridPoints(grid);
  const runs = [2, 4, 9].map((x, i) => ({ point: p, seed: i + 1, results: { m: { a: x, b: [x, "no"] } } }));
  const agg = aggregateSweep(exp, grid, [p], runs, ["m"]);
  assert.deepEqual(agg.metrics, ["m.a", "m.b.0"]);
  const row = agg.table.rows[0];
  const col = (name: string) => row[agg.table.columns.indexOf(name)];
  assert.equal(col("runs"), 3);
  assert.equal(col("m.a mean"), 5);
  assert.ok(Math.abs((col("m.a sd") as number) - Math.sqrt(13)) < 1e-12);
  assert.ok(Math.abs((col("m.a ci95") as number) - (tTwoSidedQuantile(0.95, 2) * Math.sqrt(13)) / Math.sqrt(3)) < 1e-12);
  const none = aggregateSweep(exp, grid, [p], runs);
  assert.match(none.note!, /declares no sweepMetrics .* only the number of runs/);
  assert.deepEqual(none.table.columns, ["point", "train.lr", "runs"]);
});

test("a bad grid key or value fails before any run: exit 2, one line, no folder", () => {
  const out = path.join(tmp(), "never");
  for (const [grid, msg] of [
    ["train.lrr=1,2", /sweep point train\.lrr-1: unknown config key 'train\.lrr'/],
    ["train.steps=5,-1", /sweep point train\.steps--1: config key 'train\.steps' .*must be ≥/],
  ] as const) {
    const r = kcdl("sweep", "mlp-identity", "--preset", "smoke", "--grid", grid, "--out", out);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, msg);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.ok(!fs.existsSync(out), "nothing written");
  }
});

test("named points: each its own overrides under the fixed ones; checked like grid points before any run", async () => {
  const points = [
    { name: "slow", overrides: { train: { lr: 0.01 } } },
    { name: "sgd", overrides: { optimizer: { name: "sgd", momentum: 0.5 }, train: { lr: 1e-3 } } },
  ];
  const plan = planSweep({ experiment: "mlp-identity", preset: "smoke", points, seeds: [1, 2], overrides: { train: { steps: 5 } }, name: "np", out: "/nonexistent" });
  assert.deepEqual(plan.runs.map((r) => `${r.point.name}/seed${r.seed}`), ["slow/seed1", "slow/seed2", "sgd/seed1", "sgd/seed2"]);
  const sets = (i: number) => plan.runs[i].args.filter((_, j, a) => a[j - 1] === "--set").sort();
  assert.deepEqual(sets(0), ["train.lr=0.01", "train.steps=5"]);
  assert.deepEqual(sets(2), ['optimizer.momentum=0.5', 'optimizer.name="sgd"', "train.lr=0.001", "train.steps=5"]);
  const out = path.join(tmp(), "never");
  const bad = (extra: object, msg: RegExp) => assert.rejects(sweep({ experiment: "mlp-identity", preset: "smoke", out, name: "x", ...extra }), msg);
  await bad({ points: [{ name: "a", overrides: { train: { lrr: 1 } } }] }, /sweep point a: unknown config key 'train\.lrr'/);
  await bad({ points: [{ name: "a", overrides: { optimizer: { name: "rmsprop" } } }] }, /sweep point a: .*optimizer\.name/);
  await bad({ points: [{ name: "a", overrides: {} }, { name: "a", overrides: {} }] }, /given twice/);
  await bad({ points: [{ name: "a/b", overrides: {} }] }, /bad sweep point name/);
  await bad({ points: [{ name: "a", overrides: {} }], grid: { "train.lr": [1] } }, /a grid or named points, not both/);
  assert.ok(!fs.existsSync(out), "nothing written");
});

/** Every run's results.json without its timings, and the aggregated tables. */
function snapshot(dir: string): { runs: Record<string, unknown>; sweep: string; runsCsv: string } {
  const runs: Record<string, unknown> = {};
  for (const r of RUNS) {
    const res = JSON.parse(fs.readFileSync(path.join(dir, r, "mlp-identity", "results.json"), "utf8"));
    delete res.timings;
    runs[r] = res;
  }
  return { runs, sweep: fs.readFileSync(path.join(dir, "sweep.csv"), "utf8"), runsCsv: fs.readFileSync(path.join(dir, "runs.csv"), "utf8") };
}

let reference: ReturnType<typeof snapshot> | undefined;
function uninterrupted(): ReturnType<typeof snapshot> {
  if (reference) return reference;
  const out = tmp();
  const r = kcdl("sweep", ...SPEC, "--out", out, "--jobs", "2");
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^### mlp-identity sweep s: mean, sd/);
  assert.ok(fs.existsSync(path.join(out, "s", "sweep-train.lr.html")));
  // the figure as an image too where a headless Chromium exists (CI installs one)
  if (findChromium()) assert.ok(fs.existsSync(path.join(out, "s", "sweep-train.lr.png")), "sweep-train.lr.png");
  return (reference = snapshot(path.join(out, "s")));
}

test("a sweep killed after its first run finishes, then rerun, equals an uninterrupted one", async () => {
  const ref = uninterrupted();
  const out = tmp();
  const dir = path.join(out, "s");
  const child = spawn(process.execPath, [bin, "sweep", ...SPEC, "--out", out, "--jobs", "1"], { cwd: root, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  const first = path.join(dir, RUNS[0], "mlp-identity");
  const code = await new Promise<number | null>((resolve) => {
    const poll = setInterval(() => {
      if (fs.existsSync(path.join(first, "results.json")) && !fs.existsSync(path.join(first, ".incomplete"))) {
        clearInterval(poll);
        child.kill("SIGTERM");
      }
    }, 50);
    child.on("exit", (c) => {
      clearInterval(poll);
      resolve(c);
    });
  });
  assert.equal(code, 130, stderr);
  assert.match(stderr, /sweep interrupted \(SIGTERM\)/);
  assert.ok(!fs.existsSync(path.join(dir, "sweep.csv")), "an interrupted sweep aggregates nothing");
  const r = kcdl("sweep", ...SPEC, "--out", out, "--jobs", "2");
  assert.equal(r.status, 0, r.stderr);
  const m = /(\d+) run\(s\) now, (\d+) skipped as finished/.exec(r.stderr)!;
  assert.ok(Number(m[2]) >= 1 && Number(m[1]) + Number(m[2]) === 4, r.stderr);
  assert.deepEqual(snapshot(dir), ref);
  // a third time: everything is skipped
  const again = kcdl("sweep", ...SPEC, "--out", out);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stderr, /0 run\(s\) now, 4 skipped as finished/);
});

const haveRedis = spawnSync("redis-server", ["--version"]).status === 0;
const requireRedis = process.env.KCDL_REQUIRE_REDIS === "1";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

const exited = (c: ChildProcess) => new Promise<number | null>((resolve) => (c.exitCode !== null ? resolve(c.exitCode) : c.on("exit", (code) => resolve(code))));

test(
  "the queue sweep (BullMQ on Redis, two workers) equals the local pool's",
  { skip: !haveRedis && !requireRedis ? "redis-server is not installed (apt install redis-server; .ci/run installs it and sets KCDL_REQUIRE_REDIS=1)" : false },
  async () => {
    assert.ok(haveRedis, "KCDL_REQUIRE_REDIS=1 but redis-server is not on PATH");
    const ref = uninterrupted();
    const port = await freePort();
    const redis = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    const url = `redis://127.0.0.1:${port}`;
    const queueName = `kcdl-test-${process.pid}`;
    const workers: ChildProcess[] = [];
    const logs = ["", ""];
    try {
      for (const i of [0, 1]) {
        const w = spawn(process.execPath, [bin, "worker", "--queue", url, "--queue-name", queueName, "--jobs", "1"], { cwd: root, stdio: ["ignore", "ignore", "pipe"] });
        w.stderr!.on("data", (d) => (logs[i] += d));
        workers.push(w);
      }
      const out = tmp();
      const r = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
        const c = spawn(process.execPath, [bin, "sweep", ...SPEC, "--out", out, "--queue", url, "--queue-name", queueName], { cwd: root, stdio: ["ignore", "ignore", "pipe"] });
        let stderr = "";
        c.stderr!.on("data", (d) => (stderr += d));
        c.on("exit", (status) => resolve({ status, stderr }));
      });
      assert.equal(r.status, 0, r.stderr + logs.join("\n"));
      assert.match(r.stderr, /through the queue at redis:/);
      assert.deepEqual(snapshot(path.join(out, "s")), ref);
    } finally {
      for (const w of workers) w.kill("SIGTERM");
      await Promise.all(workers.map(exited));
      redis.kill("SIGTERM");
      await exited(redis);
    }
    const done = logs.map((l) => Number(/(\d+) run\(s\) done/.exec(l)?.[1] ?? NaN));
    assert.equal(done[0] + done[1], 4, logs.join("\n"));
    assert.ok(done.every((n) => n >= 1), `both workers ran: ${done}`);
  },
);
