import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EventGenerator, SEEDED_EPOCH } from '../../src/generate/events.js';
import type { CallResult, UnsentCall } from '../../src/model/results.js';
import { constantPacer } from '../../src/pace/pacer.js';
import { type FireOptions, type FireSummary, fire, type LoadModel } from '../../src/run/fire.js';
import type { RetryPolicy } from '../../src/run/retry-policy.js';
import type { HttpClient, HttpResult } from '../../src/transport/http.js';

/**
 * The engine with a scripted receiver and waits that are under the test's
 * control: accounting and logging checked without wall-clock assertions.
 */

const retry = (retries: number): RetryPolicy => ({
  retries,
  backoff: { kind: 'exponential', baseMs: 10_000, jitter: 'full' },
  maxMs: 60_000,
});

interface Run {
  summary: FireSummary;
  results: CallResult[];
  unsent: UnsentCall[];
  requests: number;
}

async function run(
  answer: (id: string, attempt: number) => Partial<HttpResult>,
  options: Partial<FireOptions> & { model: LoadModel },
  control: { abortAfterResults?: number; abortAfterMs?: number; waitsEndOnlyOnAbort?: boolean } = {},
): Promise<Run> {
  const seen = new Map<string, number>();
  let requests = 0;
  const http = {
    post: async (_url: URL, _headers: Record<string, string>, body: Buffer): Promise<HttpResult> => {
      requests++;
      const id = new URLSearchParams(body.toString()).get('id') ?? '?';
      const n = (seen.get(id) ?? 0) + 1;
      seen.set(id, n);
      await new Promise((r) => setImmediate(r));
      return { responseBytes: 0, latencyMs: 1, ...answer(id, n) };
    },
    destroy: async () => undefined,
    close: async () => undefined,
  } as unknown as HttpClient;
  const stop = new AbortController();
  const results: CallResult[] = [];
  const unsent: UnsentCall[] = [];
  // Long waits (retries, delays) end only on abort when asked; short ones (pacing) at once.
  const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      if (control.waitsEndOnlyOnAbort && ms >= 1000) {
        signal?.addEventListener('abort', () => resolve(), { once: true });
        return;
      }
      setTimeout(resolve, Math.min(ms, 5));
    });
  if (control.abortAfterMs !== undefined) setTimeout(() => stop.abort(), control.abortAfterMs);
  const calls = new EventGenerator({ seed: 1, clock: () => SEEDED_EPOCH, type: 'failure' }).calls();
  const summary = await fire(
    {
      format: 'form',
      dialect: 'smtpeter',
      calls,
      targets: { url: new URL('http://127.0.0.1:9/hook') },
      graceMs: 50,
      seed: 5,
      ...options,
    },
    {
      http,
      now: () => performance.timeOrigin + performance.now(),
      sleep,
      signal: stop.signal,
      onResult: (r) => {
        results.push(r);
        if (control.abortAfterResults !== undefined && results.length >= control.abortAfterResults)
          stop.abort();
      },
      onUnsent: (u) => unsent.push(u),
    },
  );
  return { summary, results, unsent, requests };
}

/** planned = ok + failed + dropped + unsent, and one final result per call sent. */
function assertNothingLost(r: Run): void {
  const m = r.summary.metrics;
  assert.equal(r.summary.planned, m.ok + m.failed + m.dropped + r.summary.unsent);
  assert.equal(m.sent, m.ok + m.failed);
  const finals = r.results.filter((x) => x.final);
  assert.equal(finals.length, m.sent);
  assert.equal(new Set(finals.map((x) => x.index)).size, finals.length, 'one final result per call');
  assert.equal(m.attempts, r.requests);
  assert.equal(r.results.filter((x) => !x.cancelled).length, r.requests, 'a result per request');
}

describe('fire engine: retries', () => {
  test('closed model: retried calls delivered on a later attempt; the sum holds', async () => {
    const r = await run((_id, n) => ({ status: n === 1 ? 503 : 200 }), {
      model: { kind: 'closed', concurrency: 3 },
      count: 12,
      retry: retry(2),
    });
    assertNothingLost(r);
    const m = r.summary.metrics;
    assert.equal(m.ok, 12);
    assert.equal(m.attempts, 24);
    assert.equal(m.retried, 12);
    assert.equal(m.okAfterRetry, 12);
    assert.equal(m.waitingRetry, 0);
  });

  test('exhausted and not-retryable calls end failed with their last answer', async () => {
    const r = await run((id) => ({ status: id < '8' ? 500 : 404 }), {
      model: { kind: 'closed', concurrency: 2 },
      count: 10,
      retry: retry(2),
    });
    assertNothingLost(r);
    const m = r.summary.metrics;
    assert.equal(m.failed, 10);
    const exhausted = m.givenUp.get('exhausted') ?? 0;
    const notRetryable = m.givenUp.get('not-retryable') ?? 0;
    assert.equal(exhausted + notRetryable, 10);
    assert.equal(m.attempts, exhausted * 3 + notRetryable);
    assert.equal(m.lastFailure.get('500') ?? 0, exhausted);
    assert.equal(m.lastFailure.get('404') ?? 0, notRetryable);
  });

  test('open model: a stop while retries wait ends them failed (interrupted), none re-sent', async () => {
    const r = await run(
      () => ({ status: 503 }),
      {
        model: { kind: 'open', pacer: constantPacer(200), maxInFlight: 100 },
        count: 50,
        // Fixed long waits: every retry is still waiting when the stop comes.
        retry: {
          retries: 3,
          backoff: { kind: 'schedule', delaysMs: [5000], factor: 1, name: 'list' },
          maxMs: 60_000,
        },
      },
      { abortAfterResults: 10, waitsEndOnlyOnAbort: true },
    );
    assertNothingLost(r);
    const s = r.summary;
    assert.equal(s.interrupted, true);
    assert.equal(s.metrics.ok, 0);
    assert.ok(s.unsent > 0);
    const cancelled = r.results.filter((x) => x.cancelled);
    assert.ok(cancelled.length >= 10, String(cancelled.length));
    for (const c of cancelled) assert.ok(c.final && c.givenUp === 'interrupted' && c.status === 503);
    assert.equal(s.metrics.attempts, s.metrics.sent, 'no retry was sent');
  });

  test('a stop during --delay: those calls end unsent, never sent', async () => {
    const r = await run(
      () => ({ status: 200 }),
      {
        model: { kind: 'closed', concurrency: 4 },
        count: 20,
        disorder: { delay: { kind: 'fixed', ms: 5000 } },
      },
      { abortAfterMs: 50, waitsEndOnlyOnAbort: true },
    );
    // The four senders each wait in a delay; the stop ends them before any request.
    assert.equal(r.unsent.length, 4);
    assert.equal(r.summary.metrics.sent, 0);
    assertNothingLost(r);
    assert.equal(r.summary.unsent, 20, '4 stopped in their delay + 16 never started');
  });
});

describe('fire engine: disorder', () => {
  test('duplicates count in the run: planned includes them, each is one call with its own result', async () => {
    const r = await run(() => ({ status: 200 }), {
      model: { kind: 'closed', concurrency: 2 },
      count: 40,
      disorder: { duplicate: 0.5, reorder: 4 },
    });
    assertNothingLost(r);
    const m = r.summary.metrics;
    assert.equal(r.summary.planned, 40);
    assert.equal(m.sent, 40);
    assert.ok(m.duplicates > 5, String(m.duplicates));
    const ids = r.results.map((x) => x.id);
    assert.equal(ids.length - new Set(ids).size, m.duplicates);
    assert.equal(r.results.filter((x) => x.duplicate).length, m.duplicates);
  });
});
