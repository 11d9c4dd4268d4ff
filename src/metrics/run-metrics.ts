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

export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

/** Accumulates results; the live line and the final report both read it. */
export class RunMetrics {
  readonly startedAt: number;
  sent = 0;
  ok = 0;
  readonly byStatus = new Map<number, number>();
  readonly byError = new Map<ErrorKind, number>();
  readonly byUrl = new Map<string, { sent: number; ok: number }>();
  private readonly latency = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
  });

  constructor(startedAt: number) {
    this.startedAt = startedAt;
  }

  record(result: CallResult): void {
    this.sent++;
    const url = this.byUrl.get(result.url) ?? { sent: 0, ok: 0 };
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
    this.byUrl.set(result.url, url);
    // Microseconds, so sub-millisecond loopback latencies keep their resolution.
    this.latency.recordValue(Math.max(1, Math.round(result.latencyMs * 1000)));
  }

  get failed(): number {
    return this.sent - this.ok;
  }

  latencySummary(): LatencySummary {
    const ms = (us: number): number => Math.round(us) / 1000;
    if (this.latency.totalCount === 0) return { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 };
    return {
      p50: ms(this.latency.getValueAtPercentile(50)),
      p90: ms(this.latency.getValueAtPercentile(90)),
      p99: ms(this.latency.getValueAtPercentile(99)),
      p999: ms(this.latency.getValueAtPercentile(99.9)),
      max: ms(this.latency.maxValue),
      mean: ms(this.latency.mean),
    };
  }
}
