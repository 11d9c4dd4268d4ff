import { type CallResult, type DroppedCall, RunMetrics, type UnsentCall } from '../metrics/run-metrics.js';
import type { SimCall } from '../model/events.js';
import type { Pacer } from '../pace/pacer.js';
import type { Rng } from '../random/rng.js';
import type { HttpClient } from '../transport/http.js';
import { type Delivery, type DisorderOptions, delayFor, deliveries, reshuffles } from './disorder.js';
import { type BuiltRequest, buildRequest, type RequestOptions, type Targets, targetFor } from './request.js';
import { type AttemptOutcome, decideRetry, NO_RETRIES, type RetryPolicy, retryRng } from './retry-policy.js';
import { type CallInfo, type CallSource, isPrepared, type PreparedCall } from './source.js';

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
  /**
   * Read lazily, one call per send: an endless generator is fine. A source
   * may answer later, and may give calls whose request is already built
   * (worker threads); those are sent as built, retries included, and cannot
   * be duplicated or reordered (that needs calls to sign afresh).
   */
  calls: Iterable<SimCall> | CallSource;
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
  /**
   * A sleep that keeps sub-millisecond time (the open model waits for each
   * call's due time with it). Default: `sleep` for a millisecond or more,
   * else a turn of the event loop.
   */
  preciseSleep?: (ms: number) => Promise<void>;
  /** Every attempt, and the final result of every call sent. */
  onResult?: (result: CallResult, call: CallInfo) => void;
  onDropped?: (dropped: DroppedCall) => void;
  /** A call stopped during its --delay: it had a slot but was never sent. */
  onUnsent?: (unsent: UnsentCall, call: CallInfo) => void;
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
  /**
   * The span the achieved rate is measured over. Open model: the schedule
   * the calls were due in, from the first due time to one interval after the
   * last (n calls at r/s span n/r s), longer when calls started late. Closed
   * model: the run.
   */
  rateWindowMs: number;
  interrupted: boolean;
  /** In-flight requests cut off when the grace period ran out. */
  aborted: number;
  model: LoadModel['kind'];
  retry: RetryPolicy;
  disorder: DisorderOptions;
}

type Call = SimCall | PreparedCall;

/** A call that has its slot: everything its attempts share. */
interface Started {
  call: Call;
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
  const { preciseSleep } = deps;
  // Under ~0.1 ms a turn of the loop (sockets answered meanwhile) is as close as a thread wake-up gets.
  const waitFor = (ms: number): Promise<void> =>
    preciseSleep && ms >= 0.1 ? preciseSleep(ms) : ms >= 1 ? deps.sleep(ms, deps.signal) : yieldTurn();

  let planned: number;
  if (options.model.kind === 'open') {
    const { pacer } = options.model;
    const byTime = options.durationMs !== undefined ? pacer.countBefore(options.durationMs) : Infinity;
    planned = Math.min(count, byTime, pacer.countBefore(pacer.endMs));
    if (!Number.isFinite(planned)) throw new Error('an open-model run needs a count, a duration or stages');
  } else planned = count;

  const source = deliverySource(options.calls, disorder, seed, planned);
  let exhausted = false;
  const noMore = (d: Delivery<Call> | undefined): Delivery<Call> | undefined => {
    if (d === undefined) exhausted = true;
    return d;
  };
  /** The next call; a promise only when the source has none ready yet. */
  const nextCall = (): Delivery<Call> | undefined | Promise<Delivery<Call> | undefined> => {
    if (exhausted) return undefined;
    const next = source();
    return next instanceof Promise ? next.then(noMore) : noMore(next);
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
      // A prepared call goes as built; ours are signed afresh for every attempt.
      const built = isPrepared(s.call) ? s.call.request : build(s.call, url);
      // A request built on this thread goes out in the same turn (no await, no microtask).
      const req = built instanceof Promise ? await built : built;
      sentAt = deps.now();
      const res = await deps.http.post(url, req.headers, req.body);
      latencyMs = res.latencyMs;
      outcome = {};
      if (res.status !== undefined) outcome.status = res.status;
      if (res.errorKind) {
        outcome.errorKind = res.errorKind;
        error = res.error ?? res.errorKind;
      }
      if (res.retryAfter !== undefined) outcome.retryAfter = res.retryAfter;
    } catch (err) {
      sentAt = deps.now();
      outcome = { errorKind: 'other', local: true };
      error = (err as Error).message;
    }
    inFlight--;
    const result = callResult(s.call, s.index, n, url ? hrefOf(url) : '', intendedAt, sentAt, latencyMs);
    if (outcome.status !== undefined) result.status = outcome.status;
    if (outcome.errorKind) {
      result.errorKind = outcome.errorKind;
      result.error = error ?? outcome.errorKind;
    }
    if (s.duplicate) result.duplicate = true;
    if (n === 1 && s.delayMs > 0) result.delayMs = s.delayMs;
    const decision = decideRetry(
      policy,
      n,
      outcome,
      () => (s.rng ??= retryRng(seed, s.index)),
      deps.now(),
      s.lastWaitMs,
    );
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
  /** When the last call took its slot (ms since the epoch). */
  let lastSlotAt = start;
  const startCall = async (d: Delivery<Call>, index: number, slotAt: number): Promise<void> => {
    open++;
    slotted++;
    lastSlotAt = deps.now();
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

  let rateWindowMs: number | undefined;
  if (options.model.kind === 'open') {
    const { pacer, maxInFlight } = options.model;
    // Past the schedule's end (duration or last stage), calls still not started are dropped:
    // a generator that falls behind says so instead of stretching the run.
    const windowEnd = start + (options.durationMs ?? pacer.endMs);
    let n = 0;
    let burst = 0;
    /** A call generated ahead of its time (kept across drops: events are not wasted). */
    let ready: Delivery<Call> | undefined;
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
          const next = nextCall();
          ready = next instanceof Promise ? await next : next;
          wait = intendedAt - deps.now();
        }
        if (wait > 0) {
          await waitFor(wait);
          continue;
        }
      }
      if (inFlight >= maxInFlight) {
        const d = { index: n, intendedAt, reason: 'in-flight' as const };
        metrics.recordDropped(d);
        deps.onDropped?.(d);
      } else {
        let call = ready ?? nextCall();
        ready = undefined;
        if (call instanceof Promise) call = await call;
        if (!call) break;
        void startCall(call, n, intendedAt);
      }
      n++;
      // Behind schedule: still let responses and timers in now and then.
      if (++burst % 64 === 0) await yieldTurn();
    }
    // The schedule of the n slots ends where slot n would have been due (the end of the stages, or of --duration).
    const due = pacer.dueAt(n);
    const scheduleEnd = Math.min(Number.isFinite(due) ? due : pacer.endMs, options.durationMs ?? Infinity);
    const lastInterval = n > 0 ? scheduleEnd - pacer.dueAt(n - 1) : 0;
    rateWindowMs = Math.max(scheduleEnd, lastSlotAt - start + lastInterval);
  } else {
    const { concurrency } = options.model;
    let next = 0;
    // Each sender waits for its call's delay and first answer; retries go to the retry queue.
    const worker = async (): Promise<void> => {
      while (next < count && !stopped() && deps.now() < endAt) {
        const index = next++;
        let call = nextCall();
        if (call instanceof Promise) {
          call = await call;
          if (stopped() || deps.now() >= endAt) return;
        }
        if (!call) return;
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
  const endedAt = deps.now();
  return {
    metrics,
    planned,
    unsent,
    durationMs: endedAt - start,
    rateWindowMs: rateWindowMs ?? endedAt - start,
    interrupted: stopped(),
    aborted,
    model: options.model.kind,
    retry: policy,
    disorder,
  };
}

/** Calls as deliveries: disorder applied to our own calls; a prepared source passes through. */
function deliverySource(
  calls: Iterable<SimCall> | CallSource,
  disorder: DisorderOptions,
  seed: number,
  planned: number,
): () => Delivery<Call> | undefined | Promise<Delivery<Call> | undefined> {
  if (Symbol.iterator in calls) {
    const iterator = deliveries(calls, disorder, seed, planned, (c) => c.event.id)[Symbol.iterator]();
    return () => {
      const next = iterator.next();
      return next.done ? undefined : next.value;
    };
  }
  if (reshuffles(disorder))
    throw new Error('duplicates and reordering need calls this thread builds, not a prepared source');
  const wrap = (call: Call | undefined): Delivery<Call> | undefined =>
    call === undefined ? undefined : { item: call, duplicate: false };
  return () => {
    const next = calls.next();
    return next instanceof Promise ? next.then(wrap) : wrap(next);
  };
}

/** A result with the fields every call has, in one shape (status or error added after). */
function callResult(
  call: CallInfo,
  index: number,
  attempt: number,
  url: string,
  intendedAt: number,
  sentAt: number,
  latencyMs: number,
): CallResult {
  return {
    index,
    attempt,
    final: true,
    id: call.event.id,
    type: call.event.type,
    scenario: call.scenario,
    style: call.style,
    recipient: call.event.recipient,
    url,
    intendedAt,
    sentAt,
    latencyMs,
  };
}

/** `url.href` builds a string on each read; targets are few, so remember it. */
const hrefs = new WeakMap<URL, string>();
function hrefOf(url: URL): string {
  let href = hrefs.get(url);
  if (href === undefined) {
    href = url.href;
    hrefs.set(url, href);
  }
  return href;
}

const yieldTurn = (): Promise<void> => new Promise((r) => setImmediate(r));
