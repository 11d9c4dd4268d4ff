import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SEEDED_EPOCH } from '../../../src/generate/events.js';
import { isAscii } from '../../../src/mime/headers.js';
import { FakeSource } from '../../../src/random/fake.js';
import { deriveSeed } from '../../../src/random/rng.js';
import {
  AUTOREPLY_STYLES,
  type ComposedAutoReply,
  composeAutoReply,
} from '../../../src/scenarios/autoreply/scenarios.js';
import { headerBlock, parseMime } from '../../helpers/mime.js';

const SEEDS = 80;

/** Every auto-reply style over SEEDS seeds, with what each was meant to say. */
function replies(): Array<ComposedAutoReply & { style: string }> {
  const fake = new FakeSource();
  const out = [];
  for (const { style } of AUTOREPLY_STYLES) {
    for (let i = 0; i < SEEDS; i++) {
      fake.reseed(deriveSeed(7, i));
      const composed = composeAutoReply({
        fake,
        now: SEEDED_EPOCH,
        style: style.name,
        message: {},
        attachmentBytes: 0,
      });
      out.push({ ...composed, style: style.name });
    }
  }
  return out;
}

const all = replies();
const mimeOf = (r: ComposedAutoReply): string => (r.call.event as { mime: string }).mime;
const unfolded = (r: ComposedAutoReply): string => headerBlock(mimeOf(r)).replace(/\r\n[ \t]+/g, ' ');

test('the variety a receiver must cope with actually occurs', () => {
  assert.deepEqual([...new Set(all.map((r) => r.text.lang))].sort(), ['de', 'en', 'fr', 'nl']);
  const types = new Set(all.map((r) => /^Content-Type: ([^;\r\n]+)/im.exec(unfolded(r))![1]!.toLowerCase()));
  assert.ok(types.has('text/plain') && types.has('multipart/alternative'), [...types].join(', '));
  const ctes = new Set(
    all.flatMap((r) =>
      [...mimeOf(r).matchAll(/^Content-Transfer-Encoding: (\S+)/gim)].map((m) => m[1]!.toLowerCase()),
    ),
  );
  assert.ok(ctes.has('quoted-printable') && ctes.has('base64'), [...ctes].join(', '));
  const encoded = all.filter((r) => /^Subject: [^\r\n]*=\?UTF-8\?[QB]\?/im.test(unfolded(r)));
  assert.ok(encoded.length > 0, 'no RFC 2047 encoded subject');
  // Each language writes at least one non-ASCII subject somewhere (French always can).
  assert.ok(all.some((r) => r.text.lang === 'fr' && !isAscii(r.subject)));
  assert.ok(all.some((r) => r.text.lang === 'de' && !isAscii(r.subject)));
});

test('subjects and bodies decode (postal-mime) to exactly what was meant', async () => {
  for (const r of all) {
    const where = `${r.style}/${r.text.lang}: ${r.subject}`;
    const head = headerBlock(mimeOf(r));
    assert.ok(isAscii(head), `${where}: raw non-ASCII in the header block`);
    const email = await parseMime(mimeOf(r));
    assert.equal(email.subject, r.subject, where);
    // The opening sentence survives QP/base64/8bit round trips intact.
    const firstLine = r.text.body.split('\n').find((l) => l.length > 20)!;
    assert.ok(email.text?.includes(firstLine), `${where}: body lost "${firstLine}"`);
    assert.equal(email.from?.address, r.call.event.recipient, `${where}: From is not the away person`);
  }
});

test('envelope sender per style: null for Exchange and Sieve, the person for Gmail and iCloud', () => {
  for (const r of all) {
    const expected = ['exchange', 'dovecot', 'cyrus'].includes(r.style) ? '' : r.call.event.recipient;
    assert.equal(r.call.mailfrom, expected, r.style);
  }
});
