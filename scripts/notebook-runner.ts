/**
 * Notebook tooling for `npm test` and `npm run notebooks` (not part of the
 * shipped library; compiled into .test-build/ by test/tsconfig.json and
 * scripts/tsconfig.json).
 *
 * Executes a notebook headless with the tslab kernel through Jupyter's nbclient
 * (what `python3 -m nbconvert --to notebook --execute` runs; a small driver
 * calls it directly so a failing notebook is saved with the cell's error text),
 * writing the executed copy elsewhere — the source notebook is never modified.
 *
 * No global kernel registration is needed: a kernelspec pointing at this
 * package's `node_modules/.bin/tslab` is written into a private Jupyter data
 * directory put first on `JUPYTER_PATH`. The kernel starts in the notebook's
 * folder (passed as the kernel cwd), as in JupyterLab.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { isExecutable, packageRoot, writeFileAtomic } from "../src/core/io";
import { KcdlError } from "../src/core/errors";

export const JUPYTER_MISSING =
  "Jupyter is missing: run `bash environment/install-jupyter.sh` " +
  "(installs JupyterLab into .venv/ with pip; Debian fallback: apt-get install -y jupyter-notebook python3-nbconvert python3-nbclient chromium)";

/** The kernelspec display name: what JupyterLab's launcher shows, and what the notebooks' metadata says. */
export const KERNEL_DISPLAY_NAME = "TypeScript";

/**
 * Whether a missing Jupyter (or Chromium, for the JupyterLab test) fails the
 * notebook tests instead of skipping them: env KCDL_REQUIRE_JUPYTER=1 (set by .ci/run).
 */
export function jupyterRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return !!env.KCDL_REQUIRE_JUPYTER && env.KCDL_REQUIRE_JUPYTER !== "0";
}

/** The project's virtual environment (install-jupyter.sh's pip route): env KCDL_VENV, else `<repo>/.venv`. */
export function venvDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.KCDL_VENV || path.join(packageRoot(), ".venv");
}

/** `name` on PATH, or undefined. */
function onPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

/** The interpreter on a script's `#!` line (e.g. the Python a `jupyter` script runs with). */
function shebangInterpreter(script: string): string | undefined {
  try {
    const fd = fs.openSync(script, "r");
    const buf = Buffer.alloc(256);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    fs.closeSync(fd);
    const m = /^#!\s*(\S+)(?:[ \t]+(\S+))?/.exec(buf.subarray(0, n).toString("utf8"));
    if (!m) return undefined;
    // `#!/usr/bin/env python3` → python3
    return path.basename(m[1]) === "env" ? m[2] : m[1];
  } catch {
    return undefined;
  }
}

/**
 * The `jupyter` command to use: env KCDL_JUPYTER, else `<venv>/bin/jupyter`,
 * else `jupyter` on PATH; undefined when none exists.
 */
export function findJupyter(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.KCDL_JUPYTER) return isExecutable(env.KCDL_JUPYTER) ? env.KCDL_JUPYTER : undefined;
  const inVenv = path.join(venvDir(env), "bin", "jupyter");
  if (isExecutable(inVenv)) return inVenv;
  return onPath("jupyter", env);
}

/** Whether Jupyter's nbconvert + nbclient can be used, and through which Python. */
export type JupyterCheck = { ok: true; python: string } | { ok: false; message: string };

let cachedCheck: JupyterCheck | undefined;

/**
 * Finds a Python with `nbconvert` and `nbclient`: env `KCDL_PYTHON`, else the
 * project's `.venv/bin/python`, the Python of `jupyter` on PATH, `python3`,
 * `/usr/bin/python3`, `python` (a pyenv/venv python3 on PATH often lacks the
 * Debian packages that /usr/bin/python3 has).
 */
export function jupyterAvailable(): JupyterCheck {
  if (cachedCheck) return cachedCheck;
  const candidates: string[] = [];
  if (process.env.KCDL_PYTHON) candidates.push(process.env.KCDL_PYTHON);
  else {
    const venvPython = path.join(venvDir(), "bin", "python");
    if (isExecutable(venvPython)) candidates.push(venvPython);
    const jupyterOnPath = onPath("jupyter");
    const py = jupyterOnPath && shebangInterpreter(jupyterOnPath);
    if (py) candidates.push(py);
    candidates.push("python3", "/usr/bin/python3", "python");
  }
  const tried = [...new Set(candidates)];
  for (const py of tried) {
    const r = spawnSync(py, ["-c", "import nbconvert, nbclient"], { stdio: "ignore", timeout: 60_000 });
    if (r.status === 0) return (cachedCheck = { ok: true, python: py });
  }
  return (cachedCheck = { ok: false, message: `${JUPYTER_MISSING} [tried: ${tried.join(", ")}]` });
}

/** Whether `jupyter lab` can be started, and with which `jupyter` command. */
export type JupyterLabCheck = { ok: true; jupyter: string; version: string } | { ok: false; message: string };

export const JUPYTERLAB_MISSING =
  "JupyterLab is missing: run `bash environment/install-jupyter.sh` (pip into .venv/; needs a reachable pip index)";

/** Finds `jupyter lab` (venv first, then PATH) and its version. */
export function jupyterLabAvailable(env: NodeJS.ProcessEnv = process.env): JupyterLabCheck {
  const jupyter = findJupyter(env);
  if (!jupyter) return { ok: false, message: `${JUPYTERLAB_MISSING} [no jupyter in ${path.join(venvDir(env), "bin")} or on PATH]` };
  const r = spawnSync(jupyter, ["lab", "--version"], { encoding: "utf8", timeout: 60_000, env });
  if (r.status !== 0) return { ok: false, message: `${JUPYTERLAB_MISSING} [${jupyter} lab --version failed]` };
  return { ok: true, jupyter, version: r.stdout.trim() };
}

/** Writes `<jupyterDir>/kernels/tslab/kernel.json` launching `<repo>/node_modules/.bin/tslab`. */
export function writeTslabKernelSpec(jupyterDir: string, repoRoot: string = packageRoot()): string {
  const file = path.join(jupyterDir, "kernels", "tslab", "kernel.json");
  const spec = {
    argv: [path.join(repoRoot, "node_modules", ".bin", "tslab"), "kernel", "--config-path", "{connection_file}"],
    display_name: KERNEL_DISPLAY_NAME,
    language: "typescript",
  };
  writeFileAtomic(file, JSON.stringify(spec, null, 2) + "\n");
  return file;
}

export interface ExecuteOptions {
  /** Folder for the executed copy `<outDir>/<name>.ipynb`. */
  outDir: string;
  /** Extra environment (e.g. KCDL_PRESET, KCDL_OUT), over the current one. */
  env?: NodeJS.ProcessEnv;
  /** Per-cell timeout in seconds (default 600). */
  cellTimeoutS?: number;
  /** Private Jupyter data dir for the kernelspec (default a per-user temp dir). */
  jupyterDir?: string;
  /** Package root whose node_modules/.bin/tslab runs the kernel (default this package). */
  repoRoot?: string;
}

/** One notebook output, as stored in .ipynb JSON. */
export interface NotebookOutput {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
}

export interface NotebookJson {
  cells: { cell_type: string; source: string | string[]; outputs?: NotebookOutput[]; [key: string]: unknown }[];
  [key: string]: unknown;
}

export interface ExecuteResult {
  /** The executed copy. */
  output: string;
  notebook: NotebookJson;
  /** The Python driver's stdout+stderr (nbclient's log and warnings). */
  log: string;
  seconds: number;
}

/**
 * Executes `notebook` with the tslab kernel into `<outDir>/<name>.ipynb`.
 * Rejects with a KcdlError carrying the log, the failing cell's source and its
 * output (tslab prints errors to the cell's stderr) when a cell fails, times out
 * or the kernel dies, or when Jupyter is missing.
 */
export async function executeNotebook(notebook: string, opts: ExecuteOptions): Promise<ExecuteResult> {
  const check = jupyterAvailable();
  if (!check.ok) throw new KcdlError(check.message);
  const repoRoot = opts.repoRoot ?? packageRoot();
  const jupyterDir = opts.jupyterDir ?? path.join(os.tmpdir(), `kcdl-jupyter-${os.userInfo().uid}`);
  writeTslabKernelSpec(jupyterDir, repoRoot);
  fs.mkdirSync(opts.outDir, { recursive: true });
  const name = path.basename(notebook, ".ipynb");
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
  env.PATH = [path.join(repoRoot, "node_modules", ".bin"), env.PATH].filter(Boolean).join(path.delimiter);
  env.JUPYTER_PATH = [jupyterDir, env.JUPYTER_PATH].filter(Boolean).join(path.delimiter);
  const output = path.join(opts.outDir, `${name}.ipynb`);
  fs.rmSync(output, { force: true });
  const args = ["-c", DRIVER, path.resolve(notebook), path.resolve(output), String(opts.cellTimeoutS ?? 600)];
  const t0 = Date.now();
  const { code, log } = await new Promise<{ code: number | null; log: string }>((resolve, reject) => {
    const child = spawn(check.python, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let log = "";
    child.stdout.on("data", (d: Buffer) => (log += d.toString()));
    child.stderr.on("data", (d: Buffer) => (log += d.toString()));
    child.on("error", reject);
    child.on("close", (c) => resolve({ code: c, log }));
  });
  const seconds = (Date.now() - t0) / 1000;
  if (code !== 0 || !fs.existsSync(output)) {
    let detail = log.slice(-6000);
    if (fs.existsSync(output)) {
      const failed = failedCell(JSON.parse(fs.readFileSync(output, "utf8")) as NotebookJson);
      if (failed) detail = `${detail}\n--- failing cell ---\n${failed.source}\n--- its output ---\n${failed.output.slice(-6000)}`;
    }
    throw new KcdlError(`notebook ${notebook} failed after ${seconds.toFixed(0)} s (exit ${code}); executed copy: ${output}\n${detail}`);
  }
  return { output, notebook: JSON.parse(fs.readFileSync(output, "utf8")), log, seconds };
}

/**
 * The Python side: what `jupyter nbconvert --to notebook --execute` does
 * (nbclient with the notebook's folder as kernel cwd), except that the partly
 * executed notebook is saved on failure too. tslab's failure replies carry no
 * ename/traceback — the error text is only in the cell's stderr — so without
 * the saved outputs a failure would read just "<Error>:".
 */
const DRIVER = `
import os, sys, nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
src, out, timeout = sys.argv[1], sys.argv[2], int(sys.argv[3])
nb = nbformat.read(src, as_version=4)
client = NotebookClient(nb, kernel_name="tslab", timeout=timeout,
                        resources={"metadata": {"path": os.path.dirname(src)}})
code = 0
try:
    client.execute()
except (CellExecutionError, CellTimeoutError, DeadKernelError) as e:
    code = 1
    sys.stderr.write(str(e)[-4000:] + "\\n")
finally:
    nbformat.write(nb, out)
sys.exit(code)
`;

function text(v: unknown): string {
  return Array.isArray(v) ? v.join("") : typeof v === "string" ? v : "";
}

/** The last executed code cell with its text outputs (where a failed run stopped). */
function failedCell(nb: NotebookJson): { source: string; output: string } | undefined {
  let last: NotebookJson["cells"][number] | undefined;
  for (const c of nb.cells) if (c.cell_type === "code" && typeof c.execution_count === "number") last = c;
  if (!last) return undefined;
  const output = (last.outputs ?? [])
    .map((o) => text(o.text) || text(o.data?.["text/plain"]) || (o.ename ? `${o.ename}: ${o.evalue}` : ""))
    .join("");
  return { source: text(last.source), output };
}

/** A notebook output field (string or list of lines) as one string. */
export function outputText(v: unknown): string {
  return text(v);
}

/** What an executed notebook shows: error outputs, stderr text, and the MIME types displayed. */
export function summarizeNotebook(nb: NotebookJson): { errors: NotebookOutput[]; stderr: string; mimeTypes: Set<string> } {
  const errors: NotebookOutput[] = [];
  const mimeTypes = new Set<string>();
  let stderr = "";
  for (const cell of nb.cells) {
    for (const o of cell.outputs ?? []) {
      if (o.output_type === "error") errors.push(o);
      if (o.output_type === "stream" && o.name === "stderr") stderr += Array.isArray(o.text) ? o.text.join("") : (o.text ?? "");
      if ((o.output_type === "display_data" || o.output_type === "execute_result") && o.data) {
        for (const m of Object.keys(o.data)) mimeTypes.add(m);
      }
    }
  }
  return { errors, stderr, mimeTypes };
}
