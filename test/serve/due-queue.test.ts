import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SimCall } from '../../src/model/events.js';
import { DueQueue } from '../../src/serve/dispatch/due-queue.js';

const call = (id: string): SimCall => ({ event: { id } as SimCall['event'], scenario: 's', style: 't' });

test('the due queue answers each reader in due order, waits for calls not yet due, ends readers at close', async () => {
  const q = new DueQueue();
  const now = Date.now();
  q.push(call('late'), now + 80);
  q.push(call('first'), now - 10);
  q.push(call('second'), now);
  const a = await q.next();
  const b = await q.next();
  assert.deepEqual([a?.event.id, b?.event.id], ['first', 'second']);
  const started = Date.now();
  const c = await q.next();
  assert.equal(c?.event.id, 'late');
  assert.ok(Date.now() - started >= 50, 'the late call waited for its time');
  const pending = q.next();
  q.close();
  assert.equal(await pending, undefined);
  assert.equal(q.next(), undefined);
});

test("with an order key, a message's call waits for the first answer of its earlier call; other messages and retries do not wait", async () => {
  const message = (c: SimCall): string => c.event.id.split('/')[0]!;
  const q = new DueQueue(Date.now, message);
  const now = Date.now();
  const delivery = call('m1/0');
  const open = call('m1/1');
  const other = call('m2/0');
  q.push(delivery, now - 3);
  q.push(open, now - 2);
  q.push(other, now - 1);
  // The open is due, but held behind the delivery; m2's call is not.
  assert.equal(await q.next(), delivery);
  assert.equal(await q.next(), other);
  assert.equal(q.size, 1, 'the held open is still counted as waiting');
  const pending = q.next();
  let taken: SimCall | undefined;
  void Promise.resolve(pending).then((c) => {
    taken = c;
  });
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(taken, undefined, 'not handed out before the delivery was answered');
  q.answered(delivery);
  assert.equal(await pending, open);
  // The open answered with nothing behind it: the key is free, a later call goes at once.
  q.answered(open);
  const click = call('m1/2');
  q.push(click, Date.now());
  assert.equal(await q.next(), click);
  q.close();
});
