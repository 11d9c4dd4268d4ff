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
