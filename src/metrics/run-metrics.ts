import type { Histogram } from 'hdr-histogram-js';
// The plain-JS histogram only: the package's index also loads its WebAssembly
// build (pako, base64 and a loader), ~14 MB of RSS that a run never uses.
import int32Histogram from 'hdr-histogram-js/dist/Int32Histogram.js';
import { type CallResult, type DroppedCall, type ErrorKind, type GivenUp, isOk } from '../model/results.js';

export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

/** From the actual send, from the intended send, schedule lag. */
export type HistogramName = 'service' | 'corrected' | 'lag';

/** Where a call ended. Every planned call ends in exactly one. */
export type Bucket = 'ok' | 'failed' | 'dropped' | 'unsent';

export function histogram(): Histogram {
  // Microseconds, so sub-millisecond loopback latencies keep their resolution.
  // What hdr.build() makes by default: 32-bit counts, resizing if need be.
  const h = new int32Histogram.default(1, 3_600_000_000, 3);
  h.autoResize = true;
  return h;
}

function summarise(h: Histogram): LatencySummary {
  const ms = (us: number): number => Math.round(us) / 1000;
  if (h.totalCount === 0) return { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 };
  // A percentile is the top of its bucket, which can lie above the largest value recorded in it.
  const at = (p: number): number => ms(Math.min(h.getValueAtPercentile(p), h.maxValue));
  return {
    p50: at(50),
    p90: at(90),
    p99: at(99),
    p999: at(99.9),
    max: ms(h.maxValue),
    mean: ms(h.mean),
  };
}

const us = (ms: number): number => Math.max(1, Math.round(ms * 1000));

/** Accumulates results in constant memory; the live line and the final report both read it. */
export class RunMetrics {
  readonly startedAt: number;
  /** Calls whose first attempt was made. Each ends ok or failed. */
  sent = 0;
  /** Calls that ended with a 2xx (delivered). */
  ok = 0;
  /** Calls that ended without a 2xx (after their retries). */
  failed = 0;
  /** Requests made: first attempts and retries. */
  attempts = 0;
  /** Calls that made more than one attempt. */
  retried = 0;
  /** Calls delivered on a retry. */
  okAfterRetry = 0;
  /** Failed calls by why they stopped. */
  readonly givenUp = new Map<GivenUp, number>();
  /** Failed calls by their last answer: a status (`503`) or an error kind (`refused`). */
  readonly lastFailure = new Map<string, number>();
  /** Calls that were a second delivery (--duplicate), sent. */
  duplicates = 0;
  /** Calls between a failed attempt and the answer to their retry (or the stop that cancelled it). */
  waitingRetry = 0;
  dropped = 0;
  /** Set by the run at the end: planned calls never started (interrupt). */
  unsent = 0;
  readonly byStatus = new Map<number, number>();
  readonly byError = new Map<ErrorKind, number>();
  readonly byUrl = new Map<string, { sent: number; ok: number }>();
  readonly byType = new Map<string, number>();
  readonly byScenario = new Map<string, number>();
  /** From the actual send to the end of the response. */
  private readonly service = histogram();
  /** From the intended send time (corrected for coordinated omission). */
  private readonly corrected = histogram();
  /** Actual minus intended send time: how late the schedule ran. */
  private readonly lag = histogram();

  constructor(startedAt: number) {
    this.startedAt = startedAt;
  }

  onResult(result: CallResult): void {
    this.record(result);
  }

  onDropped(dropped: DroppedCall): void {
    this.recordDropped(dropped);
  }

  /** One result: an attempt (status, latency), and when final, the call's outcome. */
  record(result: CallResult): void {
    if (result.cancelled || result.attempt > 1) this.waitingRetry--;
    if (!result.final) this.waitingRetry++;
    if (!result.cancelled) {
      this.attempts++;
      if (result.attempt === 1) this.sent++;
      if (result.status !== undefined)
        this.byStatus.set(result.status, (this.byStatus.get(result.status) ?? 0) + 1);
      else if (result.errorKind)
        this.byError.set(result.errorKind, (this.byError.get(result.errorKind) ?? 0) + 1);
      const lag = Math.max(0, result.sentAt - result.intendedAt);
      this.service.recordValue(us(result.latencyMs));
      this.corrected.recordValue(us(lag + result.latencyMs));
      this.lag.recordValue(us(lag));
    }
    if (!result.final) return;
    let url = this.byUrl.get(result.url);
    if (url === undefined) {
      url = { sent: 0, ok: 0 };
      this.byUrl.set(result.url, url);
    }
    url.sent++;
    if (isOk(result)) {
      this.ok++;
      url.ok++;
      if (result.attempt > 1) this.okAfterRetry++;
    } else {
      this.failed++;
      const why = result.givenUp ?? 'not-retryable';
      this.givenUp.set(why, (this.givenUp.get(why) ?? 0) + 1);
      const last = result.status !== undefined ? String(result.status) : (result.errorKind ?? 'other');
      this.lastFailure.set(last, (this.lastFailure.get(last) ?? 0) + 1);
    }
    if (result.attempt > 1) this.retried++;
    if (result.duplicate) this.duplicates++;
    this.byType.set(result.type, (this.byType.get(result.type) ?? 0) + 1);
    this.byScenario.set(result.scenario, (this.byScenario.get(result.scenario) ?? 0) + 1);
  }

  /** Dropped because the schedule ended before they could start (this process fell behind). */
  droppedLate = 0;

  recordDropped(d: DroppedCall): void {
    this.dropped++;
    if (d.reason === 'late') this.droppedLate++;
  }

  /** Calls answered with a status in this class (2 for 2xx, ...). */
  statusClass(klass: number): number {
    let n = 0;
    for (const [status, count] of this.byStatus) if (Math.floor(status / 100) === klass) n += count;
    return n;
  }

  get transportErrors(): number {
    let n = 0;
    for (const count of this.byError.values()) n += count;
    return n;
  }

  /** The three histograms (µs), for encoding into a report and merging shard reports. */
  histograms(): Readonly<Record<HistogramName, Histogram>> {
    return { service: this.service, corrected: this.corrected, lag: this.lag };
  }

  /** Latency from the intended send time (what a user of the schedule saw). */
  latencySummary(): LatencySummary {
    return summarise(this.corrected);
  }

  /** Latency from the actual send (what the receiver took). */
  serviceSummary(): LatencySummary {
    return summarise(this.service);
  }

  lagSummary(): LatencySummary {
    return summarise(this.lag);
  }

  /** p99 of the corrected latency, cheap enough for a once-a-second live line. */
  p99(): number {
    const h = this.corrected;
    // Capped at the max as in summarise: the live line and the report agree.
    return h.totalCount ? Math.min(h.getValueAtPercentile(99), h.maxValue) / 1000 : 0;
  }
}
