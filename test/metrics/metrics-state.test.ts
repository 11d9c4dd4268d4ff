import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeHistogram, mergeMetrics, metricsState } from '../../src/metrics/metrics-state.js';
import { RunMetrics } from '../../src/metrics/run-metrics.js';
import type { CallResult } from '../../src/model/results.js';
import { Sfc32 } from '../../src/random/rng.js';

/** A result with a latency over four decades (0.05 ms to ~500 ms) and a status now and then not 2xx. */
function result(rng: Sfc32, index: number): CallResult {
  const latencyMs = 0.05 * 10 ** (rng.next() * 4);
  const lag = rng.next() < 0.1 ? rng.next() * 20 : 0;
  const status = rng.next() < 0.05 ? 503 : 204;
  return {
    index,
    attempt: 1,
    final: true,
    id: String(index),
    type: rng.next() < 0.3 ? 'bounce' : 'failure',
    scenario: rng.next() < 0.5 ? 'sync-userunknown' : 'dsn-mailboxfull',
    style: 'postfix',
    recipient: 'a@example.com',
    url: 'http://127.0.0.1:1/',
    intendedAt: 1000 + index,
    sentAt: 1000 + index + lag,
    status,
    latencyMs,
  };
}

test('merged shard metrics equal one run fed every value: counts, breakdowns, every percentile', () => {
  const rng = new Sfc32(7);
  const whole = new RunMetrics(0);
  const shards = [new RunMetrics(0), new RunMetrics(0), new RunMetrics(0)];
  for (let i = 0; i < 30_000; i++) {
    const r = result(rng, i);
    whole.record(r);
    // Uneven shards: the merge must not assume equal parts.
    shards[i % 7 < 4 ? 0 : i % 7 < 6 ? 1 : 2]!.record(r);
  }
  shards[1]!.recordDropped({ index: 1, reason: 'late' } as never);
  whole.recordDropped({ index: 1, reason: 'late' } as never);
  // Through JSON, as the report files carry them.
  const states = shards.map((m) => JSON.parse(JSON.stringify(metricsState(m))));
  const merged = mergeMetrics(states, 0);
  for (const k of ['sent', 'ok', 'failed', 'attempts', 'dropped', 'droppedLate'] as const)
    assert.equal(merged[k], whole[k], k);
  assert.deepEqual(new Map([...merged.byStatus].sort()), new Map([...whole.byStatus].sort()));
  assert.deepEqual(new Map([...merged.byType].sort()), new Map([...whole.byType].sort()));
  assert.deepEqual(new Map([...merged.byScenario].sort()), new Map([...whole.byScenario].sort()));
  assert.deepEqual(merged.byUrl, whole.byUrl);
  assert.deepEqual(merged.latencySummary(), whole.latencySummary());
  assert.deepEqual(merged.serviceSummary(), whole.serviceSummary());
  assert.deepEqual(merged.lagSummary(), whole.lagSummary());
  const [a, b] = [merged.histograms().corrected, whole.histograms().corrected];
  for (const p of [1, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100])
    assert.equal(a.getValueAtPercentile(p), b.getValueAtPercentile(p), `p${p}`);
  assert.equal(a.totalCount, 30_000);
});

test('a histogram survives its encoding', () => {
  const m = new RunMetrics(0);
  const rng = new Sfc32(3);
  for (let i = 0; i < 1000; i++) m.record(result(rng, i));
  const back = decodeHistogram(metricsState(m).histograms.service);
  const h = m.histograms().service;
  assert.equal(back.totalCount, h.totalCount);
  assert.equal(back.getValueAtPercentile(99), h.getValueAtPercentile(99));
  // V2 keeps counts per bucket: the largest value comes back as its bucket's top, within 0.1%.
  assert.ok(Math.abs(back.maxValue - h.maxValue) <= h.maxValue / 1000);
  assert.throws(() => decodeHistogram(Buffer.from('not a histogram').toString('base64')));
});
