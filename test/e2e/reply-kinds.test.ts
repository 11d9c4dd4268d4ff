/** The non-vacation auto-replies and moderation notices, fired at a receiver on 127.0.0.1 and read off the wire. */
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type CaptureServer, formFields, startCaptureServer } from '../helpers/capture-server.js';
import { cli, TEST_HOME } from '../helpers/cli.js';
import { parseMime } from '../helpers/mime.js';
import { independentVerify } from '../helpers/verify-signature.js';

const keys = join(TEST_HOME, 'reply-kinds-keys');
const KEY = join(keys, 'smtpeter-sim.key');
const PUB = join(keys, 'smtpeter-sim.pub');

/** Per style: its scenario, the Auto-Submitted it writes, whether it threads, whom it answers. */
const STYLES: ReadonlyArray<readonly [string, string, string | undefined, boolean, 'envelope' | 'from']> = [
  ['autoreply-left-company', 'exchange', 'auto-generated', true, 'envelope'],
  ['autoreply-left-company', 'dovecot', 'auto-replied (vacation)', true, 'envelope'],
  ['autoreply-challenge', 'tmda', 'auto-replied', true, 'envelope'],
  ['autoreply-ticket', 'zendesk', 'auto-generated', true, 'from'],
  ['autoreply-ticket', 'osticket', 'auto-replied', true, 'from'],
  ['moderation-held', 'mailman2', undefined, false, 'from'],
  ['moderation-held', 'mailman3', undefined, false, 'from'],
  ['moderation-held', 'sympa', 'auto-replied', false, 'envelope'],
];

describe('fire: auto-replies and moderation notices on 127.0.0.1, one bounce call each, signed', () => {
  let capture: CaptureServer;
  before(async () => {
    assert.equal((await cli(['keys', 'generate', '--out', keys])).code, 0);
    capture = await startCaptureServer();
  });
  after(() => capture.close());

  const fire = async (scenario: string, style: string) => {
    capture.requests.length = 0;
    const r = await cli(
      ['fire', '--scenario', scenario, '--style', style, '-n', '2', '--seed', '41'].concat([
        '--url',
        capture.url,
        '--key',
        KEY,
      ]),
    );
    assert.equal(r.code, 0, r.stderr);
    return capture.requests.map((q) => ({ fields: formFields(q.body), req: q }));
  };

  for (const [scenario, style, autoSubmitted, threads, answers] of STYLES)
    test(`${scenario} in ${style}: a bounce call whose mime is the notice, as the system writes it`, async () => {
      const calls = await fire(scenario, style);
      assert.equal(calls.length, 2);
      const publicKey = createPublicKey(readFileSync(PUB));
      for (const [i, { fields, req }] of calls.entries()) {
        const where = `${scenario}/${style} #${i + 1}`;
        const get = (name: string) => fields.get(name)?.[0] ?? '';
        assert.equal(get('type'), 'bounce', where);
        assert.ok(
          independentVerify('POST', req.url, req.headers, req.body, publicKey).ok,
          `${where}: signature`,
        );
        const mime = get('mime');
        assert.ok(!/[^\r]\n/.test(mime), `${where}: CRLF only`);
        const email = await parseMime(mime);
        const header = (name: string) => email.headers.find((h) => h.key === name.toLowerCase())?.value;
        assert.equal(header('Auto-Submitted'), autoSubmitted, where);
        assert.equal(Boolean(header('In-Reply-To')), threads, `${where}: In-Reply-To`);
        if (answers === 'envelope') assert.equal(email.to?.[0]?.address, get('envelope'), `${where}: To`);
        else
          assert.notEqual(email.to?.[0]?.address, get('envelope'), `${where}: To is the From of the message`);
        // The call's recipient is the address the message went to: the leaver, the helpdesk, the list.
        if (style === 'sympa')
          assert.match(mime, new RegExp(`Final-Recipient: rfc822; ${get('recipient')}\\r\\n`));
        else if (scenario !== 'moderation-held') assert.equal(email.from?.address, get('recipient'), where);
        else
          assert.ok(mime.includes(get('recipient')) || mime.includes(get('recipient').split('@')[0]!), where);
      }
      // --seed reproduces the bytes.
      const again = await fire(scenario, style);
      assert.deepEqual(
        again.map((c) => c.fields.get('mime')?.[0]),
        calls.map((c) => c.fields.get('mime')?.[0]),
      );
    });
});
