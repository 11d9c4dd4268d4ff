/** `fire --mime`: captured bounces sent as bounce calls, checked on the wire. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type CaptureServer, formFields, startCaptureServer } from '../helpers/capture-server.js';
import { cli, ROOT } from '../helpers/cli.js';
import { parseMime } from '../helpers/mime.js';

const POSTFIX = join(ROOT, 'fixtures', 'captured', 'postfix-dsn.eml');
const EXIM = join(ROOT, 'fixtures', 'captured', 'exim-failed-recipients.eml');
const crlf = (text: string) => text.replace(/\r?\n/g, '\r\n');

describe('fire --mime', () => {
  let receiver: CaptureServer;
  before(async () => {
    receiver = await startCaptureServer();
  });
  after(() => receiver.close());

  test('each file once by default; a later round gets its own id; fields come from the message', async () => {
    const r = await cli([
      'fire',
      '--url',
      receiver.url,
      '--no-sign',
      '--mime',
      POSTFIX,
      '--mime',
      EXIM,
      '-n',
      '3',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const calls = receiver.requests.map((q) => formFields(q.body));
    assert.equal(calls.length, 3);
    const field = (i: number, name: string) => calls[i]?.get(name)?.[0];
    // The bytes of the file arrive unchanged but for CRLF line ends.
    assert.equal(field(0, 'mime'), crlf(readFileSync(POSTFIX, 'utf8')));
    assert.equal(field(1, 'mime'), crlf(readFileSync(EXIM, 'utf8')));
    assert.equal(field(2, 'mime'), field(0, 'mime'));
    for (let i = 0; i < 3; i++) assert.equal(field(i, 'type'), 'bounce');
    // Recipient from Final-Recipient; envelope and id from the VERP To.
    const parsed = await parseMime(field(0, 'mime') ?? '');
    assert.ok(parsed);
    const finalRecipient = /^Final-Recipient: rfc822;\s*(\S+)/m.exec(readFileSync(POSTFIX, 'utf8'))?.[1];
    assert.ok(finalRecipient);
    assert.equal(field(0, 'recipient'), finalRecipient);
    assert.match(field(0, 'envelope') ?? '', /^bounce-([0-9a-f]+)@/);
    const id = /^bounce-([0-9a-f]+)@/.exec(field(0, 'envelope') ?? '')?.[1];
    assert.equal(field(0, 'id'), id);
    assert.equal(field(2, 'id'), `${id}-r2`);
    assert.notEqual(field(1, 'id'), field(0, 'id'));
  });

  test('--recipient overrides what the message says', async () => {
    const before = receiver.requests.length;
    const r = await cli([
      'fire',
      '--url',
      receiver.url,
      '--no-sign',
      '--mime',
      POSTFIX,
      '--recipient',
      'someone@example.nl',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(receiver.requests.length, before + 1);
    const last = receiver.requests.at(-1);
    assert.equal(formFields(last?.body ?? Buffer.alloc(0)).get('recipient')?.[0], 'someone@example.nl');
  });
});
