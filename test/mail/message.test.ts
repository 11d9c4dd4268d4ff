import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { faker } from '@faker-js/faker/locale/en';
import { EventGenerator, SEEDED_EPOCH } from '../../src/generate/events.js';
import { buildOriginalMessage } from '../../src/mail/message.js';
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
