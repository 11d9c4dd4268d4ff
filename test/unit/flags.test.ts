import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { duration, tryDuration } from '../../src/plan/flag-values.js';

describe('durations', () => {
  test('every unit; a bare number only when it is 0', () => {
    assert.equal(tryDuration('500ms'), 500);
    assert.equal(tryDuration('1.5s'), 1500);
    assert.equal(tryDuration('2m'), 120_000);
    assert.equal(tryDuration('1h'), 3_600_000);
    assert.equal(tryDuration(' 30 S '), 30_000);
    assert.equal(tryDuration('0'), 0);
    assert.equal(tryDuration('0.0'), 0);
    for (const bare of ['30', '5', '0.5', '500']) assert.equal(tryDuration(bare), undefined, bare);
  });

  test('the error names the flag, asks for a unit and quotes the value', () => {
    assert.throws(
      () => duration('--duration', '30'),
      /^UsageError: --duration: expected a duration with a unit such as 500ms, 30s or 2m, got '30'$/,
    );
  });
});
