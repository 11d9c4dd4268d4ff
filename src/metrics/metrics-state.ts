import type { Histogram } from 'hdr-histogram-js';
// The plain-JS codec only (zlib for deflate): the package index would load its WebAssembly build too.
import codec from 'hdr-histogram-js/dist/JsHistogram.encoding.js';
import jsHistogram from 'hdr-histogram-js/dist/JsHistogram.js';
import type { ErrorKind, GivenUp } from '../model/results.js';
import { type HistogramName, RunMetrics } from './run-metrics.js';

/** The counters a run's metrics hold: everything that adds up across shards. */
const COUNTS = [
  'sent',
  'ok',
  'failed',
  'attempts',
  'retried',
  'okAfterRetry',
  'duplicates',
  'dropped',
  'droppedLate',
  'unsent',
] as const;
type CountName = (typeof COUNTS)[number];

const HISTOGRAMS: readonly HistogramName[] = ['service', 'corrected', 'lag'];

/**
 * A run's metrics as data, in `--out`: the counters, the breakdowns, and the
 * three HDR histograms in HdrHistogram's V2 compressed encoding (base64), so
 * shard reports merge exactly: counts add, histograms add bucket by bucket.
 */
export interface MetricsState {
  counts: Record<CountName, number>;
  byStatus: Record<string, number>;
  byError: Record<string, number>;
  byUrl: Record<string, { sent: number; ok: number }>;
  byType: Record<string, number>;
  byScenario: Record<string, number>;
  givenUp: Record<string, number>;
  lastFailure: Record<string, number>;
  /** µs, HdrHistogram V2 compressed, base64. */
  histograms: Record<HistogramName, string>;
  /** Each histogram's largest value, µs: the V2 encoding keeps only its bucket. */
  max: Record<HistogramName, number>;
}

type Encodable = Histogram & { encodeIntoCompressedBase64(): string };

export function metricsState(m: RunMetrics): MetricsState {
  const h = m.histograms();
  return {
    counts: Object.fromEntries(COUNTS.map((k) => [k, m[k]])) as Record<CountName, number>,
    byStatus: Object.fromEntries(m.byStatus),
    byError: Object.fromEntries(m.byError),
    byUrl: Object.fromEntries([...m.byUrl].map(([url, v]) => [url, { ...v }])),
    byType: Object.fromEntries(m.byType),
    byScenario: Object.fromEntries(m.byScenario),
    givenUp: Object.fromEntries(m.givenUp),
    lastFailure: Object.fromEntries(m.lastFailure),
    histograms: Object.fromEntries(
      HISTOGRAMS.map((name) => [name, (h[name] as Encodable).encodeIntoCompressedBase64()]),
    ) as Record<HistogramName, string>,
    max: Object.fromEntries(HISTOGRAMS.map((name) => [name, h[name].maxValue])) as Record<
      HistogramName,
      number
    >,
  };
}

/** A histogram from its encoding; throws on one that is not HdrHistogram V2. */
export function decodeHistogram(base64: string): Histogram {
  return jsHistogram.JsHistogram.decode(codec.decompress(Buffer.from(base64, 'base64')), 32) as Histogram;
}

const addInto = <K>(map: Map<K, number>, entries: Record<string, number>, key: (k: string) => K): void => {
  for (const [k, v] of Object.entries(entries)) map.set(key(k), (map.get(key(k)) ?? 0) + v);
};

/** Several runs' metrics as one: counters and breakdowns summed, histograms added. */
export function mergeMetrics(states: readonly MetricsState[], startedAt: number): RunMetrics {
  const m = new RunMetrics(startedAt);
  const h = m.histograms();
  for (const s of states) {
    for (const k of COUNTS) m[k] += s.counts[k];
    addInto(m.byStatus, s.byStatus, Number);
    addInto(m.byError, s.byError, (k) => k as ErrorKind);
    addInto(m.byType, s.byType, String);
    addInto(m.byScenario, s.byScenario, String);
    addInto(m.givenUp, s.givenUp, (k) => k as GivenUp);
    addInto(m.lastFailure, s.lastFailure, String);
    for (const [url, v] of Object.entries(s.byUrl)) {
      const into = m.byUrl.get(url) ?? { sent: 0, ok: 0 };
      m.byUrl.set(url, { sent: into.sent + v.sent, ok: into.ok + v.ok });
    }
    for (const name of HISTOGRAMS) {
      const decoded = decodeHistogram(s.histograms[name]);
      // The exact largest value, where decoding gives its bucket's top (and add() keeps the larger).
      if (decoded.totalCount > 0) (decoded as { maxValue: number }).maxValue = s.max[name];
      h[name].add(decoded);
    }
  }
  return m;
}
