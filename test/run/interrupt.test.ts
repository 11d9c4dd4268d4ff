/**
 * A stop in every model reaches the drain at once: requests in flight get
 * the grace period, then are cut off; nothing waits for a receiver that does
 * not answer. The receiver here never answers on its own: a post ends only
 * when the transport is destroyed, so a run that returns at all was cut off
 * by the drain, not by an answer.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { formatProblem } from '../../src/fixture-file/format.js';
import { loadFixtures } from '../../src/fixture-file/load.js';
import { EventGenerator, SEEDED_EPOCH } from '../../src/generate/events.js';
import type { CallResult } from '../../src/model/results.js';
import { constantPacer } from '../../src/pace/pacer.js';
import { fire, type LoadModel } from '../../src/run/fire.js';
import { replay } from '../../src/run/replay.js';
import type { HttpClient, HttpResult } from '../../src/transport/http.js';
import { failureEntry } from '../helpers/fixture-entry.js';

/** A receiver that holds every request until the transport is destroyed (then: the request fails). */
function silentReceiver() {
  const pending: ((r: HttpResult) => void)[] = [];
  let destroyed = 0;
  let posted = 0;
  const onPost: (() => void)[] = [];
  const http = {
    post: (): Promise<HttpResult> => {
      posted++;
      for (const f of onPost.splice(0)) f();
      return new Promise((resolve) => pending.push(resolve));
    },
    destroy: async () => {
      destroyed++;
      for (const resolve of pending.splice(0))
        resolve({ responseBytes: 0, latencyMs: 1, errorKind: 'other', error: 'run interrupted' });
    },
    close: async () => undefined,
  };
  return {
    http: http as unknown as HttpClient,
    get destroyed() {
      return destroyed;
    },
    get posted() {
      return posted;
    },
    /** Resolves once `n` requests are on the wire. */
    posts(n: number): Promise<void> {
      return new Promise((resolve) => {
        const check = (): void => {
          if (posted >= n) resolve();
          else onPost.push(check);
        };
        check();
      });
    },
  };
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });

async function fireAndStop(model: LoadModel, extra: { count?: number; durationMs?: number } = {}) {
  const receiver = silentReceiver();
  const stop = new AbortController();
  const results: CallResult[] = [];
  const calls = new EventGenerator({ seed: 1, clock: () => SEEDED_EPOCH, type: 'failure' }).calls();
  const inFlight = model.kind === 'closed' ? model.concurrency : 3;
  void receiver.posts(inFlight).then(() => stop.abort());
  const summary = await fire(
    {
      format: 'form',
      dialect: 'smtpeter',
      calls,
      targets: { url: new URL('http://127.0.0.1:9/hook') },
      graceMs: 20,
      seed: 5,
      ...extra,
      model,
    },
    {
      http: receiver.http,
      now: () => performance.timeOrigin + performance.now(),
      sleep,
      signal: stop.signal,
      onResult: (r) => results.push(r),
    },
  );
  return { summary, results, receiver };
}

describe('a stop gives requests in flight the grace period, then cuts them off', () => {
  test('closed model: the senders waiting for an answer do not hold the stop', async () => {
    const { summary, results, receiver } = await fireAndStop(
      { kind: 'closed', concurrency: 4 },
      { count: 100 },
    );
    assert.equal(summary.interrupted, true);
    assert.equal(receiver.destroyed, 1, 'cut off by the drain');
    assert.equal(summary.aborted, 4, 'the four in flight');
    assert.equal(receiver.posted, 4, 'no call started after the stop');
    assert.equal(results.filter((r) => r.final).length, 4, 'each cut-off call has its record');
    assert.equal(summary.planned, summary.metrics.ok + summary.metrics.failed + summary.unsent);
    assert.equal(summary.unsent, 96);
  });

  test('closed model with a duration and no count: the same', async () => {
    const { summary, receiver } = await fireAndStop(
      { kind: 'closed', concurrency: 2 },
      { durationMs: 600_000 },
    );
    assert.equal(summary.interrupted, true);
    assert.equal(receiver.destroyed, 1);
    assert.equal(summary.aborted, 2);
  });

  test('open model: the same', async () => {
    const { summary, receiver } = await fireAndStop(
      { kind: 'open', pacer: constantPacer(1000), maxInFlight: 10 },
      { count: 1000 },
    );
    assert.equal(summary.interrupted, true);
    assert.equal(receiver.destroyed, 1);
    assert.ok(summary.aborted >= 3, `${summary.aborted} cut off`);
  });

  test('replay: the call in flight gets the grace period and is cut off; the rest stay unsent', async () => {
    const receiver = silentReceiver();
    const stop = new AbortController();
    void receiver.posts(1).then(() => stop.abort());
    const dir = mkdtempSync(join(tmpdir(), 'interrupt-'));
    const file = join(dir, 'f.json');
    writeFileSync(
      file,
      JSON.stringify({ calls: [failureEntry('c1'), failureEntry('c2'), failureEntry('c3')] }),
    );
    const loaded = loadFixtures([file], dir);
    assert.deepEqual(loaded.problems.map(formatProblem), []);
    const planned = loaded.calls;
    const run = await replay(
      planned,
      {
        format: 'form',
        dialect: 'smtpeter',
        targets: { url: new URL('http://127.0.0.1:9/hook') },
        pacing: { kind: 'asap' },
        keepTime: false,
        signingFor: () => undefined,
        graceMs: 20,
      },
      {
        post: (...args) => receiver.http.post(...args),
        now: () => Date.now(),
        sleep,
        signal: stop.signal,
        abortInFlight: () => receiver.http.destroy(),
      },
    );
    assert.equal(receiver.destroyed, 1);
    assert.equal(run.results.length, 1, 'the cut-off call has its result');
    assert.equal(run.results[0]?.ok, false);
    assert.equal(run.unsent, 2);
  });
});
