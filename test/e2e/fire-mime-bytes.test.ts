/**
 * Bytes in, bytes out: a captured .eml that is not UTF-8 (8-bit Latin-1,
 * Windows-1252) reaches the receiver byte for byte in the form body, signed
 * over those bytes, with the addresses read from it decoded by the charset
 * the message declares. The issue this answers: a Latin-1 .eml given to
 * `fire --mime` had its bytes replaced by U+FFFD, `j�rgen@example.de`, silently.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type CaptureServer, formFields, startCaptureServer } from '../helpers/capture-server.js';
import { cli, TEST_HOME } from '../helpers/cli.js';
import { type KeyFiles, keyPairIn } from '../helpers/keys.js';
import { independentVerify } from '../helpers/verify-signature.js';

const DIR = join(TEST_HOME, 'mime-bytes');
const VERP = 'bounce-5f2c9a7e41d3b8c0@bounces.example-shop.com';

/** An Exim bounce (single text part, as Exim writes them) whose 8-bit text is in `charset`. */
function eximBounce(charset: string, failed: string, name: string): string {
  return [
    'Return-path: <>',
    `Envelope-to: ${VERP}`,
    'Received: from Debian-exim by mx1.example.de with local (Exim 4.96)',
    '\tid 1tAbCd-000123-7Q',
    `\tfor ${VERP};`,
    '\tSun, 06 Dec 2026 04:12:09 +0100',
    `X-Failed-Recipients: ${failed}`,
    'Auto-Submitted: auto-replied',
    'From: Mail Delivery System <Mailer-Daemon@mx1.example.de>',
    `To: ${VERP}`,
    `Content-Type: text/plain; charset=${charset}`,
    'Content-Transfer-Encoding: 8bit',
    'Subject: Mail delivery failed: returning message to sender',
    'Message-Id: <E1tAbCd-000123-7Q@mx1.example.de>',
    'Date: Sun, 06 Dec 2026 04:12:09 +0100',
    '',
    'This message was created automatically by mail delivery software.',
    '',
    'A message that you sent could not be delivered to one or more of its',
    'recipients. This is a permanent error. The following address(es) failed:',
    '',
    `  ${failed}`,
    '    Unrouteable address',
    '',
    '------ This is a copy of the message, including all the headers. ------',
    '',
    'From: Beispiel Shop <news@example-shop.com>',
    `To: ${name} <${failed}>`,
    'Subject: Ihre Bestellung ist unterwegs',
    `Content-Type: text/plain; charset=${charset}`,
    'Content-Transfer-Encoding: 8bit',
    '',
    'Grüße aus München',
    '',
  ].join('\r\n');
}

/** The issue's own case: `jürgen@example.de` in ISO-8859-1, in an 8-bit header and body. */
const LATIN1 = Buffer.from(eximBounce('ISO-8859-1', 'jürgen@example.de', 'Jürgen Müller'), 'latin1');
/** Windows-1252: `š` is 0x9A, a C1 control in ISO-8859-1. */
const CP1252 = Buffer.from(
  eximBounce('windows-1252', 'du\u0161an@example.cz', 'Du\u0161an Nov\u00e1k').replace(/\u0161/g, '\x9a'),
  'latin1',
);

/** A DSN whose returned headers name the recipient in RFC 2047 encoded-words; its 8-bit text part in Latin-1. */
const ENCODED_WORDS = Buffer.from(
  [
    'From: MAILER-DAEMON@mx.example.at',
    `To: ${VERP}`,
    'Subject: Unzustellbar',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=iso-8859-1',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Ihre Nachricht konnte nicht zugestellt werden: Empfänger unbekannt.',
    '',
    '--b1',
    'Content-Type: text/rfc822-headers',
    '',
    'From: news@example-shop.com',
    'To: =?ISO-8859-1?Q?J=FCrgen_M=FCller?= <=?ISO-8859-1?Q?j=FCrgen?=@example.de>',
    'Subject: =?UTF-8?B?SWhyZSBCZXN0ZWxsdW5n?=',
    '',
    '--b1--',
    '',
  ].join('\r\n'),
  'latin1',
);

/** An ARF report (RFC 5965) whose returned message is 8-bit Latin-1; the report's fields are ASCII. */
const ARF_LATIN1 = Buffer.from(
  [
    'From: Abuse Desk <abuse@mail.example.de>',
    'To: fbl@example-shop.com',
    'Subject: FW: Ihre Bestellung',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=feedback-report; boundary="arf"',
    '',
    '--arf',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'This is an email abuse report for an email message received from IP 192.0.2.10.',
    '',
    '--arf',
    'Content-Type: message/feedback-report',
    '',
    'Feedback-Type: abuse',
    'User-Agent: ExampleFBL/1.0',
    'Version: 1',
    `Original-Mail-From: <${VERP}>`,
    'Original-Rcpt-To: <kunde@example.de>',
    '',
    '--arf',
    'Content-Type: message/rfc822',
    '',
    'From: news@example-shop.com',
    'To: kunde@example.de',
    'Subject: Ihre Bestellung',
    'Content-Type: text/plain; charset=ISO-8859-1',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Grüße aus München',
    '',
    '--arf--',
    '',
  ].join('\r\n'),
  'latin1',
);

/** A form field's value percent-decoded as bytes (not as UTF-8 text, which would replace them). */
function formBytes(body: Buffer, name: string): Buffer | undefined {
  for (const pair of body.toString('latin1').split('&')) {
    const eq = pair.indexOf('=');
    if (pair.slice(0, eq) !== name) continue;
    const value = pair.slice(eq + 1);
    const bytes: number[] = [];
    for (let i = 0; i < value.length; i++) {
      if (value[i] === '%') {
        bytes.push(Number.parseInt(value.slice(i + 1, i + 3), 16));
        i += 2;
      } else bytes.push(value[i] === '+' ? 0x20 : value.charCodeAt(i));
    }
    return Buffer.from(bytes);
  }
  return undefined;
}

describe('fire --mime: a captured message that is not UTF-8 is carried byte for byte', () => {
  let receiver: CaptureServer;
  let keys: KeyFiles;
  const files: Record<string, Buffer> = {
    'latin1.eml': LATIN1,
    'cp1252.eml': CP1252,
    'encoded-words.eml': ENCODED_WORDS,
  };
  before(async () => {
    mkdirSync(join(DIR, 'keys'), { recursive: true });
    keys = keyPairIn(join(DIR, 'keys'));
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(DIR, name), bytes);
    receiver = await startCaptureServer();
  });
  after(() => receiver.close());

  const fire = async (file: string, extra: string[] = []) => {
    const before = receiver.requests.length;
    const r = await cli([
      'fire',
      '--url',
      receiver.url,
      '--key',
      keys.keyFile,
      '--mime',
      join(DIR, file),
      ...extra,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(receiver.requests.length, before + 1);
    return receiver.requests.at(-1)!;
  };

  test('the issue: a Latin-1 .eml arrives as its bytes, signed, recipient jürgen@example.de (no U+FFFD)', async () => {
    const req = await fire('latin1.eml');
    assert.deepEqual(formBytes(req.body, 'mime'), LATIN1);
    const v = independentVerify('POST', req.url, req.headers, req.body, keys.publicKey);
    assert.ok(v.ok, v.why);
    const fields = formFields(req.body);
    assert.equal(fields.get('recipient')?.[0], 'jürgen@example.de');
    assert.equal(fields.get('envelope')?.[0], VERP);
    assert.equal(fields.get('id')?.[0], '5f2c9a7e41d3b8c0');
    assert.ok(!req.body.toString('latin1').includes('%EF%BF%BD'), 'no U+FFFD anywhere in the body');
    // The 0xFC byte is sent as %FC, as http_build_query does with a binary string.
    assert.match(req.body.toString('latin1'), /&mime=.*j%FCrgen%40example\.de/);
  });

  test("a Python receiver (parse_qs, encoding='latin-1') gets the file's bytes back", async () => {
    const req = await fire('latin1.eml');
    const script = [
      'import sys, urllib.parse',
      "q = urllib.parse.parse_qs(sys.stdin.buffer.read().decode('ascii'), encoding='latin-1')",
      "same = q['mime'][0].encode('latin-1') == open(sys.argv[1], 'rb').read()",
      "print(same, q['recipient'][0].encode('latin-1').decode('utf-8'))",
    ].join('\n');
    const out = execFileSync('python3', ['-c', script, join(DIR, 'latin1.eml')], { input: req.body });
    assert.equal(out.toString().trim(), 'True jürgen@example.de');
  });

  test('Windows-1252: the bytes as they are, dušan@example.cz decoded by the declared charset', async () => {
    const req = await fire('cp1252.eml');
    assert.deepEqual(formBytes(req.body, 'mime'), CP1252);
    assert.equal(formFields(req.body).get('recipient')?.[0], 'dušan@example.cz');
    assert.ok(independentVerify('POST', req.url, req.headers, req.body, keys.publicKey).ok);
  });

  test('RFC 2047 encoded-words in the returned headers: recipient decoded, the 8-bit part carried', async () => {
    const req = await fire('encoded-words.eml');
    assert.deepEqual(formBytes(req.body, 'mime'), ENCODED_WORDS);
    assert.equal(formFields(req.body).get('recipient')?.[0], 'jürgen@example.de');
  });

  test('--dry-run shows the same bytes as are sent', async () => {
    const at = ['--no-sign', '--time', '2026-12-06T04:12:09Z'];
    const req = await fire('latin1.eml', at);
    const dry = await cli([
      'fire',
      '--dry-run',
      '--url',
      receiver.url,
      '--mime',
      join(DIR, 'latin1.eml'),
      ...at,
    ]);
    assert.equal(dry.code, 0, dry.stderr);
    const shown = dry.stdout.slice(dry.stdout.indexOf('\r\n\r\n') + 4).replace(/\r\n\r\n$/, '');
    assert.equal(shown, req.body.toString('latin1'));
  });

  /** Replay one fixture entry; the request it sent, its signature checked. */
  const replayOne = async (name: string, entry: Record<string, unknown>) => {
    writeFileSync(join(DIR, `${name}.json`), JSON.stringify({ calls: [entry] }));
    const before = receiver.requests.length;
    const r = await cli(['replay', join(DIR, `${name}.json`), '--url', receiver.url, '--key', keys.keyFile]);
    assert.equal(r.code, 0, r.stderr);
    const req = receiver.requests[before]!;
    assert.ok(independentVerify('POST', req.url, req.headers, req.body, keys.publicKey).ok);
    return { bytes: formBytes(req.body, 'mime'), fields: formFields(req.body) };
  };

  test('replay: a fixture whose mimeFile is Latin-1 sends its bytes, recipient decoded', async () => {
    const sent = await replayOne('latin1', { type: 'bounce', mimeFile: 'latin1.eml' });
    assert.deepEqual(sent.bytes, LATIN1);
    assert.equal(sent.fields.get('recipient')?.[0], 'jürgen@example.de');
  });

  test('replay: an abuse report in Latin-1 sends its bytes; emailfrom read from the report', async () => {
    writeFileSync(join(DIR, 'arf.eml'), ARF_LATIN1);
    const sent = await replayOne('arf', { type: 'abuse', id: 'a1', mimeFile: 'arf.eml' });
    assert.deepEqual(sent.bytes, ARF_LATIN1);
    assert.equal(sent.fields.get('emailfrom')?.[0], 'abuse@mail.example.de');
    assert.equal(sent.fields.get('type')?.[0], 'abuse');
  });
});
