import { type CallResult, type DroppedCall, RunMetrics, type UnsentCall } from '../metrics/run-metrics.js';
import type { SimCall } from '../model/events.js';
import type { Pacer } from '../pace/pacer.js';
import type { Rng } from '../random/rng.js';
import type { HttpClient } from '../transport/http.js';
import { type Delivery, type DisorderOptions, delayFor, deliveries } from './disorder.js';
import { type BuiltRequest, buildRequest, type RequestOptions, type Targets, targetFor } from './request.js';
import { type AttemptOutcome, decideRetry, NO_RETRIES, type RetryPolicy, retryRng } from './retry-policy.js';

/**
 * Open model: calls are due on the pacer's schedule whatever the receiver
 * does; a call due while `maxInFlight` are outstanding is dropped (k6's
 * arrival-rate executors). Closed model: `concurrency` senders, each sending
 * its next call as soon as the previous one is answered.
 */
export type LoadModel =
  | { kind: 'open'; pacer: Pacer; maxInFlight: number }
  | { kind: 'closed'; concurrency: number };

export interface FireOptions extends RequestOptions {
  /** Read lazily, one call per send: an endless generator is fine. */
  calls: Iterable<SimCall>;
  targets: Targets;
  model: LoadModel;
  /** Calls at most, duplicates included (default: unbounded; then `durationMs` or the pacer must end the run). */
  count?: number;
  /** Start no call after this many ms (retries of started calls still go). */
  durationMs?: number;
  /** After a stop, wait this long for in-flight calls before aborting them. */
  graceMs?: number;
  /** Retry failed calls (default: never). */
  retry?: RetryPolicy;
  /** Duplicates, reordering and delays (default: none). */
  disorder?: DisorderOptions;
  /** Seeds retry jitter and disorder (default 0). */
  seed?: number;
}

export interface FireDeps {
  http: HttpClient;
  /** Wall clock, ms since the epoch (fractional is fine). */
  now: () => number;
  /** Wait `ms`; when `signal` aborts, resolve at once (and drop the timer). */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Every attempt, and the final result of every call sent. */
  onResult?: (result: CallResult, call: SimCall) => void;
  onDropped?: (dropped: DroppedCall) => void;
  /** A call stopped during its --delay: it had a slot but was never sent. */
  onUnsent?: (unsent: UnsentCall, call: SimCall) => void;
  /** Aborted = stop starting calls (interrupt); in-flight ones get `graceMs`, waiting retries end. */
  signal?: AbortSignal;
  /** Accumulate into these (so a live view can read them); default: new ones. */
  metrics?: RunMetrics;
  /** Encode and sign (default: `buildRequest` on this thread). Called for every attempt: each is signed afresh. */
  build?: (call: SimCall, url: URL) => BuiltRequest | Promise<BuiltRequest>;
}

export interface FireSummary {
  metrics: RunMetrics;
  /** Calls the run meant to make, duplicates included: ok + failed + dropped + unsent. */
  planned: number;
  /** Calls never sent because the run was stopped (not started, or stopped during their --delay). */
  unsent: number;
  durationMs: number;
  interrupted: boolean;
  /** In-flight requests cut off when the grace period ran out. */
  aborted: number;
  model: LoadModel['kind'];
  retry: RetryPolicy;
  disorder: DisorderOptions;
}

/** A call that has its slot: everything its attempts share. */
interface Started {
  call: SimCall;
  index: number;
  duplicate: boolean;
  delayMs: number;
  rng?: Rng;
  /** The last retry wait (decorrelated jitter grows from it). */
  lastWaitMs?: number;
}

/**
 * Send calls, paced by the model. The loop only schedules: a call's --delay
 * and its retry waits happen off the loop (a mail platform's retry queue is
 * not its send schedule), and a waiting call is not in flight. Every call
 * that gets a slot ends exactly once: ok, failed (after its retries) or
 * unsent (stopped during its delay). Memory stays constant whatever the count.
 */
export async function fire(options: FireOptions, deps: FireDeps): Promise<FireSummary> {
  const start = deps.now();
  const metrics = deps.metrics ?? new RunMetrics(start);
  const build = deps.build ?? ((call: SimCall, url: URL) => buildRequest(call, url, options));
  const count = options.count ?? Number.POSITIVE_INFINITY;
  const endAt = start + (options.durationMs ?? Number.POSITIVE_INFINITY);
  const stopped = (): boolean => deps.signal?.aborted === true;
  const policy = options.retry ?? NO_RETRIES;
  const disorder = options.disorder ?? {};
  const seed = options.seed ?? 0;

  let planned: number;
  if (options.model.kind === 'open') {
    const { pacer } = options.model;
    const byTime = options.durationMs !== undefined ? pacer.countBefore(options.durationMs) : Infinity;
    planned = Math.min(count, byTime, pacer.countBefore(pacer.endMs));
    if (!Number.isFinite(planned)) throw new Error('an open-model run needs a count, a duration or stages');
  } else planned = count;

  const iterator = deliveries(options.calls, disorder, seed, planned, (c) => c.event.id)[Symbol.iterator]();
  let exhausted = false;
  const nextCall = (): Delivery<SimCall> | undefined => {
    if (exhausted) return undefined;
    const next = iterator.next();
    if (next.done) {
      exhausted = true;
      return undefined;
    }
    return next.value;
  };

  let inFlight = 0;
  /** Calls with a slot that have not ended yet (delayed, in flight, or waiting for a retry). */
  let open = 0;
  /** Calls that got a slot (not dropped). */
  let slotted = 0;
  let idle: (() => void) | undefined;

  const end = (): void => {
    open--;
    if (open === 0) idle?.();
  };
  const finish = (result: CallResult, s: Started): void => {
    metrics.record(result);
    deps.onResult?.(result, s.call);
    end();
  };

  /** One request of a call; resolves when it is answered (a retry is left waiting, not awaited). */
  const attempt = async (s: Started, n: number, intendedAt: number): Promise<void> => {
    inFlight++;
    let url: URL | undefined;
    let outcome: AttemptOutcome;
    let sentAt: number;
    let latencyMs = 0;
    let error: string | undefined;
    try {
      url = targetFor(s.call, options.targets);
      const req = await build(s.call, url);
      sentAt = deps.now();
      const res = await deps.http.post(url, req.headers, req.body);
      latencyMs = res.latencyMs;
      outcome = {
        ...(res.status !== undefined ? { status: res.status } : {}),
        ...(res.errorKind ? { errorKind: res.errorKind } : {}),
        ...(res.retryAfter !== undefined ? { retryAfter: res.retryAfter } : {}),
      };
      if (res.errorKind) error = res.error ?? res.errorKind;
    } catch (err) {
      sentAt = deps.now();
      outcome = { errorKind: 'other', local: true };
      error = (err as Error).message;
    }
    inFlight--;
    const result: CallResult = {
      index: s.index,
      attempt: n,
      final: true,
      id: s.call.event.id,
      type: s.call.event.type,
      scenario: s.call.scenario,
      style: s.call.style,
      recipient: s.call.event.recipient,
      url: url?.href ?? '',
      intendedAt,
      sentAt,
      latencyMs,
      ...(outcome.status !== undefined ? { status: outcome.status } : {}),
      ...(outcome.errorKind ? { errorKind: outcome.errorKind, error: error ?? outcome.errorKind } : {}),
      ...(s.duplicate ? { duplicate: true } : {}),
      ...(n === 1 && s.delayMs > 0 ? { delayMs: s.delayMs } : {}),
    };
    s.rng ??= retryRng(seed, s.index);
    const decision = decideRetry(policy, n, outcome, s.rng, deps.now(), s.lastWaitMs);
    if (!decision.retry) {
      if (decision.reason !== 'ok') result.givenUp = decision.reason;
      return finish(result, s);
    }
    if (stopped()) return finish({ ...result, givenUp: 'interrupted' }, s);
    // Not final: log it, wait off the schedule, then the next attempt (signed afresh).
    s.lastWaitMs = decision.delayMs;
    const waiting: CallResult = { ...result, final: false, retryInMs: decision.delayMs };
    metrics.record(waiting);
    deps.onResult?.(waiting, s.call);
    const dueAt = deps.now() + decision.delayMs;
    metrics.waitingRetry++;
    void deps.sleep(decision.delayMs, deps.signal).then(() => {
      metrics.waitingRetry--;
      if (stopped()) {
        // The retry queue is not sent after a stop: the call ends failed, with its last answer.
        const { retryInMs: _, ...last } = waiting;
        finish({ ...last, final: true, givenUp: 'interrupted', cancelled: true }, s);
      } else void attempt(s, n + 1, dueAt);
    });
  };

  /**
   * A call takes its slot: after its --delay (off the schedule), the first
   * attempt. Resolves when the first attempt is answered.
   */
  const startCall = async (d: Delivery<SimCall>, index: number, slotAt: number): Promise<void> => {
    open++;
    slotted++;
    const delayMs = disorder.delay ? delayFor(disorder.delay, seed, index) : 0;
    const s: Started = { call: d.item, index, duplicate: d.duplicate, delayMs };
    const intendedAt = slotAt + delayMs;
    if (delayMs > 0) {
      const wait = intendedAt - deps.now();
      if (wait > 0) await deps.sleep(wait, deps.signal);
      if (stopped()) {
        deps.onUnsent?.({ index, intendedAt, delayMs, reason: 'interrupted' }, d.item);
        return end();
      }
    }
    await attempt(s, 1, intendedAt);
  };

  if (options.model.kind === 'open') {
    const { pacer, maxInFlight } = options.model;
    // Past the schedule's end (duration or last stage), calls still not started are dropped:
    // a generator that falls behind says so instead of stretching the run.
    const windowEnd = start + (options.durationMs ?? pacer.endMs);
    let n = 0;
    let burst = 0;
    /** A call generated ahead of its time (kept across drops: events are not wasted). */
    let ready: Delivery<SimCall> | undefined;
    while (n < planned && !stopped() && !exhausted) {
      const intendedAt = start + pacer.dueAt(n);
      if (intendedAt < windowEnd && deps.now() >= windowEnd) {
        for (; n < planned; n++) {
          const d = { index: n, intendedAt: start + pacer.dueAt(n), reason: 'late' as const };
          metrics.recordDropped(d);
          deps.onDropped?.(d);
        }
        break;
      }
      let wait = intendedAt - deps.now();
      if (wait > 0) {
        burst = 0;
        // Generate the next call while waiting, so its cost is not schedule lag.
        if (ready === undefined && !exhausted) {
          ready = nextCall();
          wait = intendedAt - deps.now();
        }
        if (wait > 0) {
          await (wait >= 1 ? deps.sleep(wait, deps.signal) : yieldTurn());
          continue;
        }
      }
      if (inFlight >= maxInFlight) {
        const d = { index: n, intendedAt, reason: 'in-flight' as const };
        metrics.recordDropped(d);
        deps.onDropped?.(d);
      } else {
        const call = ready ?? nextCall();
        ready = undefined;
        if (!call) break;
        void startCall(call, n, intendedAt);
      }
      n++;
      // Behind schedule: still let responses and timers in now and then.
      if (++burst % 64 === 0) await yieldTurn();
    }
  } else {
    const { concurrency } = options.model;
    let next = 0;
    // Each sender waits for its call's delay and first answer; retries go to the retry queue.
    const worker = async (): Promise<void> => {
      while (next < count && !stopped() && deps.now() < endAt) {
        const call = nextCall();
        if (!call) return;
        const index = next++;
        await startCall(call, index, deps.now());
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    if (!Number.isFinite(count)) planned = slotted;
  }

  // Drain: wait for every call to end (in flight, delayed, waiting to retry);
  // after a stop, waits end at once and requests in flight get the grace period.
  let aborted = 0;
  if (open > 0) {
    const drained = new Promise<void>((r) => {
      idle = r;
    });
    const graceOver = new Promise<'grace'>((resolve) => {
      const onAbort = (): void => {
        const t = setTimeout(() => resolve('grace'), options.graceMs ?? 5000);
        void drained.then(() => clearTimeout(t));
      };
      if (stopped()) onAbort();
      else deps.signal?.addEventListener('abort', onAbort, { once: true });
    });
    if ((await Promise.race([drained, graceOver])) === 'grace') {
      aborted = inFlight;
      await deps.http.destroy();
      await drained;
    }
  }
  if (exhausted && planned > slotted + metrics.dropped) planned = slotted + metrics.dropped;
  // Every call with a slot ended ok, failed or unsent (delayed); the rest never got one.
  const unsent = planned - metrics.ok - metrics.failed - metrics.dropped;
  metrics.unsent = unsent;
  return {
    metrics,
    planned,
    unsent,
    durationMs: deps.now() - start,
    interrupted: stopped(),
    aborted,
    model: options.model.kind,
    retry: policy,
    disorder,
  };
}

const yieldTurn = (): Promise<void> => new Promise((r) => setImmediate(r));
