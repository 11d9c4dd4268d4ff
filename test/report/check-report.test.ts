import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Chalk } from 'chalk';
import { checkLines } from '../../src/report/check-report.js';

const plain = new Chalk({ level: 0 });

test('the scorecard keeps its columns for the longest check names (keyid-outside-copernica)', () => {
  const row = (name: string): string =>
    checkLines(
      {
        name,
        level: 'required',
        expect: 'refuse',
        sends: 'a forged call',
        outcome: 'pass',
        got: { status: 401 },
      },
      plain,
    ).split('\n')[0]!;
  const short = row('valid-failure');
  for (const name of ['keyid-outside-copernica', 'keyid-lookalike-suffix', 'tampered-delivery'])
    assert.equal(row(name).indexOf('required'), short.indexOf('required'), row(name));
});
