import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { RunMetrics } from '../../metrics/run-metrics.js';
import type { SimCall } from '../../model/events.js';
import type { CallResult } from '../../model/results.js';
import { type FireSummary, fire } from '../../run/fire.js';
import type { RequestOptions, Targets } from '../../run/request.js';
import type { RetryPolicy } from '../../run/retry-policy.js';
import { SignPool } from '../../run/sign-pool.js';
import type { HttpClient } from '../../transport/http.js';
import { DueQueue } from './due-queue.js';

export interface DispatcherOptions {
  request: RequestOptions;
  /** Read at every attempt: a URL configured later (POST /v1/webhook) applies to calls still to come. */
  targets: Targets;
  retry: RetryPolicy;
  http: HttpClient;
  /** Calls in flight at most (the engine's closed model). */
  concurrency: number;
  /** Signed calls: sign on this many worker threads (0 or absent: on the event loop). */
  signWorkers?: number;
  seed: number;
  /** Every attempt, and every call's final result. */
  onResult: (call: SimCall, result: CallResult) => void;
  /** Calls with the same key (a message id) start one after another's first answer (DueQueue). */
  orderKey?: (call: SimCall) => string | undefined;
}

/**
 * serve's webhook dispatcher: the same engine as `fire` (signing, dialects,
 * retries, accounting), fed by a queue that answers when a call is due. It
 * runs until stopped.
 */
export class Dispatcher {
  private readonly queue: DueQueue;
  private readonly abort = new AbortController();
  readonly metrics = new RunMetrics(Date.now());
  private readonly done: Promise<FireSummary>;
  private readonly signPool: SignPool | undefined;

  constructor(options: DispatcherOptions) {
    // Every retry waiting for its time listens on the stop signal: thousands at once is normal, not a leak.
    setMaxListeners(0, this.abort.signal);
    this.queue = new DueQueue(Date.now, options.orderKey);
    const pool =
      options.request.signing && options.signWorkers
        ? new SignPool(options.request, options.signWorkers)
        : undefined;
    this.signPool = pool;
    this.done = fire(
      {
        ...options.request,
        calls: this.queue,
        targets: options.targets,
        model: { kind: 'closed', concurrency: options.concurrency },
        retry: options.retry,
        seed: options.seed,
        graceMs: 2000,
      },
      {
        http: options.http,
        now: Date.now,
        sleep: (ms, signal) => sleep(ms, undefined, signal ? { signal } : undefined).catch(() => undefined),
        signal: this.abort.signal,
        metrics: this.metrics,
        onResult: (result, call) => {
          if (result.attempt === 1) this.queue.answered(call as SimCall);
          options.onResult(call as SimCall, result);
        },
        ...(pool ? { build: (call: SimCall, url: URL) => pool.build(call, url) } : {}),
      },
    );
  }

  /** Send `call` at `at` (ms since the epoch; now or earlier: at once). */
  schedule(call: SimCall, at: number): void {
    this.queue.push(call, at);
  }

  get waiting(): number {
    return this.queue.size;
  }

  /** Stop: no new calls; in-flight ones get a grace period; waiting retries end (they stay pending in the store). */
  async stop(): Promise<FireSummary> {
    this.queue.close();
    this.abort.abort();
    const summary = await this.done;
    await this.signPool?.close();
    return summary;
  }
}
