/**
 * Where a run writes, and how it keeps a folder whole.
 * - Default folders: the cpu preset at the default seed with no overrides writes
 *   `figures/<experiment>/` (what is committed); every other run writes the
 *   git-ignored `runs/<experiment>/<preset>-seed<N>[-<overrides hash>]/`, both under
 *   the project root (the nearest folder above the working directory with a
 *   package.json, so a notebook in notebooks/ writes where the CLI does). An
 *   explicit `out` root writes `<out>/<experiment>/`.
 * - One writer per folder: a lock file naming the process; a second run refuses.
 * - Never mixed: `.incomplete` marks a folder from the first write of a run until
 *   its last figure; `kcdl render` completes such a folder from its results.json.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { UsageError } from "../core/errors";

/** The seed the committed figures are made with. */
export const DEFAULT_SEED = 1;

/** The nearest folder at or above `from` holding a package.json (else `from`). */
export function projectRoot(from = process.cwd()): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from);
  }
}

/** A short stable hash of an overrides object ("" for none). */
export function overridesTag(overrides: object): string {
  if (!Object.keys(overrides).length) return "";
  return crypto.createHash("sha256").update(stableJson(overrides)).digest("hex").slice(0, 8);
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (v && typeof v === "object") return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`).join(",")}}`;
  return JSON.stringify(v);
}

/** The folder one run of `experiment` writes (see the module comment). */
export function runDir(experiment: string, o: { out?: string; preset: string; seed: number; overrides: object }): string {
  if (o.out !== undefined) return path.join(o.out, experiment);
  const root = projectRoot();
  const tag = overridesTag(o.overrides);
  if (o.preset === "cpu" && o.seed === DEFAULT_SEED && !tag) return path.join(root, "figures", experiment);
  return path.join(root, "runs", experiment, `${o.preset}-seed${o.seed}${tag ? `-${tag}` : ""}`);
}

const LOCK = ".kcdl.lock";
export const INCOMPLETE = ".incomplete";

interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Takes the write lock of `dir` for this process, or throws a UsageError naming the
 * process that holds it. A lock left by a dead process on this host is taken over.
 * Returns the release function (also run at process exit).
 */
export function lockDir(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, LOCK);
  const mine: LockInfo = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(mine), { flag: "wx" });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) throw err;
      let other: LockInfo | undefined;
      try {
        other = JSON.parse(fs.readFileSync(file, "utf8"));
      } catch {
        other = undefined; // unreadable: a crash mid-write; take it over
      }
      if (other && other.pid === process.pid && other.host === mine.host) throw new UsageError(`${dir} is already being written by this process; give each run its own --out`);
      if (other && (other.host !== mine.host || alive(other.pid))) {
        throw new UsageError(`another kcdl run (pid ${other.pid} on ${other.host}, started ${other.startedAt}) is writing ${dir}; wait for it to finish or pass another --out`);
      }
      fs.rmSync(file, { force: true }); // stale lock of a process that died
    }
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.removeListener("exit", release);
    try {
      if (JSON.parse(fs.readFileSync(file, "utf8")).pid === process.pid) fs.rmSync(file, { force: true });
    } catch {
      // already gone
    }
  };
  process.on("exit", release);
  return release;
}

/** Marks `dir` as being written (until `markComplete`). */
export function markIncomplete(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, INCOMPLETE), `written by pid ${process.pid} since ${new Date().toISOString()}\n`);
}

export function markComplete(dir: string): void {
  fs.rmSync(path.join(dir, INCOMPLETE), { force: true });
}

/** Whether a run's writing into `dir` was interrupted (results.json and its figures may not match). */
export function isIncomplete(dir: string): boolean {
  return fs.existsSync(path.join(dir, INCOMPLETE));
}
