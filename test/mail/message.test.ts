import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { faker } from '@faker-js/faker/locale/en';
import { EventGenerator, SEEDED_EPOCH } from '../../src/generate/events.js';
import { brandName, buildOriginalMessage } from '../../src/mail/message.js';
import { originalHeaderBlock } from '../../src/mail/original.js';
import type { FailureEvent } from '../../src/model/events.js';
import { FakeSource } from '../../src/random/fake.js';
import { companyName } from '../../src/random/words.js';

const fake = new FakeSource();
function messages(count: number, tags?: string[]) {
  const out = [];
  for (let i = 0; i < count; i++) {
    fake.reseed(i + 1);
    out.push(buildOriginalMessage(fake, SEEDED_EPOCH, tags ? { tags } : {}));
  }
  return out;
}

describe('the original message reads like real mail', () => {
  test('the body is English, not lorem ipsum', () => {
    const lorem = new Set(faker.rawDefinitions.lorem!.word);
    let words = 0;
    let latin = 0;
    for (const msg of messages(500)) {
      for (const word of msg.text.toLowerCase().match(/[a-z]+/g) ?? []) {
        words++;
        // `a`, `at` and `in` are English too.
        if (lorem.has(word) && !['a', 'at', 'in'].includes(word)) latin++;
      }
    }
    assert.ok(latin / words < 0.01, `${latin} of ${words} words are lorem ipsum`);
  });

  test('the body tells the story its subject announces', () => {
    for (const msg of messages(600)) {
      const where = `${msg.subject}\n${msg.text}`;
      const order = /order #(\d+)/i.exec(msg.subject)?.[1];
      if (order) assert.ok(msg.text.includes(`#${order}`), where);
      const invoice = /Invoice (INV-\S+)/.exec(msg.subject)?.[1];
      if (invoice) assert.ok(msg.text.includes(`Invoice number: ${invoice}`), where);
      if (/password/i.test(msg.subject)) assert.match(msg.text, /reset-password\?token=[0-9a-f]{32}/, where);
      if (msg.subject.startsWith('Welcome to ')) assert.match(msg.text, /Thanks for signing up/, where);
      if (msg.subject.startsWith("You're invited")) assert.match(msg.text, /RSVP/, where);
      assert.ok(
        msg.text.startsWith(`Hi ${msg.recipientName.split(' ')[0]},`) || /^(Hello|Dear) /.test(msg.text),
      );
    }
  });

  test('a tag decides what kind of mail it is', () => {
    for (const msg of messages(50, ['password-reset'])) assert.match(msg.subject, /password/i);
    for (const msg of messages(50, ['invoice'])) assert.match(msg.subject, /invoice/i);
  });

  test('sender names are written as companies write them', () => {
    assert.equal(companyName('schulist-llc'), 'Schulist LLC');
    assert.equal(companyName('green-andsons'), 'Green and Sons');
    assert.equal(companyName('grimes-group'), 'Grimes Group');
    assert.equal(companyName('bauer-inc'), 'Bauer Inc.');
    assert.equal(companyName('kiehn-connelly'), 'Kiehn & Connelly');
    assert.equal(companyName('oconner-ohara'), "O'Conner & O'Hara");
    assert.equal(companyName('acme-logistics'), 'Acme Logistics');
    for (const msg of messages(2000)) {
      assert.doesNotMatch(msg.fromName, /\b(Llc|Andsons)\b|\bInc(?!\.)/, msg.fromName);
      assert.doesNotMatch(msg.text, /The \S+ Llc team/);
    }
  });

  test('an IDN sender is named as its owner writes it, and the subject it gives is encoded (RFC 2047)', () => {
    assert.equal(brandName('xn--mller-kva.de'), 'Müller');
    assert.equal(brandName('xn--seor-tapas-u9a.es'), 'Señor Tapas');
    assert.equal(brandName('green-andsons.com'), 'Green and Sons');
    let idn = 0;
    for (const msg of messages(2000)) {
      if (msg.senderDomain.startsWith('xn--')) idn++;
      for (const text of [msg.fromName, msg.subject, msg.text])
        assert.doesNotMatch(text, /\bXn\b/, `${msg.senderDomain}: ${text}`);
      // Every header of the message as sent is ASCII: a non-ASCII subject is an encoded word.
      assert.match(originalHeaderBlock(msg, fake), /^[\x20-\x7e\r\n\t]*$/, msg.subject);
    }
    assert.ok(idn > 20, `${idn} IDN senders in 2000`);
  });
});

describe('virus replies', () => {
  test('name a ClamAV signature drawn per message, not one placeholder', () => {
    const names = new Set<string>();
    for (const style of ['postfix', 'exim']) {
      for (let seed = 1; seed <= 40; seed++) {
        const [call] = new EventGenerator({
          seed,
          clock: () => SEEDED_EPOCH,
          scenario: 'message-virus',
          style,
        }).instance(0);
        const text = (call!.event as FailureEvent).description!;
        const name = /(?:virus \(|detected: )(\S+?)\)? /.exec(text)?.[1];
        assert.ok(name, text);
        assert.match(
          name,
          /^(Heuristics\.Phishing\.Email\.SpoofedDomain|[A-Z][a-z]+\.[A-Za-z]+\.[A-Za-z]+-\d{7}(-0)?)$/,
        );
        assert.notEqual(name, 'Win.Trojan.Agent-1234567');
        names.add(name);
      }
    }
    assert.ok(names.size > 30, `${names.size} names`);
  });
});

describe('buildOriginalMessage: per-call overrides', () => {
  const fields = (m: ReturnType<typeof buildOriginalMessage>) => JSON.stringify(m);
  test('overrides passed apart make the message a spread of them into the options makes', () => {
    const cases = [
      { options: {}, overrides: { domain: 'acme.example' } },
      {
        options: { domain: 'run.example', tags: ['a'] },
        overrides: { domain: 'call.example', sentBefore: 5000 },
      },
      { options: { sentBefore: 1000, attachmentBytes: 10 }, overrides: { attachmentBytes: 2048 } },
      { options: { domain: 'run.example' }, overrides: { domain: undefined } },
      { options: { recipient: 'x@y.example' }, overrides: { domain: 'ignored.example', sentBefore: 7 } },
    ];
    for (const { options, overrides } of cases)
      for (let seed = 1; seed <= 20; seed++) {
        const spread = { ...options } as Record<string, unknown>;
        for (const [k, v] of Object.entries(overrides)) if (v !== undefined) spread[k] = v;
        const a = buildOriginalMessage(fake.reseed(seed), SEEDED_EPOCH, options, overrides);
        const b = buildOriginalMessage(fake.reseed(seed), SEEDED_EPOCH, spread);
        assert.equal(fields(a), fields(b), JSON.stringify({ options, overrides, seed }));
        assert.equal(a.attachmentBytes, b.attachmentBytes);
      }
  });
  test('a drawn campaign tag is campaign-1000..9999, spread over the range', () => {
    const seen = new Set<string>();
    for (const msg of messages(3000)) {
      const tag = msg.tags.at(-1)!;
      assert.match(tag, /^campaign-[1-9]\d{3}$/);
      seen.add(tag);
    }
    assert.ok(seen.size > 1000, 'the numbers spread over the range');
  });
});
