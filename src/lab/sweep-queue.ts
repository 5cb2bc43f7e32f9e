/**
 * A sweep past one machine, through BullMQ (a job queue on Redis): `kcdl sweep …
 * --queue redis://host:port` puts each unfinished run on the queue and waits for them;
 * `kcdl worker --queue redis://host:port` on any number of machines takes runs off it
 * and runs each as the local pool would (lab/sweep-child.ts), writing into the run's
 * folder — so every machine must see the sweep's output folder at the same absolute
 * path (a shared file system), and the sweep's process reads the results from there.
 *
 * A run's job id is a hash of its folder and arguments: a run still waiting or active
 * from an earlier, interrupted sweep is waited on, not queued twice; a finished or
 * failed job of the same run is replaced. bullmq and ioredis load only here.
 */
import type { ChildProcess } from "node:child_process";
import * as os from "node:os";
import { KcdlError, UsageError } from "../core/errors";
import { InterruptedError, interruptScope } from "../core/interrupt";
import { Progress, silentProgress } from "../core/progress";
import { RunTask, forward, runChild, runFinished } from "./sweep-child";
import { shortHash } from "./sweep-grid";

/** The queue's name when none is given (`--queue-name`). */
export const DEFAULT_QUEUE_NAME = "kcdl-sweeps";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const bullmq = (): typeof import("bullmq") => require("bullmq");

/** The BullMQ connection options for a `redis://` or `rediss://` URL (checked). */
export function connectionFor(url: string): { url: string; maxRetriesPerRequest: null } {
  if (!/^rediss?:\/\/[^/\s]+/.test(url)) throw new UsageError(`--queue expects a Redis URL such as redis://127.0.0.1:6379, got '${url}'`);
  return { url, maxRetriesPerRequest: null };
}

async function ready(what: { waitUntilReady(): Promise<unknown> }, url: string, timeoutMs = 10000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      what.waitUntilReady(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new UsageError(`cannot reach Redis at ${url} within ${timeoutMs / 1000} s; start one (redis-server --port P) or fix --queue`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export interface QueueFailure {
  task: RunTask;
  reason: string;
}

/**
 * Enqueues `tasks` on `queueName` at `url` and resolves when every one has finished
 * (calling `onDone` for each), with the failures. An interrupt stops the waiting, not the
 * workers: queued runs go on, and the same sweep command picks them up again.
 */
export async function runOnQueue(url: string, queueName: string, tasks: readonly RunTask[], onDone: (t: RunTask) => void): Promise<QueueFailure[]> {
  const { Queue, QueueEvents } = bullmq();
  const connection = connectionFor(url);
  const queue = new Queue(queueName, { connection });
  const events = new QueueEvents(queueName, { connection });
  const scope = interruptScope();
  const failures: QueueFailure[] = [];
  try {
    await ready(queue, url);
    await ready(events, url);
    const jobs = [];
    for (const task of tasks) {
      const jobId = `run-${shortHash({ dir: task.dir, args: task.args }, 20)}`;
      let job = await queue.getJob(jobId);
      const state = job ? await job.getState() : undefined;
      if (job && (state === "completed" || state === "failed")) {
        await job.remove();
        job = undefined;
      }
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      jobs.push({ task, job: (job ?? (await queue.add("run", task, { jobId, attempts: 1, removeOnComplete: { age: 7 * 24 * 3600 }, removeOnFail: { age: 7 * 24 * 3600 } }))) as any });
    }
    const waits = jobs.map(async ({ task, job }) => {
      try {
        await job.waitUntilFinished(events);
        if (runFinished(task)) onDone(task);
        else failures.push({ task, reason: `a worker finished the run but ${task.resultsFile} is not there: the sweep's output folder must be shared by every worker at the same path` });
      } catch (err) {
        failures.push({ task, reason: (err as Error).message });
      }
    });
    const all = Promise.all(waits);
    await new Promise<void>((resolve, reject) => {
      const poll = setInterval(() => {
        if (scope.signal) {
          clearInterval(poll);
          reject(new InterruptedError(`interrupted (${scope.signal}) while waiting on the queue; the queued runs go on in the workers, and the same command waits for them again`, scope.signal));
        }
      }, 200);
      all.then(
        () => {
          clearInterval(poll);
          resolve();
        },
        (err) => {
          clearInterval(poll);
          reject(err);
        },
      );
    });
    return failures;
  } finally {
    scope.close();
    await events.close();
    await queue.close();
  }
}

export interface WorkerOptions {
  /** Redis URL. */
  queue: string;
  queueName?: string;
  /** Runs at once on this machine (default: one per core). */
  jobs?: number;
  /** Exit after this many seconds without a run (default: never; stop it with Ctrl-C or SIGTERM). */
  idleExitS?: number;
  progress?: Progress;
}

/**
 * Takes runs off the queue until interrupted (or idle for `idleExitS`): each run is a
 * child `kcdl run` (lab/sweep-child.ts); a run that fails fails its job with the end of
 * its log. On SIGINT/SIGTERM the running children are stopped (they write checkpoints)
 * and the worker closes; their jobs fail, and the sweep command re-queues them.
 */
export async function runWorker(opts: WorkerOptions): Promise<{ ran: number; failed: number }> {
  const { Worker } = bullmq();
  const progress = opts.progress ?? silentProgress;
  const connection = connectionFor(opts.queue);
  const jobs = opts.jobs ?? os.availableParallelism();
  if (!Number.isSafeInteger(jobs) || jobs < 1) throw new UsageError(`--jobs expects a positive integer, got ${jobs}`);
  const live = new Set<ChildProcess>();
  const sent = new WeakSet<ChildProcess>();
  let ran = 0;
  let failed = 0;
  let active = 0;
  let lastActivity = Date.now();
  const queueName = opts.queueName ?? DEFAULT_QUEUE_NAME;
  const worker = new Worker(
    queueName,
    async (job) => {
      const task = job.data as RunTask;
      active++;
      progress.log(`worker ${process.pid}: ${task.args.slice(0, 2).join(" ")} → ${task.dir}`);
      try {
        const r = await runChild(task, live);
        if (r.code !== 0 || !runFinished(task)) {
          failed++;
          throw new KcdlError(`kcdl ${task.args.slice(0, 2).join(" ")} in ${task.dir} exited with ${r.code ?? r.signal}: ${r.logTail.split("\n").slice(-3).join(" | ")}`);
        }
        ran++;
        return { dir: task.dir };
      } finally {
        active--;
        lastActivity = Date.now();
      }
    },
    { connection, concurrency: jobs },
  );
  const scope = interruptScope();
  try {
    await ready(worker, opts.queue);
    progress.log(`worker ${process.pid} on ${os.hostname()}: taking runs from queue '${queueName}' at ${opts.queue}, ${jobs} at a time`);
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        const idle = opts.idleExitS !== undefined && active === 0 && Date.now() - lastActivity >= opts.idleExitS * 1000;
        if (scope.signal || idle) {
          clearInterval(poll);
          if (scope.signal) forward(live, scope.signal, sent);
          resolve();
        }
      }, 200);
    });
    await worker.close();
    return { ran, failed };
  } finally {
    scope.close();
  }
}
