import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CallResult } from '../../src/model/results.js';
import { constantPacer } from '../../src/pace/pacer.js';
import { PreciseSleeper } from '../../src/pace/precise-sleep.js';
import { fire } from '../../src/run/fire.js';
import type { CallSource, PreparedCall } from '../../src/run/source.js';
import type { HttpClient, HttpResult, RequestHeaders } from '../../src/transport/http.js';

/** Prepared calls `0..n-1`; every third one answers later, as a worker's batch would. */
function source(n: number): CallSource & { handedOut: number } {
  let i = 0;
  const s = {
    handedOut: 0,
    next(): PreparedCall | undefined | Promise<PreparedCall | undefined> {
      if (i >= n) return undefined;
      const k = i++;
      s.handedOut++;
      const call: PreparedCall = {
        event: { id: `id-${k}`, type: 'failure', recipient: `r${k}@example.com` },
        scenario: 'sync-userunknown',
        style: 'postfix',
        request: {
          headers: ['Content-Type', 'text/plain', 'X-K', String(k)],
          body: Buffer.from(`body ${k}`),
        },
      };
      return k % 3 === 2 ? new Promise((r) => setTimeout(() => r(call), 2)) : call;
    },
  };
  return s;
}

/** An HttpClient stand-in that records what it was asked to send. */
function fakeHttp(): { http: HttpClient; sent: { headers: RequestHeaders; body: string }[] } {
  const sent: { headers: RequestHeaders; body: string }[] = [];
  const http = {
    post: async (_url: URL, headers: RequestHeaders, body: Buffer): Promise<HttpResult> => {
      sent.push({ headers, body: body.toString() });
      return { status: 204, responseBytes: 0, latencyMs: 0.1 };
    },
    destroy: async () => {},
    close: async () => {},
  } as unknown as HttpClient;
  return { http, sent };
}

const url = new URL('http://127.0.0.1:9/hook');
const options = { format: 'form' as const, dialect: 'smtpeter' as const, targets: { url } };

describe('fire with a call source that sometimes answers later', () => {
  test('closed model: every call sent once, its prepared request as built, accounting sums', async () => {
    const { http, sent } = fakeHttp();
    const results: CallResult[] = [];
    const s = await fire(
      { ...options, calls: source(40), model: { kind: 'closed', concurrency: 4 }, count: 40 },
      {
        http,
        now: () => performance.timeOrigin + performance.now(),
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
        onResult: (r) => results.push(r),
      },
    );
    assert.equal(s.metrics.sent, 40);
    assert.equal(s.metrics.ok, 40);
    assert.equal(s.planned, 40);
    assert.equal(s.unsent, 0);
    assert.deepEqual(
      sent.map((x) => x.body).sort(),
      Array.from({ length: 40 }, (_, k) => `body ${k}`).sort(),
    );
    for (const x of sent) assert.equal((x.headers as string[])[3], x.body.slice(5));
    assert.deepEqual(new Set(results.map((r) => r.id)).size, 40);
  });

  test('open model with the precise sleeper: calls in source order, none dropped, source ends the run', async () => {
    const { http, sent } = fakeHttp();
    const sleeper = new PreciseSleeper();
    const results: CallResult[] = [];
    try {
      const s = await fire(
        {
          ...options,
          calls: source(30),
          model: { kind: 'open', pacer: constantPacer(1000), maxInFlight: 100 },
          count: 50,
        },
        {
          http,
          now: () => performance.timeOrigin + performance.now(),
          sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
          preciseSleep: (ms) => sleeper.sleep(ms),
          onResult: (r) => results.push(r),
        },
      );
      // The source has 30 calls: the run plans 50 but ends with the source.
      assert.equal(s.metrics.sent, 30);
      assert.equal(s.planned, 30);
      assert.equal(s.metrics.dropped, 0);
      assert.deepEqual(
        sent.map((x) => x.body),
        Array.from({ length: 30 }, (_, k) => `body ${k}`),
      );
      for (const r of results) assert.equal(r.id, `id-${r.index}`);
      for (const r of results) assert.ok(r.sentAt >= r.intendedAt, 'never sent before its time');
    } finally {
      await sleeper.close();
    }
  });
});
