import { type CallResult, isSuccessStatus } from '../model/results.js';
import { type Attempted, attemptThen, type Post, type Send, sendWith } from './attempt.js';
import type { Outgoing, RequestMaker } from './outgoing.js';
import type { ResultSink } from './result-sink.js';
import { decideRetry, type RetryPolicy, retryRng } from './retry-policy.js';
import { RetryQueue } from './retry-queue.js';
import type { CallInfo } from './source.js';

export interface SendEngineOptions<C extends CallInfo> {
  requests: RequestMaker<C>;
  retry: RetryPolicy;
  /** Seeds retry jitter (each call draws from its own stream). */
  seed: number;
  /** The wait before a slot's first attempt (--delay), arranged by the caller; default none. */
  delayFor?: (index: number) => number;
}

export interface SendEngineDeps {
  post: Post;
  /** `post` with a callback (`HttpClient.send`), used instead of it when given: no promise per request. */
  send?: Send;
  /** Wall clock, ms since the epoch (fractional is fine). */
  now: () => number;
  /** Wait `ms`; when `signal` aborts, resolve at once. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Aborted = stop: no new calls, waits end, queued retries end as failed. */
  signal?: AbortSignal;
}

/**
 * The life of every call, whoever sends it (fire's executors, replay, serve's
 * dispatcher): its slot, its --delay, its attempts (one `attempt` each), the
 * retry decision, the retry queue, and exactly one final record. Executors
 * decide when calls start; sinks read the records; the engine keeps the
 * counts a drain and a summary need, nothing more.
 */
export class SendEngine<C extends CallInfo> {
  /** Requests on the wire. */
  inFlight = 0;
  /** Calls with a slot that have not ended (delayed, in flight, or waiting to retry). */
  open = 0;
  /** Calls that got a slot. */
  slotted = 0;
  /** When the last call took its slot (ms since the epoch). */
  lastSlotAt: number;
  readonly retries: RetryQueue;
  /**
   * Resolves on the stop (never without a signal). Executors race their
   * waits for an answer against it, so a stop reaches the drain (and its
   * grace period) at once rather than after the slowest receiver's answer.
   */
  readonly whenStopped: Promise<void>;
  private idle: (() => void) | undefined;
  private readonly met: (call: C, status: number | undefined) => boolean;
  private readonly sender: Send;

  constructor(
    private readonly options: SendEngineOptions<C>,
    private readonly deps: SendEngineDeps,
    private readonly sink: Required<ResultSink>,
  ) {
    this.lastSlotAt = deps.now();
    this.retries = new RetryQueue(deps.sleep, deps.signal);
    const { signal } = deps;
    this.whenStopped = new Promise((resolve) => {
      if (signal?.aborted) resolve();
      else signal?.addEventListener('abort', () => resolve(), { once: true });
    });
    this.sender = deps.send ?? sendWith(deps.post);
    this.met = options.requests.met?.bind(options.requests) ?? ((_, status) => isSuccessStatus(status));
  }

  get stopped(): boolean {
    return this.deps.signal?.aborted === true;
  }

  /**
   * A call takes slot `index`, due at `slotAt`: after its --delay (off the
   * schedule), the first attempt. Resolves when the first attempt is
   * answered, or with `untilEnd` when the call has ended (retries included).
   */
  start(call: C, index: number, slotAt: number, duplicate = false, untilEnd = false): Promise<void> {
    this.open++;
    this.slotted++;
    this.lastSlotAt = this.deps.now();
    const delayMs = this.options.delayFor?.(index) ?? 0;
    const o: Outgoing<C> = { call, index, duplicate, delayMs };
    if (delayMs > 0 || untilEnd) return this.startLater(o, slotAt + delayMs, untilEnd);
    // The usual call: one promise, resolved by the first answer.
    return new Promise((answered) => this.send(o, 1, slotAt, answered));
  }

  /** `start` for a call with a --delay, or one awaited to its end (a sequence). */
  private async startLater(o: Outgoing<C>, intendedAt: number, untilEnd: boolean): Promise<void> {
    const ended = untilEnd ? new Promise<void>((r) => (o.ended = r)) : undefined;
    if (o.delayMs > 0) {
      const wait = intendedAt - this.deps.now();
      if (wait > 0) await this.deps.sleep(wait, this.deps.signal);
      if (this.stopped) {
        this.sink.onUnsent({ index: o.index, intendedAt, delayMs: o.delayMs, reason: 'interrupted' }, o.call);
        return this.end(o);
      }
    }
    await new Promise<void>((answered) => this.send(o, 1, intendedAt, answered));
    // Only a sequence waits past the first answer (awaiting nothing would still cost a turn per call).
    if (ended) await ended;
  }

  /** Resolves when no call is open. */
  whenIdle(): Promise<void> {
    return this.open === 0 ? Promise.resolve() : new Promise((r) => (this.idle = r));
  }

  /** One attempt, then its verdict: final, or queued for the next attempt; then `answered`. */
  private send(o: Outgoing<C>, n: number, intendedAt: number, answered?: () => void): void {
    this.inFlight++;
    attemptThen(o, n, intendedAt, this.options.requests, this.sender, this.deps.now, (attempted) => {
      this.inFlight--;
      this.decide(o, n, attempted);
      answered?.();
    });
  }

  private decide(o: Outgoing<C>, n: number, { record, outcome }: Attempted): void {
    if (this.met(o.call, outcome.status)) {
      this.finish(record, o);
      return;
    }
    // Cut off in flight by the stop: the run ended it, not its retries.
    if (outcome.errorKind === 'aborted') {
      record.givenUp = 'interrupted';
      this.finish(record, o);
      return;
    }
    const { retry, seed } = this.options;
    const decision = decideRetry(
      retry,
      n,
      outcome,
      () => (o.rng ??= retryRng(seed, o.index)),
      this.deps.now(),
      o.lastWaitMs,
    );
    if (!decision.retry) {
      // A 2xx that is not the goal (replay expected a refusal): retrying will not change the receiver's mind.
      record.givenUp = decision.reason === 'exhausted' ? 'exhausted' : 'not-retryable';
      this.finish(record, o);
      return;
    }
    if (this.stopped) {
      record.givenUp = 'interrupted';
      this.finish(record, o);
      return;
    }
    o.lastWaitMs = decision.delayMs;
    const waiting: CallResult = { ...record, final: false, retryInMs: decision.delayMs };
    this.sink.onResult(waiting, o.call);
    const dueAt = this.deps.now() + decision.delayMs;
    this.retries.add(
      decision.delayMs,
      () => this.send(o, n + 1, dueAt),
      // The queue is not sent after a stop: the call ends failed, with its last answer.
      () => this.finish({ ...record, givenUp: 'interrupted', cancelled: true }, o),
    );
  }

  private finish(record: CallResult, o: Outgoing<C>): void {
    this.sink.onResult(record, o.call);
    this.end(o);
  }

  private end(o: Outgoing<C>): void {
    o.ended?.();
    this.open--;
    if (this.open === 0) this.idle?.();
  }
}
