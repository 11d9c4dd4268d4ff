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
      'webhook calls to http://127.0.0.1:9/hook: 10 more attempts failed, 1 call given up (last: REFUSED (connect ECONNREFUSED 127.0.0.1:9))',
    ]);
  } finally {
    digest.close();
  }
});
