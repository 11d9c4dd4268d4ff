import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  abuseEvent,
  abuseReport,
  acceptReply,
  buildOriginalMessage,
  clickEvent,
  clientFetch,
  deliveryEvent,
  encodeCall,
  identifyClient,
  MAIL_CLIENTS,
  makeCall,
  openEvent,
  openingClient,
  type SimCall,
  targetFor,
  toPayload,
  trackedLink,
  validateCall,
} from '../../src/index.js';
import { FakeSource } from '../../src/random/fake.js';
import { parseForm } from '../../src/receive/parse.js';

describe('the library: one call of each later kind for a message of your own', () => {
  test('builders take the message and its moment; the calls validate as listen reads them', () => {
    const fake = new FakeSource().reseed(2026);
    const sentAt = Date.UTC(2026, 0, 15, 9, 30);
    const msg = buildOriginalMessage(fake, sentAt, {
      recipient: 'anna.smit@gmail.com',
      tags: ['newsletter'],
    });
    const delivery = deliveryEvent(msg, sentAt + 2000, acceptReply('gmail', msg, fake.rng, sentAt + 2000));
    const opener = openingClient(fake.rng, msg.recipientDomain);
    const events = [
      delivery,
      openEvent(msg, sentAt + 60_000, clientFetch(opener, fake.rng)),
      clickEvent(
        msg,
        sentAt + 90_000,
        clientFetch(MAIL_CLIENTS.find((c) => c.name === 'webmail')!, fake.rng),
        trackedLink(msg, 0),
      ),
      abuseEvent(msg, sentAt + 3_600_000, abuseReport(msg, 'yahoo', fake, sentAt + 3_590_000)),
    ];
    for (const event of events) {
      assert.equal(event.id, msg.id);
      const call: SimCall = { event, scenario: 'library', style: 'test' };
      const body = encodeCall(call, 'form').body;
      const fields = parseForm(body.toString('latin1'));
      const validation = validateCall(fields);
      assert.deepEqual(validation.problems, [], event.type);
      assert.equal(validation.kind, event.type);
      assert.equal(validation.dialect, 'smtpeter');
      assert.equal(
        targetFor(call, { url: new URL('http://127.0.0.1/all'), openUrl: new URL('http://127.0.0.1/open') })
          .pathname,
        event.type === 'open' ? '/open' : '/all',
      );
    }
    const open = events[1]!;
    assert.equal(open.type, 'open');
    // The receiver side names the client that fetched the pixel (a proxy, a prefetch or a person's app).
    if (open.type === 'open') assert.equal(identifyClient(open.useragent, open.ip)?.name, opener.name);
  });

  test('makeCall knows every kind', () => {
    for (const type of ['delivery', 'open', 'click', 'abuse'] as const) {
      const made = makeCall({ type, seed: 3 });
      assert.equal(made.call.event.type, type);
      assert.equal(made.fields['type'], type);
      assert.deepEqual(made.payload, toPayload(made.call));
    }
    assert.throws(
      () => makeCall({ type: 'open', dialect: 'marketing-suite' }),
      /carries failure and bounce calls only/,
    );
  });
});
