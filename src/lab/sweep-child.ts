/**
 * One run of a sweep, as a child process: `node bin/kcdl.js run <experiment> --preset P
 * --seed k --out <run folder> --no-images --set key=value …`, so every point is a normal
 * run (the runner's checks, lock, `.incomplete` marker and results contract) and a crash
 * in one never takes the sweep down. Its output goes to `<run folder>/run.log`. Shared by
 * the local pool and the queue's workers (lab/sweep-queue.ts).
 */
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { packageRoot } from "../core/io";
import { isIncomplete } from "./output";

/** What one run needs: the `kcdl` arguments, its folder, and where its results.json lands. */
export interface RunTask {
  args: string[];
  /** The run's folder, `<sweep>/<point>/seed<k>` (its `--out`). */
  dir: string;
  /** `<dir>/<experiment>/results.json`. */
  resultsFile: string;
}

export interface ChildOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The end of run.log (for error messages). */
  logTail: string;
}

/** Whether a run is finished: its results.json exists and its folder carries no `.incomplete` marker. */
export function runFinished(task: Pick<RunTask, "resultsFile">): boolean {
  return fs.existsSync(task.resultsFile) && !isIncomplete(path.dirname(task.resultsFile));
}

export const kcdlBin = (): string => path.join(packageRoot(), "bin", "kcdl.js");

function tail(file: string, chars = 1500): string {
  try {
    const text = fs.readFileSync(file, "utf8");
    return text.slice(-chars).trim();
  } catch {
    return "";
  }
}

/**
 * Runs `task` from scratch (its folder is emptied first, so an interrupted run restarts
 * rather than mixing with what it left). Children run in their own process group, so a
 * terminal's Ctrl-C reaches them once, forwarded by the sweep, not twice.
 */
export function runChild(task: RunTask, live: Set<ChildProcess>): Promise<ChildOutcome> {
  fs.rmSync(task.dir, { recursive: true, force: true });
  fs.mkdirSync(task.dir, { recursive: true });
  const log = path.join(task.dir, "run.log");
  const fd = fs.openSync(log, "w");
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [kcdlBin(), ...task.args], { stdio: ["ignore", fd, fd], detached: true, cwd: packageRoot() });
    live.add(child);
    let ended = false;
    const done = (code: number | null, signal: NodeJS.Signals | null) => {
      if (ended) return;
      ended = true;
      live.delete(child);
      fs.closeSync(fd);
      resolve({ code, signal, logTail: tail(log) });
    };
    child.on("error", (err) => {
      fs.appendFileSync(log, `\nkcdl sweep: cannot start the run: ${err.message}\n`);
      done(null, null);
    });
    child.on("exit", done);
  });
}

/** Forwards `signal` once to each live child (the runner checkpoints and exits 130). */
export function forward(live: Set<ChildProcess>, signal: NodeJS.Signals, sent: WeakSet<ChildProcess>): void {
  for (const c of live) {
    if (sent.has(c)) continue;
    sent.add(c);
    try {
      c.kill(signal);
    } catch {
      // already gone
    }
  }
}
