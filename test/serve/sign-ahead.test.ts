import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SimCall } from '../../src/model/events.js';
import type { BuiltRequest, Targets } from '../../src/run/request.js';
import { DueQueue } from '../../src/serve/dispatch/due-queue.js';
import { SignAhead } from '../../src/serve/dispatch/sign-ahead.js';

const call = (id: string): SimCall => ({
  event: { id, type: 'delivery' } as SimCall['event'],
  scenario: 's',
  style: 't',
});

/** A signer that records what it was asked to sign; each request names the call, the URL and the how-many-th signing it was. */
function recordingSigner(): { signed: string[]; sign: (c: SimCall, url: URL) => Promise<BuiltRequest> } {
  const signed: string[] = [];
  return {
    signed,
    sign: (c, url) => {
      signed.push(`${c.event.id}@${url.pathname}`);
      return Promise.resolve({ url, headers: { n: String(signed.length) }, body: Buffer.from(c.event.id) });
    },
  };
}

test('due calls are signed before a sender asks, up to the depth, handed out in order and each signed once', async () => {
  const queue = new DueQueue();
  const targets: Targets = { url: new URL('http://127.0.0.1:9/a') };
  const { signed, sign } = recordingSigner();
  const ahead = new SignAhead(queue, sign, targets, 3);
  for (const id of ['1', '2', '3', '4', '5']) queue.push(call(id), Date.now() - 1);
  const first = (await ahead.next())!;
  assert.equal(first.event.id, '1');
  assert.deepEqual(signed, ['1@/a', '2@/a', '3@/a'], 'three signed ahead, the rest left in the queue');
  assert.equal(ahead.size + queue.size, 4, 'nothing lost: two taken ahead, two still queued');
  const built = await ahead.build(first, targets.url!);
  assert.equal(built.headers.n, '1', 'the request signed ahead, not a second signing');
  assert.equal(signed.length, 3);
  // A retry of the same call is signed afresh.
  assert.equal((await ahead.build(first, targets.url!)).headers.n, '4');
  const ids: string[] = [];
  for (let i = 0; i < 4; i++) ids.push((await ahead.next())!.event.id);
  assert.deepEqual(ids, ['2', '3', '4', '5']);
  assert.deepEqual(signed, ['1@/a', '2@/a', '3@/a', '1@/a', '4@/a', '5@/a']);
  queue.close();
});

test('a call signed ahead for a URL changed since is signed again for the new one; with nothing due the reader waits', async () => {
  const queue = new DueQueue();
  const targets: Targets = { url: new URL('http://127.0.0.1:9/old') };
  const { signed, sign } = recordingSigner();
  const ahead = new SignAhead(queue, sign, targets, 4);
  queue.push(call('a'), Date.now() - 1);
  queue.push(call('b'), Date.now() - 1);
  const a = (await ahead.next())!;
  targets.url = new URL('http://127.0.0.1:9/new');
  const built = await ahead.build(a, targets.url);
  assert.equal(built.url.pathname, '/new');
  assert.deepEqual(signed, ['a@/old', 'b@/old', 'a@/new']);
  assert.equal((await ahead.next())?.event.id, 'b');
  const waiting = ahead.next();
  assert.ok(waiting instanceof Promise, 'nothing due: a promise');
  queue.push(call('c'), Date.now() - 1);
  const c = (await waiting)!;
  assert.equal(c.event.id, 'c');
  await ahead.build(c, targets.url);
  assert.deepEqual(
    signed.slice(3),
    ['c@/new'],
    'a call given straight to a waiting reader is signed when built',
  );
  queue.close();
  assert.equal(await ahead.next(), undefined);
});
