import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { callBase, failureEvent } from '../../src/mail/call-events.js';
import { buildOriginalMessage } from '../../src/mail/message.js';
import { FakeSource } from '../../src/random/fake.js';

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
