import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CallResult } from '../../src/model/results.js';
import { attempt, attemptThen, type Send } from '../../src/run/attempt.js';
import { drain } from '../../src/run/drain.js';
import { runSequence } from '../../src/run/executors/sequence.js';
import type { RequestMaker } from '../../src/run/outgoing.js';
import { fanOut } from '../../src/run/result-sink.js';
import type { RetryPolicy } from '../../src/run/retry-policy.js';
import { RetryQueue } from '../../src/run/retry-queue.js';
import { SendEngine } from '../../src/run/send-engine.js';
import type { CallInfo } from '../../src/run/source.js';
import type { HttpResult } from '../../src/transport/http.js';

/**
 * The engine's parts on their own: one attempt makes one record, the engine
 * owns a call's life (retries through the queue, one final record), the
 * sequence executor waits for each call's end. A scripted receiver, waits
 * that end at once: no wall-clock assertions.
 */

interface TestCall extends CallInfo {
  /** What the fixture-like goal is (replay's `expect`); default 2xx. */
  expect?: number;
}

const call = (id: string, expect?: number): TestCall => ({
  event: { id, type: 'failure', recipient: `${id}@example.com` },
  scenario: 'test',
  style: 'test',
  ...(expect !== undefined ? { expect } : {}),
});

const URL_A = new URL('http://127.0.0.1:9/a');

const maker = (built: string[] = []): RequestMaker<TestCall> => ({
  target: () => URL_A,
  request: (c, n) => {
    built.push(`${c.event.id}#${n}`);
    return { headers: { 'X-Attempt': String(n) }, body: Buffer.from(c.event.id) };
  },
});

const retry = (retries: number): RetryPolicy => ({
  retries,
  backoff: { kind: 'exponential', baseMs: 1000, jitter: 'full' },
  maxMs: 10_000,
});

/** A receiver scripted per id: the statuses it answers, in order (the last repeats). */
function receiver(script: Record<string, number[]>) {
  const seen = new Map<string, number>();
  const sent: { url: string; headers: unknown; body: string }[] = [];
  const post = async (url: URL, headers: unknown, body: Buffer): Promise<HttpResult> => {
    sent.push({ url: url.href, headers, body: body.toString() });
    const id = body.toString();
    const n = seen.get(id) ?? 0;
    seen.set(id, n + 1);
    const statuses = script[id] ?? [200];
    await new Promise((r) => setImmediate(r));
    return { status: statuses[Math.min(n, statuses.length - 1)]!, responseBytes: 0, latencyMs: 2 };
  };
  return { post, sent };
}

const instantSleep = (_ms: number, _signal?: AbortSignal): Promise<void> =>
  new Promise((r) => setImmediate(r));

function engineWith(
  script: Record<string, number[]>,
  policy: RetryPolicy,
  options: { met?: boolean; signal?: AbortSignal; sleep?: typeof instantSleep } = {},
) {
  const rx = receiver(script);
  const records: CallResult[] = [];
  const built: string[] = [];
  const requests = maker(built);
  if (options.met) requests.met = (c, status) => status === (c.expect ?? 200);
  let t = 1_000_000;
  const engine = new SendEngine<TestCall>(
    { requests, retry: policy, seed: 7 },
    {
      post: rx.post,
      now: () => (t += 1),
      sleep: options.sleep ?? instantSleep,
      ...(options.signal ? { signal: options.signal } : {}),
    },
    fanOut([{ onResult: (r) => records.push(r) }]),
  );
  return { engine, records, built, rx };
}

describe('attempt: one request in, one record out', () => {
  test('builds the request for its attempt number and records the answer', async () => {
    const rx = receiver({ a: [503] });
    const built: string[] = [];
    const { record, outcome } = await attempt(
      { call: call('a'), index: 4, duplicate: true, delayMs: 30 },
      1,
      500,
      maker(built),
      rx.post,
      () => 510,
    );
    assert.deepEqual(built, ['a#1']);
    assert.deepEqual(rx.sent[0]?.headers, { 'X-Attempt': '1' });
    assert.equal(outcome.status, 503);
    assert.deepEqual(record, {
      index: 4,
      attempt: 1,
      final: true,
      id: 'a',
      type: 'failure',
      scenario: 'test',
      style: 'test',
      recipient: 'a@example.com',
      url: 'http://127.0.0.1:9/a',
      intendedAt: 500,
      sentAt: 510,
      latencyMs: 2,
      status: 503,
      duplicate: true,
      delayMs: 30,
    });
  });

  test('a request that cannot be built is a local error, never a rejection', async () => {
    const broken: RequestMaker<TestCall> = {
      target: () => {
        throw new Error('no URL for failure calls');
      },
      request: () => ({ headers: {}, body: Buffer.alloc(0) }),
    };
    const { record, outcome } = await attempt(
      { call: call('b'), index: 0, duplicate: false, delayMs: 0 },
      1,
      0,
      broken,
      receiver({}).post,
      () => 1,
    );
    assert.equal(outcome.local, true);
    assert.equal(record.errorKind, 'other');
    assert.equal(record.error, 'no URL for failure calls');
    assert.equal(record.url, '');
  });
});

describe('SendEngine: a call from its slot to its one final record', () => {
  test('retries through the queue, each attempt built afresh, one final record', async () => {
    const { engine, records, built } = engineWith({ a: [500, 503, 200] }, retry(3));
    await engine.start(call('a'), 0, 1_000_000);
    await engine.whenIdle();
    assert.deepEqual(built, ['a#1', 'a#2', 'a#3']);
    assert.deepEqual(
      records.map((r) => [r.attempt, r.status, r.final]),
      [
        [1, 500, false],
        [2, 503, false],
        [3, 200, true],
      ],
    );
    assert.ok(records[0]!.retryInMs! >= 0);
    assert.equal(engine.open, 0);
    assert.equal(engine.retries.waiting, 0);
  });

  test('out of retries: final, given up as exhausted', async () => {
    const { engine, records } = engineWith({ a: [500] }, retry(1));
    await engine.start(call('a'), 0, 1_000_000);
    await engine.whenIdle();
    assert.deepEqual(
      records.map((r) => [r.attempt, r.final, r.givenUp]),
      [
        [1, false, undefined],
        [2, true, 'exhausted'],
      ],
    );
  });

  test("a caller's goal: a 2xx where a refusal was expected is final and not retried", async () => {
    const { engine, records } = engineWith({ a: [200], b: [503, 401] }, retry(3), { met: true });
    await engine.start(call('a', 401), 0, 1_000_000, false, true);
    await engine.start(call('b', 401), 1, 1_000_000, false, true);
    assert.deepEqual(
      records.map((r) => [r.id, r.attempt, r.status, r.final, r.givenUp]),
      [
        ['a', 1, 200, true, 'not-retryable'],
        ['b', 1, 503, false, undefined],
        ['b', 2, 401, true, undefined],
      ],
    );
  });

  test('a stop while a call waits for its retry: ended at once, cancelled, with its last answer', async () => {
    const stop = new AbortController();
    // Retry waits end only when the run stops.
    const sleep = (_ms: number, signal?: AbortSignal): Promise<void> =>
      new Promise((r) =>
        signal?.aborted ? r() : signal?.addEventListener('abort', () => r(), { once: true }),
      );
    const { engine, records } = engineWith({ a: [503] }, retry(5), { signal: stop.signal, sleep });
    await engine.start(call('a'), 0, 1_000_000);
    assert.equal(engine.retries.waiting, 1);
    stop.abort();
    await engine.whenIdle();
    const last = records.at(-1)!;
    assert.deepEqual(
      [last.final, last.cancelled, last.givenUp, last.status],
      [true, true, 'interrupted', 503],
    );
    assert.equal(records.filter((r) => r.final).length, 1);
  });
});

describe('runSequence: one call at a time, each to its end', () => {
  test('the next call waits for the previous one, retries included', async () => {
    const { engine, rx } = engineWith({ a: [500, 500, 200], b: [200] }, retry(3));
    const calls = [call('a'), call('b')];
    const started = await runSequence(engine, 2, (i) => ({ call: calls[i]!, dueAt: 0 }), {
      now: () => 0,
      sleep: instantSleep,
    });
    assert.equal(started, 2);
    assert.deepEqual(
      rx.sent.map((s) => s.body),
      ['a', 'a', 'a', 'b'],
    );
  });

  test('a stop before a call is due: it and the rest are not started', async () => {
    const stop = new AbortController();
    const { engine, rx } = engineWith({}, retry(0), { signal: stop.signal });
    const calls = [call('a'), call('b'), call('c')];
    const started = await runSequence(
      engine,
      3,
      (i) => {
        if (i === 1) stop.abort();
        return { call: calls[i]!, dueAt: 0 };
      },
      { now: () => 0, sleep: instantSleep, signal: stop.signal },
    );
    assert.equal(started, 1);
    assert.deepEqual(
      rx.sent.map((s) => s.body),
      ['a'],
    );
  });
});

describe('RetryQueue and drain', () => {
  test('a queued retry is handed back cancelled when the run stops', async () => {
    const stop = new AbortController();
    const queue = new RetryQueue(
      (_ms, signal) => new Promise((r) => signal?.addEventListener('abort', () => r(), { once: true })),
      stop.signal,
    );
    const seen: string[] = [];
    queue.add(
      60_000,
      () => seen.push('due'),
      () => seen.push('cancelled'),
    );
    assert.equal(queue.waiting, 1);
    stop.abort();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(seen, ['cancelled']);
    assert.equal(queue.waiting, 0);
  });

  test('after a stop, in-flight requests get the grace period, then are cut off and counted', async () => {
    const stop = new AbortController();
    let release: () => void = () => {};
    const hanging = new Promise<void>((r) => (release = r));
    const records: CallResult[] = [];
    const engine = new SendEngine<TestCall>(
      { requests: maker(), retry: retry(0), seed: 1 },
      {
        post: async () => {
          await hanging;
          return { errorKind: 'other', error: 'aborted', responseBytes: 0, latencyMs: 0 };
        },
        now: () => 0,
        sleep: instantSleep,
        signal: stop.signal,
      },
      fanOut([{ onResult: (r) => records.push(r) }]),
    );
    void engine.start(call('a'), 0, 0);
    await new Promise((r) => setImmediate(r));
    stop.abort();
    let cut = false;
    const aborted = await drain(
      engine,
      10,
      async () => {
        cut = true;
        release();
      },
      stop.signal,
    );
    assert.equal(cut, true);
    assert.equal(aborted, 1);
    assert.equal(records.length, 1);
    assert.equal(engine.open, 0);
  });
});

describe('attemptThen: one record per attempt, whatever throws', () => {
  const out = { call: call('t1'), index: 0, duplicate: false, delayMs: 0 };
  const asyncMaker: RequestMaker<TestCall> = {
    target: () => URL_A,
    request: async () => ({ headers: {}, body: Buffer.from('x') }),
  };

  test('a send that throws after an async build: one local error record, no unhandled rejection', async () => {
    const records: CallResult[] = [];
    const throwing: Send = () => {
      throw new Error('dispatch refused');
    };
    attemptThen(
      out,
      1,
      0,
      asyncMaker,
      throwing,
      () => 5,
      (a) => records.push(a.record),
    );
    await new Promise((r) => setImmediate(r));
    assert.equal(records.length, 1);
    assert.equal(records[0]!.errorKind, 'other');
    assert.equal(records[0]!.error, 'dispatch refused');
  });

  test('a send that answers and then throws: still one record', () => {
    const records: CallResult[] = [];
    const answersThenThrows: Send = (_u, _h, _b, done) => {
      done({ status: 204, latencyMs: 1, responseBytes: 0 });
      throw new Error('late');
    };
    attemptThen(
      out,
      1,
      0,
      maker(),
      answersThenThrows,
      () => 5,
      (a) => records.push(a.record),
    );
    assert.deepEqual(
      records.map((r) => r.status),
      [204],
    );
  });

  test('a caller whose done throws hears its own error once, with no second record', () => {
    let calls = 0;
    const answers: Send = (_u, _h, _b, done) => done({ status: 204, latencyMs: 1, responseBytes: 0 });
    assert.throws(
      () =>
        attemptThen(
          out,
          1,
          0,
          maker(),
          answers,
          () => 5,
          () => {
            calls++;
            throw new Error('sink failed');
          },
        ),
      /sink failed/,
    );
    assert.equal(calls, 1);
  });
});
