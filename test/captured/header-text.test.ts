/** Addresses read from a captured message: decoded by their declared charset, or refused; never U+FFFD. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeEncodedWords, headerValue, utf8AddressType } from '../../src/captured/header-text.js';
import { inferRecipient } from '../../src/captured/infer.js';
import { capturedMessage } from '../../src/captured/message-text.js';

const latin1 = (text: string) => capturedMessage(Buffer.from(text, 'latin1'));

describe('header values', () => {
  test('RFC 2047: Q and B words, adjacent words joined, charsets honoured', () => {
    assert.deepEqual(decodeEncodedWords('=?ISO-8859-1?Q?J=FCrgen_M=FCller?= <j@example.de>'), {
      ok: true,
      text: 'Jürgen Müller <j@example.de>',
    });
    assert.deepEqual(decodeEncodedWords('=?UTF-8?B?SsO8cmdlbg==?= =?utf-8?q?_M=C3=BCller?='), {
      ok: true,
      text: 'Jürgen Müller',
    });
    assert.deepEqual(decodeEncodedWords('=?windows-1252?Q?Du=9Aan?='), { ok: true, text: 'Dušan' });
    const bad = decodeEncodedWords('=?UTF-8?Q?j=FCrgen?=');
    assert.ok(!bad.ok && /not valid UTF-8/.test(bad.problem));
  });

  test('8-bit bytes: UTF-8 as RFC 6532 says, else the declared charset, else undecodable', () => {
    const bytes = (s: string, enc: BufferEncoding) => Buffer.from(s, enc).toString('latin1');
    assert.deepEqual(headerValue(bytes('jürgen@example.de', 'utf8'), true, undefined), {
      ok: true,
      text: 'jürgen@example.de',
    });
    assert.deepEqual(headerValue(bytes('jürgen@example.de', 'latin1'), true, 'iso-8859-1'), {
      ok: true,
      text: 'jürgen@example.de',
    });
    // ISO-8859-1 read literally: 0x9A is a C1 control there, š only in Windows-1252.
    assert.deepEqual(headerValue('\x9a', true, 'iso-8859-1'), { ok: true, text: '\u009a' });
    assert.deepEqual(headerValue('\x9a', true, 'windows-1252'), { ok: true, text: 'š' });
    const none = headerValue(bytes('jürgen', 'latin1'), true, undefined);
    assert.ok(!none.ok && /byte 0xFC is not UTF-8 and the message declares no charset/.test(none.problem));
    assert.ok(!headerValue('\x81', true, 'shift_jis').ok, 'a lone lead byte is refused, not replaced');
  });

  test('RFC 6533 utf-8 address type: \\x{...} escapes and raw UTF-8', () => {
    assert.deepEqual(utf8AddressType('j\\x{FC}rgen@example.de'), { ok: true, text: 'jürgen@example.de' });
    assert.deepEqual(utf8AddressType('\\x{7530}\\x{4E2D}@example.jp'), { ok: true, text: '田中@example.jp' });
    assert.ok(!utf8AddressType('\\x{110000}@x.de').ok);
  });
});

describe('inferRecipient on a message in bytes', () => {
  test('X-Failed-Recipients in the top-level charset; Final-Recipient utf-8; the returned To in its own charset', () => {
    const exim = latin1(
      'From: a@mx.de\nTo: bounce-1@b.com\nContent-Type: text/plain; charset=ISO-8859-1\nX-Failed-Recipients: jürgen@example.de\n\nfailed\n',
    );
    assert.deepEqual(inferRecipient(exim), { ok: true, value: 'jürgen@example.de' });
    const dsn = latin1(
      'From: a@mx.de\nTo: bounce-1@b.com\nContent-Type: multipart/report; boundary=b\n\n--b\nContent-Type: message/delivery-status\n\nFinal-Recipient: utf-8; j\\x{FC}rgen@example.de\nAction: failed\n\n--b\nContent-Type: text/plain; charset=iso-8859-1\n\nGrüße\n--b--\n',
    );
    assert.deepEqual(inferRecipient(dsn), { ok: true, value: 'jürgen@example.de' });
    const returned = latin1(
      'From: a@mx.de\nTo: bounce-1@b.com\nContent-Type: multipart/report; boundary=b\n\n--b\nContent-Type: message/rfc822\n\nTo: Müller <müller@example.de>\nContent-Type: text/plain; charset=iso-8859-1\n\nbody\n--b--\n',
    );
    assert.deepEqual(inferRecipient(returned), { ok: true, value: 'müller@example.de' });
  });

  test('undecodable: the line and the header named, nothing guessed', () => {
    const r = inferRecipient(
      latin1('From: a@mx.de\nTo: bounce-1@b.com\nX-Failed-Recipients: jürgen@example.de\n\nx\n'),
    );
    assert.deepEqual(r, {
      ok: false,
      problem:
        'line 3: X-Failed-Recipients: byte 0xFC is not UTF-8 and the message declares no charset for this header (no charset= in its Content-Type)',
    });
  });
});
