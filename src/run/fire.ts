import { type CallResult, RunMetrics } from '../metrics/run-metrics.js';
import type { SimCall } from '../model/events.js';
import type { Pacer } from '../pace/pacer.js';
import type { HttpClient } from '../transport/http.js';
import { buildRequest, type RequestOptions, type Targets, targetFor } from './request.js';

export interface FireOptions extends RequestOptions {
  calls: Iterable<SimCall>;
  targets: Targets;
  pacer: Pacer;
  /** Requests in flight at most. */
  concurrency: number;
}

export interface FireDeps {
  http: HttpClient;
  /** Wall clock, ms. */
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  onResult?: (result: CallResult, call: SimCall) => void;
  /** Checked before each send; true stops the run (interrupt). */
  stopped?: () => boolean;
}

export interface FireSummary {
  metrics: RunMetrics;
  planned: number;
  /** Calls never started because the run was stopped. */
  unsent: number;
  durationMs: number;
}

/**
 * Send every call: paced by `pacer`, at most `concurrency` in flight. The
 * loop only schedules; results go to metrics and to `onResult`.
 */
export async function fire(options: FireOptions, deps: FireDeps): Promise<FireSummary> {
  const calls = [...options.calls];
  const start = deps.now();
  const metrics = new RunMetrics(start);
  const inFlight = new Set<Promise<void>>();
  let index = 0;
  for (; index < calls.length; index++) {
    if (deps.stopped?.()) break;
    const intendedAt = start + options.pacer.dueAt(index);
    const wait = intendedAt - deps.now();
    if (wait > 0) await deps.sleep(wait);
    while (inFlight.size >= options.concurrency) await Promise.race(inFlight);
    if (deps.stopped?.()) break;
    const call = calls[index]!;
    const url = targetFor(call, options.targets);
    const req = buildRequest(call, url, options);
    const sentAt = deps.now();
    const i = index;
    const p = deps.http.post(url, req.headers, req.body).then((res) => {
      const result: CallResult = {
        index: i,
        id: call.event.id,
        type: call.event.type,
        scenario: call.scenario,
        style: call.style,
        recipient: call.event.recipient,
        url: url.href,
        intendedAt,
        sentAt,
        latencyMs: res.latencyMs,
        ...(res.status !== undefined ? { status: res.status } : {}),
        ...(res.errorKind ? { errorKind: res.errorKind, error: res.error ?? res.errorKind } : {}),
      };
      metrics.record(result);
      deps.onResult?.(result, call);
    });
    const tracked = p.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  }
  await Promise.all(inFlight);
  return { metrics, planned: calls.length, unsent: calls.length - index, durationMs: deps.now() - start };
}
