import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formFields, withCaptureServer } from '../helpers/capture-server.js';
import { cli } from '../helpers/cli.js';
import { parseMime } from '../helpers/mime.js';

test('--attachment-size 2MB: real-size returned messages with a parseable attachment', async () => {
  await withCaptureServer(async (server) => {
    const r = await cli([
      'fire',
      '--scenario',
      'dsn-mailboxfull',
      '--style',
      'postfix',
      '-n',
      '1',
      '--url',
      server.url,
      '--attachment-size',
      '2MB',
      '--no-sign',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const req = server.requests[0]!;
    assert.equal(Number(req.headers['content-length']), req.body.length);
    const mime = formFields(req.body).get('mime')![0]!;
    assert.ok(mime.length > 2 * 1024 * 1024, `mime is ${mime.length} bytes`);
    const email = await parseMime(mime);
    const returned = email.attachments.find((a) => a.mimeType === 'message/rfc822');
    assert.ok(returned, 'the original is returned as message/rfc822');
    const inner = await parseMime(Buffer.from(returned.content as ArrayBuffer).toString('latin1'));
    const pdf = inner.attachments.find((a) => a.filename === 'brochure.pdf');
    assert.ok(pdf);
    assert.equal((pdf.content as ArrayBuffer).byteLength, 2 * 1024 * 1024);
  });
});

test('--attachment-size rejects a size it cannot read, exit 2', async () => {
  const r = await cli(['fire', '--attachment-size', 'huge', '--dry-run']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--attachment-size: expected a size such as 2MB/);
});
