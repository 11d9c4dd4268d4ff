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
import { achievedRate, buildersLimit, scheduleBehind } from '../../src/report/rate-limits.js';
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
    // Virtual time: the rate is a property of the schedule, not of how busy this machine is.
    const clock = virtualClock(SEEDED_EPOCH);
    const http = {
      post: async () => {
        await clock.sleep(30); // slow answers must not lower the rate
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
      { http, now: clock.now, sleep: clock.sleep },
    );
    assert.equal(summary.metrics.sent, 4);
    const rate = achievedRate(summary);
    assert.ok(Math.abs(rate - 20) < 0.01, `${rate.toFixed(2)}/s, want 20/s`);
  });

  /** A clock that moves only when every task is waiting: each step wakes the earliest sleeper. */
  function virtualClock(start: number): { now: () => number; sleep: (ms: number) => Promise<void> } {
    let t = start;
    const timers: { at: number; wake: () => void }[] = [];
    let driving = false;
    const step = (): void => {
      if (timers.length === 0) {
        driving = false;
        return;
      }
      timers.sort((a, b) => a.at - b.at);
      const next = timers.shift()!;
      t = Math.max(t, next.at);
      next.wake();
      setImmediate(step);
    };
    return {
      now: () => t,
      sleep: (ms) =>
        new Promise<void>((wake) => {
          timers.push({ at: t + ms, wake });
          if (!driving) {
            driving = true;
            setImmediate(step);
          }
        }),
    };
  }

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

  test('build workers are blamed for a short rate while busy, not when a signal stopped the run', () => {
    const busyPool = { size: 1, busyMs: 1050, built: 5000 };
    assert.match(
      String(buildersLimit(laggingRun(950), busyPool, 1000)),
      /1 build worker\(s\) busy 95% of the run/,
    );
    // Stopped at once: nothing sent, and the schedule built ahead measured against a run of no length.
    const stopped = { ...laggingRun(0), durationMs: 3, interrupted: true };
    assert.equal(buildersLimit(stopped, busyPool, 1000), undefined);
  });

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
