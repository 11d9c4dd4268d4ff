import type { RunMetrics } from './run-metrics.js';

/**
 * Pass/fail criteria over a finished run, k6 style: `p99<250ms`,
 * `errors<1%`, `rate>=490/s`, `5xx<1%`, `dropped<0.1%`.
 */
export interface Threshold {
  text: string;
  metric: string;
  op: '<' | '<=' | '>' | '>=';
  /** ms for latencies, a fraction for shares, calls/s for the rate. */
  limit: number;
  unit: 'ms' | 'share' | 'rate';
}

export interface ThresholdResult {
  threshold: Threshold;
  actual: number;
  passed: boolean;
}

const LATENCY: Record<string, (m: RunMetrics) => number> = {
  p50: (m) => m.latencySummary().p50,
  p90: (m) => m.latencySummary().p90,
  p99: (m) => m.latencySummary().p99,
  'p99.9': (m) => m.latencySummary().p999,
  max: (m) => m.latencySummary().max,
  mean: (m) => m.latencySummary().mean,
};

const share = (n: number, of: number): number => (of > 0 ? n / of : 0);

/** Parse one `--threshold`; returns an error message instead of throwing. */
export function parseThreshold(text: string): Threshold | string {
  const m = /^\s*([a-z0-9.]+)\s*(<=|>=|<|>)\s*(\d+(?:\.\d+)?)\s*(ms|s|%|\/s|\/m)?\s*$/i.exec(text);
  if (!m) return `'${text}' is not metric<value (e.g. p99<250ms, errors<1%, rate>=500/s, 5xx<1%)`;
  const metric = m[1]!.toLowerCase();
  const op = m[2] as Threshold['op'];
  const value = Number(m[3]);
  const unit = m[4]?.toLowerCase();
  if (metric in LATENCY) {
    if (unit !== 'ms' && unit !== 's') return `'${text}': a latency needs ms or s`;
    return { text: text.trim(), metric, op, limit: unit === 's' ? value * 1000 : value, unit: 'ms' };
  }
  if (metric === 'errors' || metric === 'dropped' || /^[1-5]xx$/.test(metric)) {
    if (unit !== '%') return `'${text}': ${metric} needs a percentage, e.g. ${metric}<1%`;
    return { text: text.trim(), metric, op, limit: value / 100, unit: 'share' };
  }
  if (metric === 'rate') {
    if (unit !== '/s' && unit !== '/m' && unit !== undefined)
      return `'${text}': rate needs /s or /m, e.g. rate>=500/s`;
    return { text: text.trim(), metric, op, limit: unit === '/m' ? value / 60 : value, unit: 'rate' };
  }
  return `'${text}': unknown metric '${metric}' (p50, p90, p99, p99.9, max, mean, errors, dropped, rate, 2xx..5xx)`;
}

/** The measured value a threshold is compared with; the rate is over `rateWindowMs` (the run's rate window). */
function measure(t: Threshold, m: RunMetrics, rateWindowMs: number): number {
  const latency = LATENCY[t.metric];
  if (latency) return latency(m);
  // errors: calls that ended without a 2xx (after retries), among calls sent; dropped: among calls due;
  // status classes: among requests (with retries a call is answered more than once).
  if (t.metric === 'errors') return share(m.failed, m.sent);
  if (t.metric === 'dropped') return share(m.dropped, m.sent + m.dropped);
  if (t.metric === 'rate') return rateWindowMs > 0 ? (m.sent * 1000) / rateWindowMs : 0;
  return share(m.statusClass(Number(t.metric[0])), m.attempts);
}

export function evaluate(
  thresholds: readonly Threshold[],
  m: RunMetrics,
  rateWindowMs: number,
): ThresholdResult[] {
  return thresholds.map((threshold) => {
    const actual = measure(threshold, m, rateWindowMs);
    const { op, limit } = threshold;
    const passed =
      op === '<'
        ? actual < limit
        : op === '<='
          ? actual <= limit
          : op === '>'
            ? actual > limit
            : actual >= limit;
    return { threshold, actual, passed };
  });
}

/** `12.3ms`, `0.52%`, `498.1/s`. */
export function formatMeasured(t: Threshold, value: number): string {
  if (t.unit === 'ms') return `${value.toFixed(value < 10 ? 2 : 1)}ms`;
  if (t.unit === 'share') return `${(value * 100).toFixed(2)}%`;
  return `${value.toFixed(1)}/s`;
}
