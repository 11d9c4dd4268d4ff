import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Sleeps that end within a fraction of a millisecond. Node's timers count
 * whole milliseconds and often fire a millisecond late; spinning on
 * setImmediate is precise but burns a core (and a spinning thread is the
 * first the scheduler preempts on a busy machine). Here a helper thread
 * sleeps in the kernel for the exact time and wakes the event loop, which
 * meanwhile sleeps too, answering sockets as it would.
 */
export class PreciseSleeper {
  private readonly worker: Worker;
  private readonly control: Int32Array;
  private readonly deadline: Float64Array;
  private pending: { seq: number; resolve: () => void } | undefined;
  private closed = false;

  constructor() {
    const buffer = new SharedArrayBuffer(16);
    this.control = new Int32Array(buffer, 0, 2);
    this.deadline = new Float64Array(buffer, 8, 1);
    this.worker = startWorker(new URL('./timer-worker.js', import.meta.url), {
      workerData: { buffer },
      // A loop over one shared buffer: the smallest heap will do.
      resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 },
    });
    this.worker.on('message', (seq: number) => {
      const p = this.pending;
      if (p && p.seq === seq) {
        this.pending = undefined;
        // Only a pending sleep keeps the process alive (a newer sleep refs it again).
        if (!this.closed) this.worker.unref();
        p.resolve();
      }
    });
    this.worker.unref();
  }

  /**
   * Resolve after `ms` (fractional is fine); a newer sleep replaces (and
   * resolves) a pending one. One promise per sleep: the open model sleeps
   * once per call at a few thousand calls a second.
   */
  sleep(ms: number): Promise<void> {
    if (this.closed || !(ms > 0)) return Promise.resolve();
    const replaced = this.pending;
    this.deadline[0] = monotonicMs() + ms;
    const seq = Atomics.add(this.control, 0, 1) + 1;
    const done = new Promise<void>((resolve) => {
      this.pending = { seq, resolve };
    });
    if (replaced) replaced.resolve();
    else this.worker.ref();
    Atomics.notify(this.control, 0);
    return done;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.pending?.resolve();
    this.pending = undefined;
    Atomics.store(this.control, 1, 1);
    Atomics.add(this.control, 0, 1);
    Atomics.notify(this.control, 0);
    // Held while it stops, so whoever awaits this is not left behind by an event loop with nothing to do.
    this.worker.ref();
    await this.worker.terminate();
  }
}

function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/**
 * Node flags for a worker: undefined (inherit the parent's) unless the parent
 * has `--input-type`, which Node refuses for a worker running a file
 * (`node --input-type=module -e` using this library would fail to start its
 * workers). Passed explicitly, flags are checked, and some Node versions
 * list process-wide options in `execArgv` that a worker may not take (Node
 * 24's test runner does): those are dropped, since they already apply.
 */
function workerExecArgv(): string[] | undefined {
  const argv = process.execArgv;
  if (!argv.some((a) => a.startsWith('--input-type'))) return undefined;
  return argv.filter((a, i, all) => !a.startsWith('--input-type') && all[i - 1] !== '--input-type');
}

/** `new Worker` with `workerExecArgv()`, falling back to no flags where Node refuses some. */
export function startWorker(url: URL, options: WorkerOptions): Worker {
  const execArgv = workerExecArgv();
  if (!execArgv) return new Worker(url, options);
  try {
    return new Worker(url, { ...options, execArgv });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw err;
    return new Worker(url, { ...options, execArgv: [] });
  }
}
