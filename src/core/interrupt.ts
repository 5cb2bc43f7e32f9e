/**
 * Stopping long work cleanly on an interrupt: Ctrl-C or SIGTERM in a terminal, the
 * kernel interrupt in Jupyter (which sends SIGINT to the kernel process; tslab's own
 * handler would only abandon the cell's promise and leave the work running).
 *
 * `interruptScope()` installs SIGINT and SIGTERM handlers while long work runs and
 * hands back a flag the work polls between steps (training: after each step, with
 * `yieldToEventLoop()` in between so the signal is delivered at all). While a scope
 * is open the process's previous handlers for these signals are set aside; closing
 * the last open scope puts them back. A second signal while the work finishes its
 * step restores the previous handlers and re-raises it, so pressing Ctrl-C twice
 * behaves as it would without kcdl (the default kills the process).
 */
import { KcdlError } from "./errors";

export type InterruptSignal = "SIGINT" | "SIGTERM";
const SIGNALS: InterruptSignal[] = ["SIGINT", "SIGTERM"];

/** Thrown by work stopped on an interrupt; the CLI exits with status 130 (128 + SIGINT). */
export class InterruptedError extends KcdlError {
  readonly signal: InterruptSignal;
  /** The experiments still to run when the interrupt came, the interrupted one first (set by the runner). */
  remaining?: string[];
  constructor(message: string, signal: InterruptSignal) {
    super(message, 130);
    this.name = "InterruptedError";
    this.signal = signal;
  }
}

/** An open scope: `signal` is the first interrupt received since it opened (undefined: none). */
export interface InterruptScope {
  readonly signal: InterruptSignal | undefined;
  /** Closes the scope (idempotent); the last one to close restores the previous handlers. */
  close(): void;
}

let open = 0;
let received: InterruptSignal | undefined;
let saved: Map<InterruptSignal, ((...args: unknown[]) => void)[]> | undefined;
const handlers = new Map<InterruptSignal, () => void>();

function restore(): void {
  if (!saved) return;
  for (const s of SIGNALS) {
    process.removeListener(s, handlers.get(s)!);
    for (const l of saved.get(s) ?? []) process.on(s, l);
  }
  saved = undefined;
}

function install(): void {
  saved = new Map();
  for (const s of SIGNALS) {
    saved.set(s, process.listeners(s) as ((...args: unknown[]) => void)[]);
    process.removeAllListeners(s);
    const h = () => {
      if (received === undefined) {
        received = s;
        return;
      }
      // a second interrupt: give it to whoever had it before (or to the default, which exits)
      restore();
      process.kill(process.pid, s);
    };
    handlers.set(s, h);
    process.on(s, h);
  }
}

/** Opens a scope (see the module comment). Close it in a `finally`. */
export function interruptScope(): InterruptScope {
  if (open === 0) {
    received = undefined;
    install();
  }
  open++;
  let closed = false;
  return {
    get signal() {
      return received;
    },
    close() {
      if (closed) return;
      closed = true;
      open--;
      if (open === 0) {
        restore();
        received = undefined;
      }
    },
  };
}

/** Lets pending I/O, timers and signals run (one turn of the event loop; about a microsecond when idle). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
