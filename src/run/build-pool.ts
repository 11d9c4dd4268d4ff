import type { Worker } from 'node:worker_threads';
import type { GenerateOptions } from '../generate/events.js';
import type { CallType } from '../model/events.js';
import { startWorker } from '../pace/precise-sleep.js';
import { type PackedStrings, StringReader } from './packed-strings.js';
import { type PortableRequest, portableRequest } from './portable-request.js';
import type { RequestOptions, Targets } from './request.js';
import type { CallSource, PreparedCall } from './source.js';

/** What a build worker needs to rebuild the run's generator and request options (all cloneable). */
export interface BuildWorkerInit {
  generate: Omit<GenerateOptions, 'clock'> & { clockBase: number | 'now' };
  request: PortableRequest;
  /** Targets as hrefs (a URL does not cross threads). */
  targets: Partial<Record<keyof Targets, string>>;
  /** Run below the main thread's priority (BuildPoolOptions.yieldToSender). */
  yieldToSender: boolean;
}

/** Main → worker: build scenario instances `from` (inclusive) to `to` (exclusive). */
export interface JobMessage {
  job: number;
  from: number;
  to: number;
}

/**
 * Worker → main: `count` calls. Per call, `strings` holds id, type,
 * recipient, scenario, style, defects (comma-separated, '' for none), then
 * one value per header name, as bytes decoded when the call is read (so
 * they never live long on the main thread's heap); bodies lie end to end in
 * `bytes`, call k ending at `ends[k]`.
 */
export interface BatchMessage {
  job: number;
  /** Scenario instances built (the job's size). */
  instances: number;
  count: number;
  headerNames: string[];
  strings: PackedStrings;
  bytes: ArrayBuffer;
  ends: Uint32Array;
  busyMs: number;
}

export interface BuildPoolOptions {
  /** The run's generator options; `clockBase` replaces the clock function (seeded base or 'now'). */
  generate: Omit<GenerateOptions, 'clock'>;
  clockBase: number | 'now';
  request: RequestOptions;
  targets: Targets;
  /**
   * Scenario instances per job at most. An open run at a low rate wants
   * small jobs, so calls (their event time and Date header) are not built
   * long before they are sent.
   */
  maxJobSize?: number;
  /**
   * Scenario instances to keep built or being built ahead of the reader, at
   * least (default: two jobs per worker). An open run keeps ~40 ms of its
   * schedule ahead, so a worker that is briefly descheduled costs no lag,
   * yet a batch is read and gone before it outlives two scavenges (promoted,
   * its buffers would wait for a mark-compact).
   */
  minAhead?: number;
  /**
   * The workers share the sender's cores (as many workers as cores or more):
   * they run at a lower priority, so a job never holds the core while a call
   * is due. A worker only has to stay ahead of the sender, and takes every
   * moment the main thread waits for the network.
   */
  yieldToSender?: boolean;
  /**
   * Build this many scenario instances of a range the run never reads
   * before the run's own (see `warmUpCalls`): the run's own kinds of calls,
   * bodies, defects and batches, to warm the send path with.
   */
  warmUpInstances?: number;
}

/**
 * Aim for jobs of about this much worker time: waking an idle thread costs
 * tens of µs (more on a VM), so a job must be worth it; an open run caps
 * jobs by its rate anyway (`maxJobSize`).
 */
const JOB_MS = 10;
/** Body bytes per batch at most, roughly (a batch is one allocation, alive until read). */
const BATCH_BYTES = 4 << 20;
const FIRST_JOB_SIZE = 8;
/** Strings per call before its header values (see BatchMessage). */
export const CALL_FIELDS = 6;
/**
 * The first scenario instance of the warm-up range, far past any run's
 * (instance i depends only on the seed and i, so the run's own calls are
 * the same whether or not these were built).
 */
export const WARM_UP_INSTANCE = 2 ** 31;

/**
 * Worker threads that generate, encode and sign calls by ranges of
 * scenario instances, so the main thread only sends. Scenario instance i
 * depends only on (seed, i), so calls come out byte for byte as the main
 * thread would build them, in the same order, whatever the number of
 * workers. Jobs are handed out only while fewer than `2 × size` are
 * waiting to be read (backpressure); batches come back as transferred
 * buffers, not copies.
 */
export class BuildPool implements CallSource {
  private readonly workers: { worker: Worker; jobs: number }[] = [];
  private readonly batches = new Map<number, BatchMessage>();
  private readonly waiters: {
    resolve: (call: PreparedCall | undefined) => void;
    reject: (e: Error) => void;
  }[] = [];
  private readonly depth: number;
  private readonly minAhead: number;
  /** Scenario instances in jobs handed out and not yet being read. */
  private aheadInstances = 0;
  private readonly maxJobSize: number;
  private jobSize = FIRST_JOB_SIZE;
  private msPerInstance: number | undefined;
  private bytesPerInstance = 0;
  /** Next scenario instance to hand out, next job number to hand out. */
  private nextInstance = 0;
  private nextJob = 0;
  /** Warm-up instances not yet handed out; the first job of the run's own instances (not known yet: Infinity). */
  private warmUpLeft: number;
  private readonly warmUpTotal: number;
  private firstRunJob: number;
  /** The warm-up is reading: reads stop before the run's first job. */
  private warmingUp: boolean;
  /** The batch being read, its job number and read position. */
  private current: BatchMessage | undefined;
  private currentStrings: StringReader | undefined;
  private currentJob = -1;
  private position = 0;
  private failure: Error | undefined;
  private closed = false;
  private warm: (() => void) | undefined;
  private onFailure: ((err: Error) => void) | undefined;
  private readonly warmed: Promise<void>;
  /** Sum of the time the workers spent building, ms. */
  busyMs = 0;
  /** Calls built by the workers. */
  built = 0;

  constructor(size: number, options: BuildPoolOptions) {
    if (!(size >= 1)) throw new Error('a build pool needs at least one worker');
    this.depth = 2 * size;
    this.minAhead = options.minAhead ?? 0;
    this.maxJobSize = Math.max(1, Math.floor(options.maxJobSize ?? 1024));
    this.warmUpTotal = Math.max(0, Math.floor(options.warmUpInstances ?? 0));
    this.warmUpLeft = this.warmUpTotal;
    this.firstRunJob = this.warmUpTotal > 0 ? Number.POSITIVE_INFINITY : 0;
    this.warmingUp = this.warmUpTotal > 0;
    // The first jobs (before any timing) share out `minAhead` among `depth` jobs.
    this.jobSize = Math.min(this.maxJobSize, Math.max(FIRST_JOB_SIZE, Math.ceil(this.minAhead / this.depth)));
    this.warmed = new Promise((r) => {
      this.warm = r;
    });
    const init = workerInit(options);
    for (let i = 0; i < size; i++) {
      const worker = startWorker(new URL('./build-worker.js', import.meta.url), {
        workerData: init,
        // Batches are short-lived garbage: a smaller young generation costs no time and ~35 MB of RSS a worker.
        resourceLimits: { maxYoungGenerationSizeMb: 8 },
      });
      const slot = { worker, jobs: 0 };
      worker.on('message', (batch: BatchMessage) => {
        slot.jobs--;
        // Warm once the jobs handed out at the start are all back.
        if (batch.job < this.firstFill && ++this.firstBack === this.firstFill) this.warm?.();
        this.received(batch);
      });
      worker.on('error', (err) => this.fail(err));
      worker.on('exit', (code) => {
        if (!this.closed) this.fail(new Error(`a build worker stopped (exit code ${code})`));
      });
      // Workers keep the process alive only while someone waits on them (see `hold`):
      // a pool left unclosed never keeps a finished program running.
      worker.unref();
      this.workers.push(slot);
    }
    this.fill();
    this.firstFill = this.nextJob;
  }

  /** Jobs handed out at the start, and how many of them are back. */
  private firstFill = 0;
  private firstBack = 0;

  get size(): number {
    return this.workers.length;
  }

  /** Resolves once the workers are warm and the first jobs are back (start-up is not part of a run). */
  async ready(): Promise<void> {
    if (this.failure) throw this.failure;
    this.hold(1);
    try {
      await Promise.race([
        this.warmed,
        new Promise<void>((_, reject) => {
          this.onFailure = reject;
        }),
      ]);
    } finally {
      this.hold(-1);
    }
  }

  /** Callers waiting on the workers; while there are any, the workers keep the process alive. */
  private holders = 0;
  private hold(delta: number): void {
    const before = this.holders;
    this.holders += delta;
    if (this.closed) return;
    if (before === 0 && this.holders > 0) for (const w of this.workers) w.worker.ref();
    else if (before > 0 && this.holders === 0) for (const w of this.workers) w.worker.unref();
  }

  /** The next call in order; a promise only when its batch is not back yet. */
  next(): PreparedCall | undefined | Promise<PreparedCall | undefined> {
    if (this.failure) throw this.failure;
    if (this.closed) return undefined;
    if (this.waiters.length === 0) {
      const call = this.take();
      if (call !== undefined) return call;
    }
    this.hold(1);
    return new Promise<PreparedCall | undefined>((resolve, reject) =>
      this.waiters.push({ resolve, reject }),
    ).finally(() => this.hold(-1));
  }

  /** Stop the workers; calls still awaited get `undefined` (no more calls). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.waiters.splice(0)) w.resolve(undefined);
    // Held while they stop, so whoever awaits this is not left behind by an event loop with nothing to do.
    for (const w of this.workers) w.worker.ref();
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }

  /**
   * The warm-up range's calls (`warmUpInstances`), read as the run reads
   * its own: the same batches, call objects and bodies, so the send path
   * the run is about to use is compiled for them; `undefined` after the
   * last. Nothing of it is counted in `built` or `busyMs`. Call
   * `endWarmUp()` before the run reads its first call.
   */
  warmUpCalls(): CallSource {
    return { next: () => (this.warmUpRead() ? undefined : this.next()) };
  }

  /** The warm-up is over (read or not): its unread calls are dropped, and reads go on with the run's first call. */
  endWarmUp(): void {
    if (!this.warmingUp) return;
    this.warmingUp = false;
    // Warm-up calls still awaited get `undefined`: the run's calls are only ever the run's.
    for (const w of this.waiters.splice(0)) w.resolve(undefined);
    if (this.firstRunJob === Number.POSITIVE_INFINITY) {
      this.warmUpLeft = 0;
      this.firstRunJob = this.nextJob;
    }
    for (const [job, batch] of this.batches)
      if (job < this.firstRunJob) {
        this.batches.delete(job);
        this.aheadInstances -= batch.instances;
      }
    this.current = undefined;
    this.currentStrings = undefined;
    this.currentJob = this.firstRunJob - 1;
    this.position = 0;
    this.fill();
  }

  /** Every warm-up call has been read (the next one to read is the run's). */
  private warmUpRead(): boolean {
    if (!this.warmingUp) return true;
    const inHand = this.current !== undefined && this.position < this.current.count;
    return !inHand && this.nextIsRunJob();
  }

  /** The next batch to read is the run's first (or later): a warm-up read stops before it. */
  private nextIsRunJob(): boolean {
    return this.currentJob + 1 >= this.firstRunJob;
  }

  /** A call from the batch in hand or the next one, if it is back. */
  private take(): PreparedCall | undefined {
    for (;;) {
      const batch = this.current;
      if (batch !== undefined && this.position < batch.count)
        return prepared(batch, this.currentStrings!, this.position++);
      // While warming up, reads stop at the run's first job.
      if (this.warmingUp && this.nextIsRunJob()) return undefined;
      const next = this.batches.get(this.currentJob + 1);
      if (next === undefined) return undefined;
      this.batches.delete(this.currentJob + 1);
      this.aheadInstances -= next.instances;
      this.current = next;
      this.currentStrings = new StringReader(next.strings);
      this.currentJob++;
      this.position = 0;
      this.fill();
    }
  }

  private received(batch: BatchMessage): void {
    if (batch.job >= this.firstRunJob) {
      this.busyMs += batch.busyMs;
      this.built += batch.count;
    }
    // A warm-up batch that came back after the warm-up ended is dropped.
    if (batch.job <= this.currentJob) this.aheadInstances -= batch.instances;
    else this.batches.set(batch.job, batch);
    // Size later jobs to about JOB_MS of work. A batch's time is wall time: a worker that was
    // descheduled looks slow, never fast. So the estimate drops at once to a faster batch and
    // creeps up (10% a batch) on slower ones.
    if (batch.instances > 0 && batch.busyMs > 0) {
      const perInstance = batch.busyMs / batch.instances;
      this.msPerInstance =
        this.msPerInstance === undefined ? perInstance : Math.min(perInstance, this.msPerInstance * 1.1);
    }
    // And to at most BATCH_BYTES of bodies (heavy bounces with attachments).
    if (batch.instances > 0) {
      const bytes = batch.bytes.byteLength / batch.instances;
      this.bytesPerInstance = Math.max(bytes, 0.9 * this.bytesPerInstance);
    }
    if (this.msPerInstance !== undefined) {
      const byTime = Math.max(
        Math.min(FIRST_JOB_SIZE, this.maxJobSize),
        Math.round(JOB_MS / this.msPerInstance),
      );
      const byBytes = Math.floor(BATCH_BYTES / Math.max(1, this.bytesPerInstance));
      this.jobSize = Math.max(1, Math.min(this.maxJobSize, byTime, byBytes));
    }
    while (this.waiters.length > 0 && !this.closed) {
      const call = this.take();
      if (call === undefined) break;
      this.waiters.shift()!.resolve(call);
    }
    // The warm-up's last call was read: whoever still waits for one gets none.
    if (this.warmingUp && this.warmUpRead()) for (const w of this.waiters.splice(0)) w.resolve(undefined);
    this.fill();
  }

  /** Hand out jobs until `depth` jobs and `minAhead` instances are built or being built ahead of the reader. */
  private fill(): void {
    if (this.closed || this.failure) return;
    while (this.nextJob - this.currentJob - 1 < this.depth || this.aheadInstances < this.minAhead) {
      let slot = this.workers[0]!;
      for (const w of this.workers) if (w.jobs < slot.jobs) slot = w;
      const job = this.nextJobMessage();
      this.aheadInstances += job.to - job.from;
      slot.jobs++;
      slot.worker.postMessage(job);
    }
  }

  /** The next job: the warm-up range first (never past its end), then the run's instances from 0. */
  private nextJobMessage(): JobMessage {
    const job = this.nextJob++;
    if (this.warmUpLeft === 0) {
      const from = this.nextInstance;
      this.nextInstance += this.jobSize;
      return { job, from, to: this.nextInstance };
    }
    const size = Math.min(this.jobSize, this.warmUpLeft);
    const from = WARM_UP_INSTANCE + this.warmUpTotal - this.warmUpLeft;
    this.warmUpLeft -= size;
    if (this.warmUpLeft === 0) this.firstRunJob = this.nextJob;
    return { job, from, to: from + size };
  }

  private fail(err: Error): void {
    if (this.failure || this.closed) return;
    this.failure = err;
    this.onFailure?.(err);
    for (const w of this.waiters.splice(0)) w.reject(err);
  }
}

function workerInit(options: BuildPoolOptions): BuildWorkerInit {
  const targets: BuildWorkerInit['targets'] = {};
  for (const [key, url] of Object.entries(options.targets) as Array<[keyof Targets, URL | undefined]>)
    if (url) targets[key] = url.href;
  return {
    generate: { ...options.generate, clockBase: options.clockBase },
    request: portableRequest(options.request),
    targets,
    yieldToSender: options.yieldToSender === true,
  };
}

/** Call `k` of a batch, its headers flat as undici takes them and its body a view on the batch's buffer. */
function prepared(batch: BatchMessage, strings: StringReader, k: number): PreparedCall {
  const names = batch.headerNames;
  const s = strings.call(k);
  const headers: string[] = new Array(2 * names.length);
  for (let h = 0; h < names.length; h++) {
    headers[2 * h] = names[h]!;
    headers[2 * h + 1] = s[CALL_FIELDS + h]!;
  }
  const start = k === 0 ? 0 : batch.ends[k - 1]!;
  return {
    event: { id: s[0]!, type: s[1] as CallType, recipient: s[2]! },
    scenario: s[3]!,
    style: s[4]!,
    ...(s[5] ? { defects: { kinds: s[5]!.split(',') } } : {}),
    request: { headers, body: Buffer.from(batch.bytes, start, batch.ends[k]! - start) },
  };
}
