#!/usr/bin/env bash
# One prepared measurement of the webgpu backend on a GPU machine (GPU time is short: run
# this once, then read the files). Needs the repository with `npm ci` done (and `npm run
# build`), Node 20, the Vulkan loader (libvulkan1) and the GPU's Vulkan driver (NVIDIA's
# driver installs it). Writes everything under $OUT (default bench/results/gpu/):
#   gpu.txt            nvidia-smi's view of the GPU (name, memory, driver)
#   adapter.json       what Dawn sees (fails here, early, if it sees no GPU)
#   steps.jsonl        bench/step.js on webgpu: the bench model MLE and variational, the
#                      paper-size variational step (whole batch, and micro-batches of 16)
#   memory.csv         GPU memory in use, sampled every 200 ms during the steps (peak = max)
#   projection.txt     the paper preset's Table 1 training time from the measured step
#   table1/            `kcdl run parity --preset paper --backend webgpu`, for TABLE1_S seconds
#                      (default 240); SIGTERM at the end writes its checkpoints, so
#                      `kcdl run parity --preset paper --backend webgpu --out <same> --resume`
#                      continues where it stopped.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
OUT=${OUT:-bench/results/gpu}
TABLE1_S=${TABLE1_S:-240}
mkdir -p "$OUT"
log() { echo "gpu.sh: $*" >&2; }

[[ -f dist/index.js ]] || npm run build >/dev/null
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv >"$OUT/gpu.txt" 2>&1 || log "nvidia-smi not found"
cat "$OUT/gpu.txt" >&2

node -e 'require("./dist/index.js").core.probeWebgpu().then((a) => { console.log(JSON.stringify(a)); process.exit(typeof a === "string" || a.software ? 1 : 0); })' >"$OUT/adapter.json"
if [[ $? -ne 0 ]]; then log "Dawn sees no hardware adapter: $(cat "$OUT/adapter.json")"; exit 1; fi
log "adapter: $(cat "$OUT/adapter.json")"

mon=""
if command -v nvidia-smi >/dev/null; then
  nvidia-smi --query-gpu=timestamp,memory.used --format=csv,noheader,nounits -lms 200 >"$OUT/memory.csv" 2>/dev/null &
  mon=$!
fi
: >"$OUT/steps.jsonl"
step() { log "step $*"; timeout 900 node bench/step.js --backend webgpu --json "$@" | tail -1 | tee -a "$OUT/steps.jsonl" >&2; }
step --size bench --objective mle --steps 10 --warmup 2
step --size bench --objective variational --steps 10 --warmup 2
step --size paper --objective variational --micro 0 --steps 3 --warmup 1
step --size paper --objective variational --micro 16 --steps 3 --warmup 1
[[ -n "$mon" ]] && kill "$mon" 2>/dev/null

# Table 1's training at the paper preset: 50,000 steps for each of the three trained rows (C.1).
node -e '
const fs = require("fs");
const steps = fs.readFileSync(process.argv[1], "utf8").trim().split("\n").filter(Boolean).map(JSON.parse);
const paper = steps.filter((s) => s.size === "paper" && s.secondsPerStep).sort((a, b) => a.secondsPerStep - b.secondsPerStep)[0];
const mem = fs.existsSync(process.argv[2]) ? fs.readFileSync(process.argv[2], "utf8").trim().split("\n").map((l) => Number(l.split(",")[1])).filter(Number.isFinite) : [];
const lines = [];
for (const s of steps) lines.push(`${s.size} ${s.objective} micro ${s.microBatch}: ${s.secondsPerStep.toFixed(3)} s/step, ${s.gflops.toFixed(1)} GFLOP/s`);
if (mem.length) lines.push(`peak GPU memory in use: ${Math.max(...mem)} MiB`);
if (paper) lines.push(`paper preset Table 1 (3 trained rows × 50,000 steps) at ${paper.secondsPerStep.toFixed(3)} s/step (micro ${paper.microBatch}): ${(3 * 50000 * paper.secondsPerStep / 3600).toFixed(1)} h of training`);
fs.writeFileSync(process.argv[3], lines.join("\n") + "\n");
console.error(lines.join("\n"));
' "$OUT/steps.jsonl" "$OUT/memory.csv" "$OUT/projection.txt"

log "Table 1 at the paper preset for ${TABLE1_S} s"
timeout --signal=TERM "$TABLE1_S" node bin/kcdl.js run parity --preset paper --backend webgpu --out "$OUT/table1" >&2
log "done: $OUT"
