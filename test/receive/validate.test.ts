import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseForm } from '../../src/receive/parse.js';
import { detectDialect, validateCall } from '../../src/receive/validate.js';

const failure = {
  id: 'abc',
  type: 'failure',
  timestamp: '2026-01-15 09:30:00',
  time: '1768469400',
  recipient: 'a@example.com',
  action: 'failed',
  state: 'rcptto',
  code: '550',
  extended: '5.1.1',
  description: 'User unknown',
  tags: ['x'],
};

describe('validateCall', () => {
  test('a correct webhook failure has no problems', () => {
    const v = validateCall(failure);
    assert.deepEqual(v.problems, []);
    assert.equal(v.dialect, 'smtpeter');
    assert.equal(v.kind, 'failure');
  });

  test('names each problem', () => {
    const v = validateCall({
      ...failure,
      timestamp: '2026-01-15 09:31:00',
      code: '450',
      state: 'sending',
      tags: ['a b'],
      extra: '1',
    });
    assert.deepEqual(
      v.problems.sort(),
      [
        'code 450 and extended 5.1.1 disagree on the class',
        "state 'sending' is not an SMTP state",
        "tag 'a b' contains white space or a semicolon",
        "timestamp '2026-01-15 09:31:00' is not time 1768469400 (2026-01-15 09:30:00 UTC)",
        "unexpected field 'extra' for a smtpeter failure call",
      ].sort(),
    );
  });

  test('recognises dialects and flags a mixed or incomplete call', () => {
    assert.equal(
      detectDialect({ id: '1', recipient: 'a@b.c', mailfrom: '', rcptto: 'x@y.z', mime: 'A: b\r\n\r\nc' }),
      'smtpeter-feedback-loop',
    );
    assert.equal(
      detectDialect({ id: '1', recipient: 'a@b.c', state: 'rcptto', tags: ['t'] }),
      'marketing-suite',
    );
    const mixed = validateCall({
      id: '1',
      type: 'bounce',
      recipient: 'a@b.c',
      mailfrom: '',
      rcptto: 'x@y.z',
      mime: 'A: b\r\n\r\nc',
    });
    assert.match(
      mixed.problems[0]!,
      /mixes dialects: webhook field\(s\) type beside feedback-loop field\(s\) mailfrom, rcptto/,
    );
    const incomplete = validateCall({ id: '1', recipient: 'a@b.c', mailfrom: '', mime: 'A: b\r\n\r\nc' });
    assert.ok(incomplete.problems.includes("missing field 'rcptto'"));
  });
});

describe('parseForm', () => {
  test('PHP-style arrays and + for spaces', () => {
    assert.deepEqual(parseForm('a=1+2&tags[]=x&tags[]=y%3Bz&b=%C3%A9'), {
      a: '1 2',
      tags: ['x', 'y;z'],
      b: 'é',
    });
  });

  test('a value whose bytes are not UTF-8 keeps them, one character per byte (no U+FFFD); stray % stays', () => {
    const fields = parseForm('mime=Subject%3A+J%FCrgen%0D%0A&odd=100%+sure&empty=&flag');
    assert.equal(fields['mime'], 'Subject: J\u00fcrgen\r\n');
    assert.equal(
      Buffer.from(String(fields['mime']), 'latin1').toString('hex'),
      Buffer.from('Subject: J\xfcrgen\r\n', 'latin1').toString('hex'),
    );
    assert.equal(fields['odd'], '100% sure');
    assert.equal(fields['empty'], '');
    assert.equal(fields['flag'], '');
    // What URLSearchParams gives for the same form: the reference for everything but the bytes case.
    const ref = Object.fromEntries(new URLSearchParams('odd=100%+sure&empty=&flag'));
    assert.deepEqual({ odd: fields['odd'], empty: fields['empty'], flag: fields['flag'] }, ref);
  });
});
