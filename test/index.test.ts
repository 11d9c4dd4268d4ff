import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeCall } from '../src/index.js';

test('makeCall builds a Marketing Suite bounce call in one line', () => {
  const made = makeCall({
    scenario: 'dsn-userunknown',
    type: 'bounce',
    dialect: 'marketing-suite',
    tags: ['t1'],
  });
  assert.deepEqual(Object.keys(made.fields), ['id', 'recipient', 'mailfrom', 'rcptto', 'mime', 'tags']);
  assert.equal(made.fields['mailfrom'], '');
  assert.equal(made.contentType, 'application/x-www-form-urlencoded');
  assert.match(made.body.toString(), /&tags\[\]=t1$/);
  assert.deepEqual(
    makeCall({ scenario: 'dsn-userunknown', type: 'bounce', dialect: 'marketing-suite', tags: ['t1'] }).body,
    made.body,
  );
});
