import { type CallResult, type DroppedCall, RunMetrics } from '../metrics/run-metrics.js';
import type { SimCall } from '../model/events.js';
import type { Pacer } from '../pace/pacer.js';
import type { HttpClient } from '../transport/http.js';
import { type BuiltRequest, buildRequest, type RequestOptions, type Targets, targetFor } from './request.js';
import { type CallInfo, type CallSource, isPrepared, iterableSource, type PreparedCall } from './source.js';

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
   * may answer later, and may give calls whose request is already built.
   */
  calls: Iterable<SimCall> | CallSource;
  targets: Targets;
  model: LoadModel;
  /** Calls at most (default: unbounded; then `durationMs` or the pacer must end the run). */
  count?: number;
  /** Start no call after this many ms. */
  durationMs?: number;
  /** After a stop, wait this long for in-flight calls before aborting them. */
  graceMs?: number;
}

export interface FireDeps {
  http: HttpClient;
  /** Wall clock, ms since the epoch (fractional is fine). */
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /**
   * A sleep that keeps sub-millisecond time (the open model waits for each
   * call's due time with it). Default: `sleep` for a millisecond or more,
   * else a turn of the event loop.
   */
  preciseSleep?: (ms: number) => Promise<void>;
  onResult?: (result: CallResult, call: CallInfo) => void;
  onDropped?: (dropped: DroppedCall) => void;
  /** Aborted = stop starting calls (interrupt); in-flight ones get `graceMs`. */
  signal?: AbortSignal;
  /** Accumulate into these (so a live view can read them); default: new ones. */
  metrics?: RunMetrics;
  /** Encode and sign (default: `buildRequest` on this thread). */
  build?: (call: SimCall, url: URL) => BuiltRequest | Promise<BuiltRequest>;
}

export interface FireSummary {
  metrics: RunMetrics;
  /** Calls the run meant to make: ok + failed + dropped + unsent. */
  planned: number;
  /** Calls never started because the run was stopped. */
  unsent: number;
  durationMs: number;
  interrupted: boolean;
  /** In-flight calls cut off when the grace period ran out. */
  aborted: number;
  model: LoadModel['kind'];
}

/**
 * Send calls, paced by the model. The loop only schedules; each result goes
 * to metrics and to `onResult`. Memory stays constant whatever the count.
 */
export async function fire(options: FireOptions, deps: FireDeps): Promise<FireSummary> {
  const start = deps.now();
  const metrics = deps.metrics ?? new RunMetrics(start);
  const source = Symbol.iterator in options.calls ? iterableSource(options.calls) : options.calls;
  const build = deps.build ?? ((call: SimCall, url: URL) => buildRequest(call, url, options));
  const count = options.count ?? Number.POSITIVE_INFINITY;
  const endAt = start + (options.durationMs ?? Number.POSITIVE_INFINITY);
  const stopped = (): boolean => deps.signal?.aborted === true;
  const { preciseSleep } = deps;
  // Under ~0.1 ms a turn of the loop (sockets answered meanwhile) is as close as a thread wake-up gets.
  const waitFor = (ms: number): Promise<void> =>
    preciseSleep && ms >= 0.1 ? preciseSleep(ms) : ms >= 1 ? deps.sleep(ms) : yieldTurn();

  let inFlight = 0;
  let idle: (() => void) | undefined;
  let exhausted = false;
  let started = 0;

  type Call = SimCall | PreparedCall;
  const noMore = (call: Call | undefined): Call | undefined => {
    if (call === undefined) exhausted = true;
    return call;
  };
  /** The next call; a promise only when the source has none ready yet. */
  const nextCall = (): Call | undefined | Promise<Call | undefined> => {
    if (exhausted) return undefined;
    const next = source.next();
    return next instanceof Promise ? next.then(noMore) : noMore(next);
  };

  /** One call, start to finish; never rejects. */
  const send = async (call: Call, index: number, intendedAt: number): Promise<void> => {
    inFlight++;
    started++;
    let url: URL | undefined;
    let result: CallResult;
    try {
      url = targetFor(call, options.targets);
      const built = isPrepared(call) ? call.request : build(call, url);
      // A request built on this thread goes out in the same turn (no await, no microtask).
      const req = built instanceof Promise ? await built : built;
      const sentAt = deps.now();
      const res = await deps.http.post(url, req.headers, req.body);
      result = callResult(call, index, hrefOf(url), intendedAt, sentAt, res.latencyMs);
      if (res.status !== undefined) result.status = res.status;
      if (res.errorKind) {
        result.errorKind = res.errorKind;
        result.error = res.error ?? res.errorKind;
      }
    } catch (err) {
      result = callResult(call, index, url ? hrefOf(url) : '', intendedAt, deps.now(), 0);
      result.errorKind = 'other';
      result.error = (err as Error).message;
    }
    metrics.record(result);
    deps.onResult?.(result, call);
    inFlight--;
    if (inFlight === 0) idle?.();
  };

  let planned: number;
  if (options.model.kind === 'open') {
    const { pacer, maxInFlight } = options.model;
    const byTime = options.durationMs !== undefined ? pacer.countBefore(options.durationMs) : Infinity;
    planned = Math.min(count, byTime, pacer.countBefore(pacer.endMs));
    if (!Number.isFinite(planned)) throw new Error('an open-model run needs a count, a duration or stages');
    // Past the schedule's end (duration or last stage), calls still not started are dropped:
    // a generator that falls behind says so instead of stretching the run.
    const windowEnd = start + (options.durationMs ?? pacer.endMs);
    let n = 0;
    let burst = 0;
    /** A call generated ahead of its time (kept across drops: events are not wasted). */
    let ready: Call | undefined;
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
        void send(call, n, intendedAt);
      }
      n++;
      // Behind schedule: still let responses and timers in now and then.
      if (++burst % 64 === 0) await yieldTurn();
    }
  } else {
    const { concurrency } = options.model;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < count && !stopped() && deps.now() < endAt) {
        const index = next++;
        let call = nextCall();
        if (call instanceof Promise) {
          call = await call;
          if (stopped() || deps.now() >= endAt) return;
        }
        if (!call) return;
        await send(call, index, deps.now());
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    planned = Number.isFinite(count) ? count : started;
  }

  // Drain: wait for in-flight calls; after a stop, only for the grace period.
  let aborted = 0;
  if (inFlight > 0) {
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
  if (exhausted && planned > started + metrics.dropped) planned = started + metrics.dropped;
  const unsent = planned - started - metrics.dropped;
  metrics.unsent = unsent;
  return {
    metrics,
    planned,
    unsent,
    durationMs: deps.now() - start,
    interrupted: stopped(),
    aborted,
    model: options.model.kind,
  };
}

/** A result with the fields every call has, in one shape (status or error added after). */
function callResult(
  call: CallInfo,
  index: number,
  url: string,
  intendedAt: number,
  sentAt: number,
  latencyMs: number,
): CallResult {
  return {
    index,
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
