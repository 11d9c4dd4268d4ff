import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RunMetrics } from '../../src/metrics/run-metrics.js';
import type { CallResult } from '../../src/model/results.js';

const call = (index: number, lagMs: number, latencyMs: number): CallResult => ({
  index,
  attempt: 1,
  final: true,
  id: String(index),
  type: 'failure',
  scenario: 'sync-userunknown',
  style: 'postfix',
  recipient: 'a@example.com',
  url: 'http://127.0.0.1:1/',
  intendedAt: 1000,
  sentAt: 1000 + lagMs,
  status: 200,
  latencyMs,
});

// A histogram percentile is the top of its bucket (64 µs wide near 100 ms), the max the value
// recorded: a run whose slowest call took 103.49 ms showed "p99.9 104 ... max 103".
test('no latency percentile is above the max the run recorded', () => {
  const m = new RunMetrics(0);
  m.record(call(0, 1.2, 4.9));
  m.record(call(1, 103.49, 65.45));
  for (const [name, s] of [
    ['from intended send', m.latencySummary()],
    ['from actual send', m.serviceSummary()],
    ['schedule lag', m.lagSummary()],
  ] as const) {
    for (const p of ['p50', 'p90', 'p99', 'p999'] as const)
      assert.ok(s[p] <= s.max, `${name}: ${p} ${s[p]} above max ${s.max}`);
  }
  assert.equal(m.lagSummary().max, 103.49);
  assert.equal(m.lagSummary().p999, 103.49);
});

test("the live line's p99 is not above the max either", () => {
  const m = new RunMetrics(0);
  m.record(call(0, 1.2, 4.9));
  m.record(call(1, 103.49, 65.45));
  assert.ok(m.p99() <= m.latencySummary().max, `p99 ${m.p99()} above max ${m.latencySummary().max}`);
});
