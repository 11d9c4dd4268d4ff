import * as hdr from 'hdr-histogram-js';
import type { CallType } from '../model/events.js';
import type { ErrorKind } from '../transport/http.js';

/** One call's outcome: results are data; metrics and reports read them. */
export interface CallResult {
  index: number;
  id: string;
  type: CallType;
  scenario: string;
  style: string;
  recipient: string;
  url: string;
  /** When it should have gone out / did go out, ms since the epoch. */
  intendedAt: number;
  sentAt: number;
  status?: number;
  errorKind?: ErrorKind;
  error?: string;
  /** From the actual send. */
  latencyMs: number;
}

/** A planned call that could not start: too many requests already in flight. */
export interface DroppedCall {
  index: number;
  intendedAt: number;
  /** `in-flight`: max in flight reached; `late`: the schedule ended before it could start. */
  reason: 'in-flight' | 'late';
}

export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

/** Where a call ended. Every planned call ends in exactly one. */
export type Bucket = 'ok' | 'failed' | 'dropped' | 'unsent';

export const isOk = (r: CallResult): boolean => r.status !== undefined && r.status >= 200 && r.status < 300;

function histogram(): hdr.Histogram {
  // Microseconds, so sub-millisecond loopback latencies keep their resolution.
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
  });
}

function summarise(h: hdr.Histogram): LatencySummary {
  const ms = (us: number): number => Math.round(us) / 1000;
  if (h.totalCount === 0) return { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 };
  return {
    p50: ms(h.getValueAtPercentile(50)),
    p90: ms(h.getValueAtPercentile(90)),
    p99: ms(h.getValueAtPercentile(99)),
    p999: ms(h.getValueAtPercentile(99.9)),
    max: ms(h.maxValue),
    mean: ms(h.mean),
  };
}

const us = (ms: number): number => Math.max(1, Math.round(ms * 1000));

/** Accumulates results in constant memory; the live line and the final report both read it. */
export class RunMetrics {
  readonly startedAt: number;
  sent = 0;
  ok = 0;
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

  record(result: CallResult): void {
    this.sent++;
    let url = this.byUrl.get(result.url);
    if (url === undefined) {
      url = { sent: 0, ok: 0 };
      this.byUrl.set(result.url, url);
    }
    url.sent++;
    if (result.status !== undefined) {
      this.byStatus.set(result.status, (this.byStatus.get(result.status) ?? 0) + 1);
      if (result.status >= 200 && result.status < 300) {
        this.ok++;
        url.ok++;
      }
    } else if (result.errorKind) {
      this.byError.set(result.errorKind, (this.byError.get(result.errorKind) ?? 0) + 1);
    }
    this.byType.set(result.type, (this.byType.get(result.type) ?? 0) + 1);
    this.byScenario.set(result.scenario, (this.byScenario.get(result.scenario) ?? 0) + 1);
    const lag = Math.max(0, result.sentAt - result.intendedAt);
    this.service.recordValue(us(result.latencyMs));
    this.corrected.recordValue(us(lag + result.latencyMs));
    this.lag.recordValue(us(lag));
  }

  /** Dropped because the schedule ended before they could start (this process fell behind). */
  droppedLate = 0;

  recordDropped(d: DroppedCall): void {
    this.dropped++;
    if (d.reason === 'late') this.droppedLate++;
  }

  /** Sent but not 2xx (HTTP error status or transport error). */
  get failed(): number {
    return this.sent - this.ok;
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
    return this.corrected.totalCount ? this.corrected.getValueAtPercentile(99) / 1000 : 0;
  }
}
