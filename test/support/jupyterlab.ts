/**
 * Test support: a private JupyterLab server and a headless Chromium driving it.
 *
 * The server listens on 127.0.0.1 on a free port with a random token, and
 * every Jupyter directory (config, data, runtime, lab settings/workspaces)
 * lives in a temp folder, so nothing of the user's is read or written; the
 * tslab kernelspec there launches this package's node_modules/.bin/tslab.
 * `expose_app_in_browser` lets the test drive JupyterLab's own commands and
 * models (as JupyterLab's Galata tests do).
 */
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import type { BrowserContext } from "playwright-core";
import { writeTslabKernelSpec } from "../../scripts/notebook-runner";

/** The Chromium flags of reference/ecosystem-notes.md §2, plus QUIC off. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-quic",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
];

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface LabServer {
  /** http://127.0.0.1:<port> */
  base: string;
  token: string;
  /** GET/DELETE/… on the server's REST API with the token. */
  api(method: string, route: string): Promise<unknown>;
  /** The server's stdout+stderr so far. */
  log(): string;
  stop(): Promise<void>;
}

function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value, null, 2) + "\n");
}

/**
 * Starts `<jupyter> lab` serving `root`, with private Jupyter dirs under
 * `home`, `env` added to the server's environment (and so every kernel's).
 * Resolves once /api/status answers.
 */
export async function startJupyterLab(opts: {
  jupyter: string;
  root: string;
  home: string;
  repoRoot: string;
  env?: NodeJS.ProcessEnv;
  startTimeoutMs?: number;
}): Promise<LabServer> {
  const port = await freePort();
  const token = randomBytes(24).toString("hex");
  const dir = (n: string) => path.join(opts.home, n);
  const data = dir("data");
  writeTslabKernelSpec(data, opts.repoRoot);
  const settings = dir("lab-settings");
  // Render every cell (no windowing), so each figure's DOM exists; no news or update checks.
  writeJson(path.join(settings, "@jupyterlab", "notebook-extension", "tracker.jupyterlab-settings"), { windowingMode: "none" });
  writeJson(path.join(settings, "@jupyterlab", "apputils-extension", "notification.jupyterlab-settings"), {
    fetchNews: "false",
    checkForUpdates: false,
  });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...opts.env,
    JUPYTER_CONFIG_DIR: dir("config"),
    JUPYTER_DATA_DIR: data,
    JUPYTER_RUNTIME_DIR: dir("runtime"),
    JUPYTER_PATH: data,
    JUPYTERLAB_SETTINGS_DIR: settings,
    JUPYTERLAB_WORKSPACES_DIR: dir("lab-workspaces"),
    IPYTHONDIR: dir("ipython"),
    JUPYTER_ALLOW_INSECURE_WRITES: "0",
    PYTHONUNBUFFERED: "1",
  };
  env.PATH = [path.join(opts.repoRoot, "node_modules", ".bin"), env.PATH].filter(Boolean).join(path.delimiter);
  const args = [
    "lab",
    "--no-browser",
    "--ServerApp.ip=127.0.0.1",
    `--ServerApp.port=${port}`,
    "--ServerApp.port_retries=0",
    `--IdentityProvider.token=${token}`,
    `--ServerApp.root_dir=${opts.root}`,
    "--ServerApp.open_browser=False",
    "--LabApp.expose_app_in_browser=True",
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
  ];
  if (process.getuid?.() === 0) args.push("--allow-root"); // containers and CI run as root
  let log = "";
  const child: ChildProcess = spawn(opts.jupyter, args, { env, cwd: opts.root, stdio: ["ignore", "pipe", "pipe"], detached: true });
  child.stdout!.on("data", (d: Buffer) => (log += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (log += d.toString()));
  let exited: number | null | undefined;
  const exitedP = new Promise<void>((resolve) => child.on("exit", (code) => ((exited = code), resolve())));
  const base = `http://127.0.0.1:${port}`;
  const api = async (method: string, route: string): Promise<unknown> => {
    const r = await fetch(`${base}${route}`, { method, headers: { Authorization: `token ${token}` } });
    if (!r.ok) throw new Error(`${method} ${route}: HTTP ${r.status}`);
    const text = await r.text();
    return text ? JSON.parse(text) : undefined;
  };
  // Should the test process die before stop(), the server must not outlive it.
  const killOnExit = () => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // gone
    }
  };
  process.once("exit", killOnExit);
  const stop = async () => {
    process.removeListener("exit", killOnExit);
    if (exited !== undefined) return;
    // Kernels run in sessions of their own (not the server's process group): shut them down first.
    for (const k of ((await api("GET", "/api/kernels").catch(() => [])) as { id: string }[])) {
      await api("DELETE", `/api/kernels/${k.id}`).catch(() => undefined);
    }
    try {
      process.kill(-child.pid!, "SIGTERM"); // the server (its own process group); it shuts down any kernel left
    } catch {
      return;
    }
    const t = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // gone
      }
    }, 10_000);
    await exitedP;
    clearTimeout(t);
  };
  const deadline = Date.now() + (opts.startTimeoutMs ?? 120_000);
  for (;;) {
    if (exited !== undefined) throw new Error(`jupyter lab exited (${exited}) before answering:\n${log.slice(-4000)}`);
    try {
      await api("GET", "/api/status");
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`jupyter lab did not answer on ${base} within ${opts.startTimeoutMs ?? 120_000} ms:\n${log.slice(-4000)}`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  return { base, token, api, log: () => log, stop };
}

/** Headless Chromium with a fresh profile in `userDataDir`. */
export async function launchChromium(executablePath: string, userDataDir: string): Promise<BrowserContext> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: only the JupyterLab test loads playwright-core
  const { chromium } = require("playwright-core") as typeof import("playwright-core");
  fs.mkdirSync(userDataDir, { recursive: true });
  return chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    timeout: 60_000,
  });
}
