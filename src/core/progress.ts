/**
 * Progress reporting for long work (optimisation steps, training). Library code
 * never prints: it calls a `Progress` sink. The CLI passes `terminalProgress()`
 * (a cli-progress bar on stderr with step, ETA and the latest metrics); notebooks
 * pass `notebookProgress()` from `src/report/display.ts`; tests pass `silentProgress`.
 */
import * as cliProgress from "cli-progress";

/** Metrics shown beside the bar, e.g. `{ loss: 1.23, klBits: 0.7 }`. */
export type ProgressMetrics = Record<string, number | string>;

export interface Progress {
  /** Starts a task of `total` steps named `label`. */
  start(label: string, total: number): void;
  /** Reports that `step` of `total` steps are done. */
  update(step: number, metrics?: ProgressMetrics): void;
  /** Ends the current task. */
  stop(): void;
  /** A one-line message (backend choice, files written). */
  log(message: string): void;
}

export const silentProgress: Progress = {
  start() {},
  update() {},
  stop() {},
  log() {},
};

/** Formats metrics compactly: `loss=1.234 klBits=0.70`. */
export function formatMetrics(metrics: ProgressMetrics | undefined): string {
  if (!metrics) return "";
  return Object.entries(metrics)
    .map(([k, v]) => `${k}=${typeof v === "number" ? Number(v.toPrecision(4)) : v}`)
    .join(" ");
}

/** A terminal progress bar (cli-progress) on stderr: label, bar, step/total, ETA, metrics. */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  let bar: cliProgress.SingleBar | undefined;
  // Off a terminal (a log file, CI) cli-progress redraws on a timer, which never fires while a
  // synchronous training loop holds the event loop: redraw from update() instead.
  const schedule = stream.isTTY ? 0 : 5000;
  let lastRender = 0;
  return {
    start(label, total) {
      bar = new cliProgress.SingleBar(
        {
          stream,
          format: `${label} [{bar}] {value}/{total} ETA {eta_formatted} {metrics}`,
          hideCursor: false,
          etaBuffer: 20,
          noTTYOutput: !stream.isTTY,
          notTTYSchedule: 5000,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0, { metrics: "" });
      lastRender = Date.now();
    },
    update(step, metrics) {
      bar?.update(step, { metrics: formatMetrics(metrics) });
      if (bar && schedule > 0 && Date.now() - lastRender >= schedule) {
        lastRender = Date.now();
        bar.render();
      }
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
    log(message) {
      stream.write(message + "\n");
    },
  };
}
