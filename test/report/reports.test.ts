/**
 * Report wording: what the per-call lines and the summaries say, and when
 * the report blames this machine for the rate.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Chalk } from 'chalk';
import { EventGenerator, SEEDED_EPOCH } from '../../src/generate/events.js';
import { RunMetrics } from '../../src/metrics/run-metrics.js';
import type { CallResult } from '../../src/model/results.js';
import { constantPacer } from '../../src/pace/pacer.js';
import { resultLine } from '../../src/report/fire-report.js';
import { achievedRate, scheduleBehind } from '../../src/report/rate-limits.js';
import { replayLine, replaySummaryText, summarise } from '../../src/report/replay-report.js';
import { type FireSummary, fire } from '../../src/run/fire.js';
import type { ReplayResult } from '../../src/run/replay.js';
import { NO_RETRIES } from '../../src/run/retry-policy.js';
import type { HttpClient } from '../../src/transport/http.js';

const c = new Chalk({ level: 0 });

function callResult(patch: Partial<CallResult>): CallResult {
  return {
    index: 0,
    attempt: 1,
    final: true,
    id: 'id0',
    type: 'failure',
    scenario: 'sync-userunknown',
    style: 'gmail',
    recipient: 'a@example.nl',
    url: 'http://127.0.0.1:1/',
    intendedAt: 0,
    sentAt: 0,
    latencyMs: 1,
    ...patch,
  };
}

function replayResult(patch: Partial<ReplayResult>): ReplayResult {
  const [call] = new EventGenerator({ seed: 1, clock: () => SEEDED_EPOCH, type: 'failure' }).take(1);
  return {
    planned: {
      call: call!,
      expect: { class: 2 },
      sendOffsetMs: 0,
      label: 'sync-userunknown (gmail)',
      location: { file: 'f.json', line: 3, path: '$.calls[0]', index: 0 },
    },
    sent: call!,
    url: 'http://127.0.0.1:1/',
    latencyMs: 1,
    ok: false,
    expected: '2xx',
    startedAt: 0,
    attempts: 1,
    ...patch,
  } as ReplayResult;
}

const refused = { errorKind: 'refused' as const, error: 'connect ECONNREFUSED 127.0.0.1:1' };

describe('per-call lines', () => {
  test('fire: no "gave up" when no retry was configured; said after retries', () => {
    const once = resultLine(callResult({ ...refused, givenUp: 'exhausted' }), c);
    assert.match(once, /^✘ REFUSED /);
    assert.doesNotMatch(once, /gave up/);
    const after = resultLine(callResult({ ...refused, attempt: 3, givenUp: 'exhausted' }), c);
    assert.match(after, /gave up: exhausted/);
  });

  test('replay: the same error-kind label as fire, and the same rule for "gave up"', () => {
    const once = replayLine(replayResult({ ...refused, givenUp: 'exhausted' }), c);
    assert.match(once, /^✘ REFUSED \(expected 2xx\)/);
    assert.doesNotMatch(once, /gave up|ERROR/);
    assert.match(replayLine(replayResult({ errorKind: 'timeout', error: 'timeout' }), c), /^✘ TIMEOUT /);
    const after = replayLine(replayResult({ ...refused, attempts: 4, givenUp: 'exhausted' }), c);
    assert.match(after, /attempt 4 {2}gave up: exhausted/);
  });

  test('replay summary: the count once', () => {
    const ok = replayResult({ status: 200, ok: true });
    const all = replaySummaryText(summarise(1, 2, [ok, ok], 0, 10), c);
    assert.match(all, /^2 of 2 calls from 1 file sent, all as expected in /);
    const some = replaySummaryText(summarise(1, 2, [ok, replayResult({ status: 500 })], 0, 10), c);
    assert.match(some, /^2 of 2 calls from 1 file sent, 1 as expected, 1 not as expected in /);
  });
});

describe('rate', () => {
  test('an open run of n calls at r/s achieves r/s: measured over the schedule, not to the last answer', async () => {
    const http = {
      post: async () => {
        await new Promise((r) => setTimeout(r, 30)); // slow answers must not lower the rate
        return { status: 200, responseBytes: 0, latencyMs: 30 };
      },
      destroy: async () => undefined,
      close: async () => undefined,
    } as unknown as HttpClient;
    const summary = await fire(
      {
        format: 'form',
        dialect: 'smtpeter',
        calls: new EventGenerator({ seed: 1, clock: () => SEEDED_EPOCH }).calls(),
        targets: { url: new URL('http://127.0.0.1:9/hook') },
        model: { kind: 'open', pacer: constantPacer(20), maxInFlight: 10 },
        count: 4,
      },
      {
        http,
        now: () => performance.timeOrigin + performance.now(),
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      },
    );
    assert.equal(summary.metrics.sent, 4);
    const rate = achievedRate(summary);
    assert.ok(Math.abs(rate - 20) < 1, `${rate.toFixed(2)}/s, want ≈20/s`);
  });

  /** An open run with schedule lag p99 of 80 ms, `sent` calls over 1 s. */
  function laggingRun(sent: number, dropped = 0): FireSummary {
    const metrics = new RunMetrics(0);
    for (let i = 0; i < sent; i++)
      metrics.record(callResult({ index: i, status: 200, intendedAt: i * 10, sentAt: i * 10 + 80 }));
    for (let i = 0; i < dropped; i++)
      metrics.recordDropped({ index: sent + i, intendedAt: 0, reason: 'late' });
    return {
      metrics,
      planned: sent + dropped,
      unsent: 0,
      durationMs: 1100,
      rateWindowMs: 1000,
      interrupted: false,
      aborted: 0,
      model: 'open',
      retry: NO_RETRIES,
      disorder: {},
    };
  }

  test('the machine is blamed only when the rate fell short or calls were dropped, not for lag alone', () => {
    assert.equal(scheduleBehind(laggingRun(100), 100), undefined, 'target kept: 100/s');
    assert.equal(scheduleBehind(laggingRun(995), 1000), undefined, 'within 1%');
    assert.match(
      String(scheduleBehind(laggingRun(950), 1000)),
      /could not generate and send at the target rate/,
    );
    assert.match(String(scheduleBehind(laggingRun(100, 3), 100)), /could not generate/);
  });
});
