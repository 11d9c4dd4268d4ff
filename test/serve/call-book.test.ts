import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SimCall } from '../../src/model/events.js';
import { CallBook } from '../../src/serve/dispatch/call-book.js';
import type { ServeStore } from '../../src/serve/store/store.js';
import type { TimelineEvent } from '../../src/serve/types.js';

const pendingEvent = (messageId: string, n: number, dueAt: number): TimelineEvent => ({
  key: `${messageId}/${n}`,
  messageId,
  kind: n === 0 ? 'delivery' : 'open',
  dueAt,
  call: { event: { id: messageId } as SimCall['event'], scenario: 's', style: 't' },
  state: 'scheduled',
  attempts: [],
});

test("resume hands each message's pending calls to the dispatcher in its timeline's order, whatever order the store gives", () => {
  // Two messages, ten events each, all due long ago (a restart after a long stop), given in reverse.
  const events: TimelineEvent[] = [];
  for (const id of ['m1', 'm2']) for (let n = 0; n < 10; n++) events.push(pendingEvent(id, n, 1000 + 10 * n));
  const store = { pending: () => [...events].reverse() } as unknown as ServeStore;
  const keyOf = new Map(events.map((e) => [e.call, e.key]));
  const handed: string[] = [];
  const book = new CallBook(
    store,
    (call) => handed.push(keyOf.get(call)!),
    () => 5000,
    () => true,
  );
  assert.equal(book.resume(), 20);
  for (const id of ['m1', 'm2']) {
    const order = handed.filter((k) => k.startsWith(`${id}/`));
    assert.deepEqual(
      order,
      Array.from({ length: 10 }, (_, n) => `${id}/${n}`),
    );
    assert.equal(book.messageOf(events.find((e) => e.messageId === id)!.call), id);
  }
});
