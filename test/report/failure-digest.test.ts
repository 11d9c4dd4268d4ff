import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CallResult } from '../../src/model/results.js';
import { FailureDigest } from '../../src/report/failure-digest.js';

const result = (over: Partial<CallResult>): CallResult => ({
  index: 0,
  attempt: 1,
  final: false,
  id: 'a'.repeat(32),
  type: 'bounce',
  scenario: 'bounce',
  style: 'postfix',
  recipient: 'x@example.org',
  url: 'http://127.0.0.1:9/hook',
  intendedAt: 0,
  sentAt: 0,
  latencyMs: 1,
  ...over,
});

test('a down receiver: one line at once, then a count per interval; per URL; stops count nothing', async () => {
  const lines: string[] = [];
  const digest = new FailureDigest((l) => lines.push(l), 100);
  try {
    const refused = { errorKind: 'refused' as const, error: 'connect ECONNREFUSED 127.0.0.1:9' };
    digest.result(result({ ...refused, retryInMs: 100 }));
    for (let attempt = 2; attempt <= 11; attempt++)
      digest.result(result({ ...refused, attempt, final: attempt === 11 }));
    digest.result(result({ errorKind: 'aborted', attempt: 3 }));
    digest.result(result({ url: 'http://127.0.0.1:8/other', status: 500, final: true }));
    assert.deepEqual(lines, [
      `webhook call to http://127.0.0.1:9/hook failed: REFUSED (connect ECONNREFUSED 127.0.0.1:9) (bounce about ${'a'.repeat(32)}, attempt 1, retried in 100ms); further failures to it are counted every 0.1s`,
      `webhook call to http://127.0.0.1:8/other failed: answered 500 (bounce about ${'a'.repeat(32)}, attempt 1, given up); further failures to it are counted every 0.1s`,
    ]);
    await new Promise((r) => setTimeout(r, 250));
    assert.deepEqual(lines.slice(2), [
      'webhook calls to http://127.0.0.1:9/hook: 10 more attempts failed, 1 call given up (last: REFUSED (connect ECONNREFUSED 127.0.0.1:9), a bounce call)',
    ]);
  } finally {
    digest.close();
  }
});

test('a receiver refusing one kind of call among others: counts with the 2xx in them, not a line a call; then it answers again', () => {
  const lines: string[] = [];
  let now = 0;
  // A long interval: the lines below come from the clock passed in and close(), not the timer.
  const digest = new FailureDigest(
    (l) => lines.push(l),
    60_000,
    () => now,
  );
  try {
    for (let i = 0; i < 10; i++) {
      digest.result(result({ status: 500, type: 'bounce', final: true }));
      digest.result(result({ status: 204, type: 'delivery' }));
    }
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(
      lines[0]!,
      /^webhook call to http:\/\/127\.0\.0\.1:9\/hook failed: answered 500 \(bounce about/,
    );
    now = 60_000;
    (digest as unknown as { flush(): void }).flush();
    assert.equal(
      lines[1],
      'webhook calls to http://127.0.0.1:9/hook: 9 more attempts failed, 9 calls given up, 10 answered 2xx (last: answered 500, a bounce call)',
    );
    // A 2xx within the interval after that line waits for the next; one an interval later is said at once.
    now = 90_000;
    digest.result(result({ status: 204 }));
    assert.equal(lines.length, 2);
    now = 120_000 - 1;
    digest.result(result({ status: 204 }));
    assert.equal(lines.length, 2);
    now = 120_000;
    digest.result(result({ status: 204 }));
    assert.deepEqual(lines.slice(2), [
      'webhook calls to http://127.0.0.1:9/hook answer again (3 answered 2xx)',
    ]);
    // A failure right after that line is counted, not written: a line per receiver per interval at most.
    digest.result(result({ status: 500 }));
    assert.equal(lines.length, 3);
    (digest as unknown as { flush(): void }).flush();
    assert.equal(lines.length, 3, 'the tick waits for the interval since the last line');
    now = 180_000;
    (digest as unknown as { flush(): void }).flush();
    assert.deepEqual(lines.slice(3), [
      'webhook calls to http://127.0.0.1:9/hook: 1 more attempt failed, 0 calls given up (last: answered 500, a bounce call)',
    ]);
  } finally {
    digest.close();
  }
});
