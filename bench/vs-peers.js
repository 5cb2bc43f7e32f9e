#!/usr/bin/env node
"use strict";
/**
 * `npm run bench -- --vs-peers`: kcdl's training step against the same step in PyTorch
 * and JAX (../shared/peers/{torch,jax}_step.py), run interleaved in one run (kcdl, torch,
 * jax, then the next round in a rotated order) so the machine's load affects all alike;
 * then the webgpu backend's step. Prints medians over the rounds and the ratios
 * kcdl ÷ peer (above 1: kcdl is slower), with the load average before and after.
 *
 * One-thread runs are pinned to CPU 0 (`taskset -c 0`, where it exists); two-thread runs
 * use two threads each: PyTorch's intra-op threads, JAX's XLA threads, kcdl's gradient
 * worker threads. PyTorch runs with OpenBLAS (`openblas-openmp`, as the peers' README says).
 *
 * Options: --rounds N (3) --steps N (5) --warmup N (1) --threads 1,2 --objectives
 * mle,variational --size bench|paper --peers DIR (../shared/peers beside the repository,
 * or KCDL_PEERS) --webgpu auto|skip --json --out DIR (bench/results: vs-peers.json, and
 * vs-peers.md rendered from it, both written atomically). Pythons: KCDL_TORCH_PYTHON (default
 * /usr/bin/python3, Debian's python3-torch), KCDL_JAX_PYTHON (default: the first of
 * python3, /usr/bin/python3 that imports jax and optax). A peer that is not installed is
 * reported as missing, not guessed.
 */
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { spawnSync } = require("node:child_process");
const { Command } = require("commander");

const root = path.join(__dirname, "..");
const list = (v) => v.split(",").map((x) => x.trim()).filter(Boolean);
const int = (v) => parseInt(v, 10);
const opts = new Command("vs-peers")
  .option("--vs-peers", "(the flag bench.js hands over with)")
  .option("--rounds <n>", "interleaved rounds", int, 3)
  .option("--steps <n>", "timed steps per run", int, 5)
  .option("--warmup <n>", "untimed steps per run", int, 1)
  .option("--threads <list>", "thread counts", list, ["1", "2"])
  .option("--objectives <list>", "objectives", list, ["mle", "variational"])
  .option("--size <size>", "bench or paper", "bench")
  .option("--peers <dir>", "the peers' folder", process.env.KCDL_PEERS ?? path.join(root, "..", "shared", "peers"))
  .option("--webgpu <mode>", "auto: also time the webgpu backend where an adapter is found; skip", "auto")
  .option("--json", "print one JSON object on the last line")
  .option("--out <dir>", "where vs-peers.json and vs-peers.md (the table, rendered from the JSON) are written", path.join(__dirname, "results"))
  .allowUnknownOption(true)
  .parse(process.argv)
  .opts();

const SWIFTSHADER_ICD = "/usr/lib/chromium/vk_swiftshader_icd.json";
const OPENBLAS = "/usr/lib/x86_64-linux-gnu/openblas-openmp";
const hasTaskset = spawnSync("taskset", ["-c", "0", "true"]).status === 0;
const log = (s) => process.stderr.write(`${s}\n`);

/** Runs a command and returns the last JSON line of its stdout, or an error string. */
function runJson(cmd, args, env) {
  const r = spawnSync(cmd, args, { env: { ...process.env, ...env }, encoding: "utf8", maxBuffer: 64 << 20, timeout: 3600e3 });
  const line = (r.stdout ?? "").trim().split("\n").filter((l) => l.startsWith("{")).pop();
  if (r.status !== 0 || !line) return { error: `${path.basename(args.find((a) => a.endsWith(".js") || a.endsWith(".py")) ?? cmd)} exited ${r.status ?? r.signal}: ${(r.stderr ?? "").trim().split("\n").slice(-2).join(" | ")}` };
  return JSON.parse(line);
}

function canImport(python, modules) {
  return spawnSync(python, ["-c", `import ${modules}`], { env: { ...process.env, LD_LIBRARY_PATH: OPENBLAS } }).status === 0;
}

/** The implementations: how to run each one's step at (threads, objective). */
function implementations() {
  const impls = [];
  const pin = (threads) => (threads === 1 && hasTaskset ? ["taskset", "-c", "0"] : []);
  const common = (threads, objective) => ["--size", opts.size, "--objective", objective, "--threads", String(threads), "--steps", String(opts.steps), "--warmup", String(opts.warmup), "--json"];
  impls.push({ name: "kcdl", run: (t, o) => { const c = [...pin(t), process.execPath, path.join(__dirname, "step.js"), ...common(t, o), "--backend", "wasm"]; return runJson(c[0], c.slice(1), {}); } });
  const missing = {};
  const torchPy = process.env.KCDL_TORCH_PYTHON ?? "/usr/bin/python3";
  const torchScript = path.join(opts.peers, "torch_step.py");
  if (!fs.existsSync(torchScript)) missing.torch = `${torchScript} not found (--peers DIR)`;
  else if (!canImport(torchPy, "torch")) missing.torch = `${torchPy} cannot import torch (Debian: apt-get install python3-torch libopenblas0-openmp; or set KCDL_TORCH_PYTHON)`;
  else {
    const env = { OMP_WAIT_POLICY: "PASSIVE", ...(fs.existsSync(OPENBLAS) ? { LD_LIBRARY_PATH: OPENBLAS } : {}) };
    impls.push({ name: "torch", run: (t, o) => { const c = [...pin(t), torchPy, torchScript, ...common(t, o)]; return runJson(c[0], c.slice(1), env); } });
  }
  const jaxScript = path.join(opts.peers, "jax_step.py");
  const jaxPy = process.env.KCDL_JAX_PYTHON ?? ["python3", "/usr/bin/python3"].find((p) => canImport(p, "jax, optax"));
  if (!fs.existsSync(jaxScript)) missing.jax = `${jaxScript} not found (--peers DIR)`;
  else if (!jaxPy || !canImport(jaxPy, "jax, optax")) missing.jax = `no python imports jax and optax (pip install jax optax into a virtual environment, then KCDL_JAX_PYTHON=<its python>)`;
  else impls.push({ name: "jax", run: (t, o) => { const c = [...pin(t), jaxPy, jaxScript, ...common(t, o)]; return runJson(c[0], c.slice(1), {}); } });
  return { impls, missing };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : null;
};

function webgpuRuns() {
  if (opts.webgpu === "skip") return { skipped: "--webgpu skip" };
  const env = process.env.VK_ICD_FILENAMES || !fs.existsSync(SWIFTSHADER_ICD) ? {} : { VK_ICD_FILENAMES: SWIFTSHADER_ICD };
  const probe = spawnSync(process.execPath, ["-e", `require(${JSON.stringify(path.join(root, "dist", "index.js"))}).core.probeWebgpu().then((a) => { console.log(JSON.stringify(a)); process.exit(0); })`], { env: { ...process.env, ...env }, encoding: "utf8" });
  const adapter = JSON.parse((probe.stdout || "null").trim().split("\n").pop() || "null");
  if (!adapter || typeof adapter === "string") return { skipped: adapter || "probe failed" };
  // a software adapter (SwiftShader) takes minutes per bench-model step: time the tiny model there
  const size = adapter.software ? "tiny" : opts.size;
  const runs = {};
  for (const o of opts.objectives) {
    log(`vs-peers: webgpu ${size} ${o} …`);
    runs[o] = runJson(process.execPath, [path.join(__dirname, "step.js"), "--size", size, "--objective", o, "--steps", String(adapter.software ? 1 : opts.steps), "--warmup", "1", "--backend", "webgpu", "--json"], env);
  }
  return { adapter, size, runs };
}

/** The measurement as a table, from its JSON alone (vs-peers.md is this text). */
function render(result) {
  const f = (x, d = 3) => (x === null || x === undefined ? "—" : x.toFixed(d));
  const [l0, l1] = result.loadAverage;
  const out = [
    `kcdl vs peers, ${result.size} model, median of ${result.rounds} interleaved rounds × ${result.steps} steps; load average ${l0.map((x) => x.toFixed(2)).join(" ")} → ${l1.map((x) => x.toFixed(2)).join(" ")} (${result.cpus} CPUs: ${result.host.cpus})`,
    "threads  objective    kcdl s/step  torch s/step  jax s/step  kcdl/torch  kcdl/jax",
  ];
  const x = (r) => (r === null ? "—" : r.toFixed(2) + "×");
  for (const r of result.rows) {
    out.push(
      `${String(r.threads).padEnd(8)} ${r.objective.padEnd(12)} ${f(r.secondsPerStep.kcdl).padStart(11)} ${f(r.secondsPerStep.torch).padStart(13)} ${f(r.secondsPerStep.jax).padStart(11)} ` +
        `${x(r.kcdlOverTorch).padStart(11)} ${x(r.kcdlOverJax).padStart(9)}`,
    );
  }
  for (const [k, why] of Object.entries(result.missing)) out.push(`${k}: not run (${why})`);
  const w = result.webgpu;
  if (w.skipped) out.push(`webgpu: skipped (${w.skipped})`);
  else {
    const a = w.adapter;
    out.push(`webgpu on ${[a.vendor, a.architecture, a.description].filter(Boolean).join(" / ")}${a.software ? " (software adapter: the tiny model, for correctness only)" : ""}, ${w.size} model:`);
    for (const [o, r] of Object.entries(w.runs)) out.push(`  ${o}: ${r.error ? r.error : `${f(r.secondsPerStep)} s/step, ${f(r.gflops, 2)} GFLOP/s (${f(r.gflopPerStep, 2)} GFLOP/step), peak RSS ${f(r.peakRssMb, 0)} MB`}`);
  }
  return out.join("\n");
}

/** Writes a file through a temporary name in the same folder, so a reader never sees half of it. */
function writeAtomic(file, text) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

(function main() {
  const { impls, missing } = implementations();
  for (const [k, why] of Object.entries(missing)) log(`vs-peers: ${k} skipped: ${why}`);
  const loadBefore = os.loadavg();
  const threads = opts.threads.map(Number);
  const runs = [];
  for (let r = 0; r < opts.rounds; r++) {
    for (const t of threads) {
      for (const o of opts.objectives) {
        // rotate the order every round: nobody always runs first
        const order = impls.map((_, i) => impls[(i + r) % impls.length]);
        for (const impl of order) {
          log(`vs-peers: round ${r + 1}/${opts.rounds}, ${t} thread(s), ${o}: ${impl.name} …`);
          const res = impl.run(t, o);
          if (res.error) log(`vs-peers: ${res.error}`);
          runs.push({ round: r + 1, threads: t, objective: o, impl: impl.name, secondsPerStep: res.secondsPerStep ?? null, gflops: res.gflops ?? null, error: res.error ?? null, loadAverage: os.loadavg()[0] });
        }
      }
    }
  }
  const rows = [];
  for (const t of threads) {
    for (const o of opts.objectives) {
      const med = Object.fromEntries(impls.map((i) => [i.name, median(runs.filter((x) => x.impl === i.name && x.threads === t && x.objective === o && x.secondsPerStep !== null).map((x) => x.secondsPerStep))]));
      const ratio = (peer) => (med.kcdl && med[peer] ? med.kcdl / med[peer] : null);
      rows.push({ threads: t, objective: o, secondsPerStep: med, kcdlOverTorch: ratio("torch"), kcdlOverJax: ratio("jax") });
    }
  }
  const webgpu = webgpuRuns();
  const result = { at: Date.now(), host: { cpus: os.cpus()[0]?.model ?? "", node: process.version }, size: opts.size, rounds: opts.rounds, steps: opts.steps, cpus: os.cpus().length, rows, webgpu, missing, runs, loadAverage: [loadBefore, os.loadavg()] };
  const text = render(result);
  console.log(text);
  writeAtomic(path.join(opts.out, "vs-peers.json"), JSON.stringify(result, null, 1) + "\n");
  writeAtomic(path.join(opts.out, "vs-peers.md"), `# kcdl vs PyTorch and JAX (\`npm run bench -- --vs-peers\`, ${new Date(result.at).toISOString().slice(0, 10)})\n\n\`\`\`\n${text}\n\`\`\`\n`);
  if (opts.json) console.log(JSON.stringify(result));
})();
