import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRng } from '../../src/random/rng.js';
import {
  type AttemptOutcome,
  backoffDelay,
  decideRetry,
  describePolicy,
  isRetryable,
  MAIL_RETRY_SCHEDULE_MS,
  parseRetryAfter,
  parseRetrySchedule,
  type RetryPolicy,
  retryRng,
} from '../../src/run/retry-policy.js';

const NOW = Date.UTC(2026, 0, 15, 9, 30, 0);
const dur = (t: string): number | undefined => {
  const m = /^(\d+)(ms|s|m)$/.exec(t);
  return m ? Number(m[1]) * (m[2] === 'm' ? 60_000 : m[2] === 's' ? 1000 : 1) : undefined;
};

const expo = (retries: number, baseMs = 100, maxMs = 10_000, jitter: 'full' | 'decorrelated' = 'full') =>
  ({ retries, backoff: { kind: 'exponential', baseMs, jitter }, maxMs }) satisfies RetryPolicy;

describe('retry policy: what is retried', () => {
  const cases: [AttemptOutcome, boolean][] = [
    [{ errorKind: 'refused' }, true],
    [{ errorKind: 'reset' }, true],
    [{ errorKind: 'timeout' }, true],
    [{ errorKind: 'other' }, true],
    [{ errorKind: 'tls' }, false],
    [{ errorKind: 'other', local: true }, false],
    [{ status: 500 }, true],
    [{ status: 502 }, true],
    [{ status: 503 }, true],
    [{ status: 504 }, true],
    [{ status: 429 }, true],
    [{ status: 408 }, true],
    [{ status: 200 }, false],
    [{ status: 204 }, false],
    [{ status: 301 }, false],
    [{ status: 400 }, false],
    [{ status: 401 }, false],
    [{ status: 404 }, false],
    [{ status: 409 }, false],
    [{ status: 422 }, false],
  ];
  for (const [outcome, retryable] of cases)
    test(`${JSON.stringify(outcome)} → ${retryable ? 'retry' : 'final'}`, () =>
      assert.equal(isRetryable(outcome), retryable));

  test('decide: ok, not retryable, exhausted after --retries', () => {
    const rng = createRng(1);
    assert.deepEqual(decideRetry(expo(2), 1, { status: 204 }, rng, NOW), { retry: false, reason: 'ok' });
    assert.deepEqual(decideRetry(expo(2), 1, { status: 400 }, rng, NOW), {
      retry: false,
      reason: 'not-retryable',
    });
    assert.equal(decideRetry(expo(2), 1, { status: 503 }, rng, NOW).retry, true);
    assert.equal(decideRetry(expo(2), 2, { status: 503 }, rng, NOW).retry, true);
    assert.deepEqual(decideRetry(expo(2), 3, { status: 503 }, rng, NOW), {
      retry: false,
      reason: 'exhausted',
    });
    assert.deepEqual(decideRetry(expo(0), 1, { errorKind: 'refused' }, rng, NOW), {
      retry: false,
      reason: 'exhausted',
    });
  });
});

describe('retry policy: Retry-After', () => {
  test('delta-seconds and HTTP-date; past dates are 0; anything else is ignored', () => {
    assert.equal(parseRetryAfter('120', NOW), 120_000);
    assert.equal(parseRetryAfter(' 0 ', NOW), 0);
    assert.equal(parseRetryAfter(new Date(NOW + 7000).toUTCString(), NOW), 7000);
    assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', NOW), 0);
    for (const bad of [undefined, '', '-5', '1.5', 'soon', '12 34'])
      assert.equal(parseRetryAfter(bad, NOW), undefined);
  });

  test('on 429 and 503 it is a floor for the wait, capped by the max', () => {
    const rng = createRng(2);
    const policy = expo(3, 10, 5000);
    const d429 = decideRetry(policy, 1, { status: 429, retryAfter: '2' }, rng, NOW);
    assert.deepEqual(d429, { retry: true, delayMs: 2000, retryAfterMs: 2000 });
    const date = new Date(NOW + 3000).toUTCString();
    const d503 = decideRetry(policy, 1, { status: 503, retryAfter: date }, rng, NOW);
    assert.deepEqual(d503, { retry: true, delayMs: 3000, retryAfterMs: 3000 });
    const capped = decideRetry(policy, 1, { status: 429, retryAfter: '3600' }, rng, NOW);
    assert.deepEqual(capped, { retry: true, delayMs: 5000, retryAfterMs: 3_600_000 });
  });

  test('not on other statuses', () => {
    const d = decideRetry(expo(1, 10), 1, { status: 500, retryAfter: '60' }, createRng(3), NOW);
    assert.ok(d.retry && d.delayMs <= 10 && d.retryAfterMs === undefined, JSON.stringify(d));
  });

  test('with a compressed schedule it is compressed too', () => {
    const schedule = parseRetrySchedule('real:600', dur);
    assert.ok(typeof schedule !== 'string');
    const policy: RetryPolicy = { retries: 3, backoff: schedule, maxMs: Infinity };
    // The receiver asks for 10 minutes; on a clock 600× faster that is 1 s.
    const d = decideRetry(policy, 1, { status: 429, retryAfter: '600' }, createRng(4), NOW);
    assert.deepEqual(d, { retry: true, delayMs: 1000, retryAfterMs: 600_000 });
  });
});

describe('retry policy: backoff', () => {
  test('full jitter stays within [0, min(max, base·2^(k-1))] and spreads', () => {
    const rng = createRng(5);
    const backoff = { kind: 'exponential', baseMs: 100, jitter: 'full' } as const;
    for (let k = 1; k <= 8; k++) {
      const cap = Math.min(3000, 100 * 2 ** (k - 1));
      const draws = Array.from({ length: 200 }, () => backoffDelay(backoff, k, rng, 3000));
      assert.ok(
        draws.every((d) => d >= 0 && d <= cap),
        `k=${k}`,
      );
      assert.ok(Math.max(...draws) > cap * 0.8 && Math.min(...draws) < cap * 0.2, `k=${k} spreads`);
    }
  });

  test('decorrelated jitter stays within [base, min(max, 3·previous)]', () => {
    const rng = createRng(6);
    const backoff = { kind: 'exponential', baseMs: 100, jitter: 'decorrelated' } as const;
    let prev: number | undefined;
    for (let k = 1; k <= 30; k++) {
      const d = backoffDelay(backoff, k, rng, 2000, prev);
      assert.ok(d >= 100 && d <= Math.min(2000, 3 * (prev ?? 100)), `k=${k}: ${d} after ${prev}`);
      prev = d;
    }
  });

  test('the same seed and call give the same waits; another call, other waits', () => {
    const waits = (seed: number, index: number): number[] => {
      const rng = retryRng(seed, index);
      return [1, 2, 3, 4].map((k) => {
        const d = decideRetry(expo(4, 100, 60_000), k, { status: 503 }, rng, NOW);
        return d.retry ? d.delayMs : -1;
      });
    };
    assert.deepEqual(waits(42, 7), waits(42, 7));
    assert.notDeepEqual(waits(42, 7), waits(42, 8));
    assert.notDeepEqual(waits(42, 7), waits(43, 7));
  });
});

describe('retry policy: the mail schedule', () => {
  test('real: the ladder divided by 600 by default, by the factor given otherwise', () => {
    const real = parseRetrySchedule('real', dur);
    assert.ok(typeof real !== 'string');
    assert.equal(real.delaysMs.length, MAIL_RETRY_SCHEDULE_MS.length);
    assert.deepEqual(real.delaysMs.slice(0, 4), [100, 500, 1500, 3000]);
    const fast = parseRetrySchedule('real:6000x', dur);
    assert.ok(typeof fast !== 'string');
    assert.deepEqual(fast.delaysMs.slice(0, 3), [10, 50, 150]);
    assert.equal(fast.factor, 6000);
  });

  test('a list of waits is used as given', () => {
    const list = parseRetrySchedule('100ms, 1s,2m', dur);
    assert.ok(typeof list !== 'string');
    assert.deepEqual(list.delaysMs, [100, 1000, 120_000]);
    assert.equal(list.factor, 1);
  });

  test('bad schedules say what was expected', () => {
    assert.match(String(parseRetrySchedule('real:0', dur)), /factor must be more than 0/);
    assert.match(String(parseRetrySchedule('realtime', dur)), /expected real or real:FACTOR/);
    assert.match(String(parseRetrySchedule('100ms,soon', dur)), /'soon' is not a duration/);
  });

  test('retry k waits step k exactly; past --retries the call is given up', () => {
    const schedule = parseRetrySchedule('real:6000', dur);
    assert.ok(typeof schedule !== 'string');
    const policy: RetryPolicy = { retries: 3, backoff: schedule, maxMs: Infinity };
    const rng = createRng(7);
    const waits = [1, 2, 3].map((k) => decideRetry(policy, k, { errorKind: 'reset' }, rng, NOW));
    assert.deepEqual(
      waits.map((d) => (d.retry ? d.delayMs : -1)),
      [10, 50, 150],
    );
    assert.deepEqual(decideRetry(policy, 4, { errorKind: 'reset' }, rng, NOW), {
      retry: false,
      reason: 'exhausted',
    });
  });

  test('described for the report', () => {
    assert.equal(
      describePolicy(expo(2, 500, 30_000)),
      'up to 2 retries, exponential from 500ms, full jitter, at most 30s',
    );
    const schedule = parseRetrySchedule('real', dur);
    assert.ok(typeof schedule !== 'string');
    assert.equal(
      describePolicy({ retries: 3, backoff: schedule, maxMs: Infinity }),
      'up to 3 retries, mail schedule real÷600 100ms 500ms 1.5s',
    );
  });
});
