import { RunMetrics } from '../metrics/run-metrics.js';
import type { SimCall } from '../model/events.js';
import type { Pacer } from '../pace/pacer.js';
import type { HttpResult, RequestHeaders } from '../transport/http.js';
import type { Transport } from '../transport/transport.js';
import { CallFeed } from './call-feed.js';
import { type Delivery, type DisorderOptions, delayFor, deliveries, reshuffles } from './disorder.js';
import { drain } from './drain.js';
import { runClosed } from './executors/closed.js';
import { runOpen, yieldTurn } from './executors/open.js';
import type { RequestMaker } from './outgoing.js';
import { type BuiltRequest, buildRequest, type RequestOptions, type Targets, targetFor } from './request.js';
import { fanOut, type ResultSink } from './result-sink.js';
import { NO_RETRIES, type RetryPolicy } from './retry-policy.js';
import { SendEngine } from './send-engine.js';
import { type CallSource, isPrepared, type PreparedCall } from './source.js';

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

/** The engine's dependencies; its callbacks make it one more reader of the records. */
export interface FireDeps extends ResultSink {
  http: Transport;
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

/**
 * Send calls, paced by the model: the run's wiring. The engine owns each
 * call's life (delay, attempts, retries, its one final record), an executor
 * decides when calls start, the drain waits for the last ones, and the
 * metrics read the records like any other sink. Memory stays constant
 * whatever the count.
 */
export async function fire(options: FireOptions, deps: FireDeps): Promise<FireSummary> {
  if (options.model.kind === 'open') await openConnections(options.targets, deps);
  const start = deps.now();
  const metrics = deps.metrics ?? new RunMetrics(start);
  const policy = options.retry ?? NO_RETRIES;
  const disorder = options.disorder ?? {};
  const seed = options.seed ?? 0;
  const count = options.count ?? Number.POSITIVE_INFINITY;
  const planned = plannedCalls(options, count);
  const sink = fanOut([metrics, deps]);
  // Per-call closures read locals, not fields of `options` and `deps`: objects a warm-up's run builds
  // with another shape, so code compiled during the warm-up is still good for the run.
  const { http } = deps;
  const { delay } = disorder;
  const engine = new SendEngine<Call>(
    {
      requests: fireRequests(options, deps),
      retry: policy,
      seed,
      ...(delay ? { delayFor: (index: number) => delayFor(delay, seed, index) } : {}),
    },
    {
      post: (url, headers, body) => http.post(url, headers, body),
      // undici's dispatch with a callback: no promise per request (a unit test's fake client may only post).
      ...(typeof http.send === 'function'
        ? {
            send: (url: URL, headers: RequestHeaders, body: Buffer, done: (r: HttpResult) => void) =>
              http.send(url, headers, body, done),
          }
        : {}),
      now: deps.now,
      sleep: deps.sleep,
      ...(deps.signal ? { signal: deps.signal } : {}),
    },
    sink,
  );
  const feed = new CallFeed(deliverySource(options.calls, disorder, seed, planned));
  let rateWindowMs: number | undefined;
  let slots = planned;
  if (options.model.kind === 'open') {
    const { pacer, maxInFlight } = options.model;
    const outcome = await runOpen(engine, feed, {
      pacer,
      maxInFlight,
      planned,
      start,
      ...(options.durationMs !== undefined ? { durationMs: options.durationMs } : {}),
      now: deps.now,
      waitFor: waitFor(deps),
      dropped: sink.onDropped,
    });
    rateWindowMs = outcome.rateWindowMs;
  } else {
    const endAt = start + (options.durationMs ?? Number.POSITIVE_INFINITY);
    await runClosed(engine, feed, { concurrency: options.model.concurrency, count, endAt, now: deps.now });
    if (!Number.isFinite(count)) slots = engine.slotted;
  }
  const aborted = await drain(engine, options.graceMs ?? 5000, () => deps.http.destroy(), deps.signal);
  if (feed.exhausted && slots > engine.slotted + metrics.dropped) slots = engine.slotted + metrics.dropped;
  // Every call with a slot ended ok, failed or unsent (delayed); the rest never got one.
  const unsent = slots - metrics.ok - metrics.failed - metrics.dropped;
  metrics.unsent = unsent;
  const endedAt = deps.now();
  return {
    metrics,
    planned: slots,
    unsent,
    durationMs: endedAt - start,
    rateWindowMs: rateWindowMs ?? endedAt - start,
    interrupted: deps.signal?.aborted === true,
    aborted,
    model: options.model.kind,
    retry: policy,
    disorder,
  };
}

/** Connecting at most this long before an open run's schedule starts (a target that does not answer connects on demand, as before). */
const OPEN_CONNECTIONS_MS = 1000;

/**
 * An open run's connections, opened before its schedule starts (as wrk and
 * autocannon do): connecting took its first ~60 ms at 5000/s, every call
 * then late by a connect (docs/performance.md, "Connections before the clock").
 */
async function openConnections(targets: Targets, deps: FireDeps): Promise<void> {
  const { http, signal } = deps;
  // A run stopped before its start connects to nobody; a stop while connecting ends the wait.
  if (typeof http.open !== 'function' || signal?.aborted) return;
  const urls = Object.values(targets).filter((u): u is URL => u !== undefined);
  const stop = new AbortController();
  const onStop = (): void => stop.abort();
  signal?.addEventListener('abort', onStop, { once: true });
  try {
    await Promise.race([
      Promise.all(urls.map((u) => http.open!(u))),
      deps.sleep(OPEN_CONNECTIONS_MS, stop.signal),
    ]);
  } finally {
    signal?.removeEventListener('abort', onStop);
    stop.abort();
  }
}

/** Calls the run means to make: the count, or what the open schedule holds (its duration or stages). */
function plannedCalls(options: FireOptions, count: number): number {
  if (options.model.kind !== 'open') return count;
  const { pacer } = options.model;
  const byTime = options.durationMs !== undefined ? pacer.countBefore(options.durationMs) : Infinity;
  const planned = Math.min(count, byTime, pacer.countBefore(pacer.endMs));
  if (!Number.isFinite(planned)) throw new Error('an open-model run needs a count, a duration or stages');
  return planned;
}

/** fire's calls as requests: ours encoded and signed afresh for every attempt, a prepared one as built. */
function fireRequests(options: FireOptions, deps: FireDeps): RequestMaker<Call> {
  const build = deps.build ?? ((call: SimCall, url: URL) => buildRequest(call, url, options));
  const { targets } = options;
  return {
    target: (call) => targetFor(call, targets),
    request: (call, _attempt, url) => (isPrepared(call) ? call.request : build(call, url)),
  };
}

/** Under ~0.1 ms a turn of the loop (sockets answered meanwhile) is as close as a thread wake-up gets. */
function waitFor(deps: FireDeps): (ms: number) => Promise<void> {
  const { preciseSleep } = deps;
  return (ms) =>
    preciseSleep && ms >= 0.1 ? preciseSleep(ms) : ms >= 1 ? deps.sleep(ms, deps.signal) : yieldTurn();
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
