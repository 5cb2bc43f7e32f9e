/**
 * Static PNG/SVG export of plotly figures without kaleido: a headless Chromium
 * driven by `playwright-core`, with plotly.js injected from node_modules
 * (`page.addScriptTag({path})`, no network), rendering through `Plotly.toImage`.
 *
 * One browser and one page serve many figures. The cartesian bundle is loaded
 * first (~2 s); the full bundle (~5 s) only when a figure needs it.
 * Chromium is found through env `KCDL_CHROMIUM`, else /usr/bin/chromium,
 * chromium-browser, google-chrome(-stable). `KCDL_NO_CHROMIUM=1` disables it.
 *
 * `sharedRenderer()` is a process-wide renderer opened on first use. It closes
 * itself after an idle period (so a forgotten renderer never keeps node alive
 * for good), on `closeSharedRenderer()`, and — killed by playwright's exit
 * hook, or by Chromium itself when its pipe closes — when the process ends.
 * When it cannot open, the first call prints one warning line ("static images
 * skipped: install chromium …") on stderr: without PNGs, classic Notebook,
 * nbconvert and GitHub show no figure at all.
 */
import * as path from "node:path";
import type { Browser, Page } from "playwright-core";
import { KcdlError } from "../core/errors";
import { isExecutable } from "../core/io";
import { FigureSpec, PlotlyBundle, bundleFor, plotlyBundlePath } from "./figure";

/** Options of one image. Width/height default to the layout's, else 800×500; scale to 1. */
export interface ImageOptions {
  width?: number;
  height?: number;
  scale?: number;
}

const CANDIDATES = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
  "/snap/bin/chromium",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
  "/Applications/Chromium.app/Contents/MacOS/Chromium",
];
const SEARCH_NAMES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

const LAUNCH_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/**
 * The Chromium/Chrome executable to use, or undefined: env `KCDL_CHROMIUM`
 * (must exist), else well-known paths, else the names above on PATH.
 * `KCDL_NO_CHROMIUM=1` forces undefined.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.KCDL_NO_CHROMIUM && env.KCDL_NO_CHROMIUM !== "0") return undefined;
  if (env.KCDL_CHROMIUM) return isExecutable(env.KCDL_CHROMIUM) ? env.KCDL_CHROMIUM : undefined;
  for (const c of CANDIDATES) if (isExecutable(c)) return c;
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    for (const name of SEARCH_NAMES) if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

/** Renders FigureSpecs to PNG/SVG in one headless browser page. */
export class StaticRenderer {
  private loaded: PlotlyBundle | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly browser: Browser,
    private readonly page: Page,
    /** The browser executable in use. */
    readonly executablePath: string,
  ) {}

  /**
   * Launches headless Chromium; undefined (never a throw) when none is found
   * or it cannot start. `executablePath` overrides the search.
   */
  static async open(opts: { executablePath?: string } = {}): Promise<StaticRenderer | undefined> {
    const exe = opts.executablePath ?? findChromium();
    if (!exe) return undefined;
    let browser: Browser | undefined;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: playwright-core is a 3.6 MB bundle that most code paths never need
      const { chromium } = require("playwright-core") as typeof import("playwright-core");
      browser = await chromium.launch({
        executablePath: exe,
        args: LAUNCH_ARGS,
        // Never take over the process's signals: SIGINT interrupts a tslab cell, and
        // the CLI handles its own. Chromium exits by itself when its pipe closes.
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
        timeout: 60_000,
      });
      const page = await browser.newPage();
      await page.setContent('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body></body></html>');
      return new StaticRenderer(browser, page, exe);
    } catch {
      await browser?.close().catch(() => undefined);
      return undefined;
    }
  }

  private async ensureBundle(need: PlotlyBundle): Promise<void> {
    if (this.loaded === "full" || this.loaded === need) return;
    // The full bundle is a superset and replaces window.Plotly when added after the cartesian one.
    await this.page.addScriptTag({ path: plotlyBundlePath(need) });
    this.loaded = need;
  }

  /** Renders `spec` as PNG or SVG bytes through `Plotly.toImage`. Calls are serialised. */
  toImage(spec: FigureSpec, format: "png" | "svg", opts: ImageOptions = {}): Promise<Buffer> {
    const job = this.queue.then(() => this.render(spec, format, opts));
    this.queue = job.catch(() => undefined);
    return job;
  }

  private async render(spec: FigureSpec, format: "png" | "svg", opts: ImageOptions): Promise<Buffer> {
    if (this.closed) throw new KcdlError("StaticRenderer is closed");
    await this.ensureBundle(bundleFor(spec));
    const layout = spec.layout;
    const o = {
      format,
      width: opts.width ?? (typeof layout.width === "number" ? layout.width : 800),
      height: opts.height ?? (typeof layout.height === "number" ? layout.height : 500),
      scale: opts.scale ?? 1,
    };
    const fig = { data: spec.data, layout, config: spec.config ?? {} };
    const url: string = await this.page.evaluate(
      // Runs in the browser page, where plotly.js defined window.Plotly.
      ({ fig, o }) => (globalThis as unknown as { Plotly: { toImage(f: unknown, opts: unknown): Promise<string> } }).Plotly.toImage(fig, o),
      { fig, o },
    );
    const comma = url.indexOf(",");
    const header = url.slice(0, comma);
    const body = url.slice(comma + 1);
    return header.endsWith(";base64") ? Buffer.from(body, "base64") : Buffer.from(decodeURIComponent(body), "utf8");
  }

  /** Closes the browser. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    await this.browser.close().catch(() => undefined);
  }

  /** Whether close() was called. */
  get isClosed(): boolean {
    return this.closed;
  }
}

// ---- the process-wide shared renderer ---------------------------------------------------

let shared: Promise<StaticRenderer | undefined> | undefined;
let idleTimer: NodeJS.Timeout | undefined;
let busy = 0;
/** Seconds a shared renderer may sit idle before it closes itself. */
let idleSeconds = Number(process.env.KCDL_RENDERER_IDLE_S ?? 60);

function armIdleTimer(): void {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = undefined;
  if (busy > 0 || !shared || !(idleSeconds > 0)) return;
  idleTimer = setTimeout(() => void closeSharedRenderer(), idleSeconds * 1000);
  idleTimer.unref();
}

/**
 * The process-wide renderer, opened on first call (undefined when no Chromium).
 * It closes itself after `KCDL_RENDERER_IDLE_S` (default 60) idle seconds and
 * reopens on the next call; the CLI calls `closeSharedRenderer()` when done.
 */
export async function sharedRenderer(): Promise<StaticRenderer | undefined> {
  if (!shared) shared = openShared();
  const r = await shared;
  if (!r) warnNoStaticImages();
  if (r && r.isClosed) {
    shared = undefined;
    return sharedRenderer();
  }
  armIdleTimer();
  return r;
}

let warnedNoImages = false;

/** Says once per process, on stderr, that figures get no PNG/SVG and how to fix it. */
function warnNoStaticImages(): void {
  if (warnedNoImages) return;
  warnedNoImages = true;
  const disabled = !!process.env.KCDL_NO_CHROMIUM && process.env.KCDL_NO_CHROMIUM !== "0";
  const exe = disabled ? undefined : findChromium();
  const why = disabled ? "KCDL_NO_CHROMIUM is set" : exe ? `${exe} did not start` : "no Chromium found";
  console.warn(
    `static images skipped: install chromium (Debian/Ubuntu: sudo apt-get install chromium, or bash environment/install-jupyter.sh; ` +
      `elsewhere set KCDL_CHROMIUM=/path/to/chrome) [${why}]: figures get no PNG/SVG, so classic Notebook, nbconvert and GitHub show no figure`,
  );
}

async function openShared(): Promise<StaticRenderer | undefined> {
  const r = await StaticRenderer.open();
  if (!r) return undefined;
  // Track renders so the idle timer never closes the browser mid-render.
  const toImage = r.toImage.bind(r);
  r.toImage = (spec, format, opts) => {
    busy++;
    if (idleTimer) clearTimeout(idleTimer);
    return toImage(spec, format, opts).finally(() => {
      busy--;
      armIdleTimer();
    });
  };
  return r;
}

/** Closes the shared renderer if open (the next `sharedRenderer()` opens a new one). */
export async function closeSharedRenderer(): Promise<void> {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = undefined;
  const p = shared;
  shared = undefined;
  const r = await p;
  await r?.close();
}

/** Sets the shared renderer's idle timeout in seconds (0: never close by itself). */
export function setSharedRendererIdle(seconds: number): void {
  idleSeconds = seconds;
  armIdleTimer();
}
