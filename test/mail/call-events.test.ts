import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bounceTimes, callBase, failureEvent } from '../../src/mail/call-events.js';
import { buildOriginalMessage } from '../../src/mail/message.js';
import { FakeSource } from '../../src/random/fake.js';
import { createRng } from '../../src/random/rng.js';

describe('failureEvent', () => {
  const msg = buildOriginalMessage(new FakeSource().reseed(3), Date.UTC(2026, 0, 15, 9, 30));
  test("callBase's fields in its order, then the failure's own (the order JSON bodies and fixtures show)", () => {
    const at = Date.UTC(2026, 0, 15, 9, 31, 7, 900);
    const failure = failureEvent(msg, at, 'other@x.example', 'failed', 'rcptto');
    const base = callBase(msg, at);
    assert.deepEqual(Object.keys(failure), [...Object.keys(base), 'type', 'action', 'state']);
    assert.deepEqual(failure, {
      ...base,
      recipient: 'other@x.example',
      type: 'failure',
      action: 'failed',
      state: 'rcptto',
    });
    assert.equal(failure.timestamp, '2026-01-15 09:31:07');
    assert.equal(failure.time, Math.floor(at / 1000));
  });
});

describe('bounceTimes', () => {
  test('message sent, arrived, bounce written, taken in, called: in that order however short the span (each gap rounded on its own ran the arrival 1 ms past the bounce)', () => {
    const sentAt = Date.UTC(2026, 0, 15, 9, 30);
    for (const span of [0, 1, 2, 3, 7, 100, 333, 1001, 2500, 4000, 5999, 60_000])
      for (let seed = 0; seed < 2000; seed++) {
        const t = bounceTimes(createRng(seed), sentAt + span, sentAt);
        const order = [sentAt, t.arrivedAt, t.now, t.receivedAt, sentAt + span];
        assert.deepEqual(
          order,
          [...order].sort((a, b) => a - b),
          `span ${span} seed ${seed}: ${order.map((x) => x - sentAt).join(' ')}`,
        );
      }
  });
});
