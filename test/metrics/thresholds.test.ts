import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RunMetrics } from '../../src/metrics/run-metrics.js';
import { evaluate, parseThreshold, type Threshold } from '../../src/metrics/thresholds.js';
import type { CallResult } from '../../src/model/results.js';

function result(i: number, status: number | undefined, latencyMs: number, lagMs = 0): CallResult {
  return {
    index: i,
    attempt: 1,
    final: true,
    id: `id${i}`,
    type: 'failure',
    scenario: 's',
    style: 'x',
    recipient: 'a@b.c',
    url: 'http://127.0.0.1/',
    intendedAt: 1000,
    sentAt: 1000 + lagMs,
    latencyMs,
    ...(status !== undefined ? { status } : { errorKind: 'refused' as const, error: 'refused' }),
  };
}

const parse = (t: string): Threshold => {
  const p = parseThreshold(t);
  assert.notEqual(typeof p, 'string', String(p));
  return p as Threshold;
};

describe('thresholds', () => {
  test('parse: latency, shares, rate; errors name the problem', () => {
    assert.deepEqual(parse('p99<250ms'), {
      text: 'p99<250ms',
      metric: 'p99',
      op: '<',
      limit: 250,
      unit: 'ms',
    });
    assert.equal(parse('p99.9 <= 1s').limit, 1000);
    assert.equal(parse('errors<1%').limit, 0.01);
    assert.equal(parse('5xx<0.5%').metric, '5xx');
    assert.equal(parse('rate>=600/m').limit, 10);
    assert.match(String(parseThreshold('p99<250')), /needs ms or s/);
    assert.match(String(parseThreshold('errors<1')), /percentage/);
    assert.match(String(parseThreshold('speed>3')), /unknown metric/);
    assert.match(String(parseThreshold('p99 about 3ms')), /not metric<value/);
  });

  test('evaluate against a run: corrected latency, error share, status class, rate', () => {
    const m = new RunMetrics(0);
    for (let i = 0; i < 96; i++) m.record(result(i, 204, 5));
    m.record(result(96, 503, 5));
    m.record(result(97, 500, 5));
    m.record(result(98, undefined, 1));
    m.record(result(99, 204, 100, 400)); // 400 ms late: corrected 500 ms
    const r = evaluate(
      [
        'p50<10ms',
        'p99<250ms',
        'max<600ms',
        'errors<1%',
        'errors<5%',
        '5xx<1%',
        '5xx<=2%',
        'rate>=100/s',
      ].map(parse),
      m,
      1000,
    );
    assert.deepEqual(
      r.map((x) => [x.threshold.text, x.passed]),
      [
        ['p50<10ms', true],
        ['p99<250ms', true],
        ['max<600ms', true],
        ['errors<1%', false],
        ['errors<5%', true],
        ['5xx<1%', false],
        ['5xx<=2%', true],
        ['rate>=100/s', true],
      ],
    );
    assert.ok(Math.abs(m.latencySummary().max - 500) < 1, String(m.latencySummary().max));
    assert.ok(Math.abs(m.serviceSummary().max - 100) < 1);
  });
});
