import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventGenerator, SEEDED_EPOCH } from '../../src/generate/events.js';
import type { BounceEvent } from '../../src/model/events.js';

/** The bounces of one scenario and style over 20 seeds. */
function bounces(scenario: string, style: string): BounceEvent[] {
  const out: BounceEvent[] = [];
  for (let seed = 1; seed <= 20; seed++) {
    const calls = new EventGenerator({ seed, clock: () => SEEDED_EPOCH, scenario, style }).instance(0);
    out.push(calls.find((c) => c.event.type === 'bounce')!.event as BounceEvent);
  }
  return out;
}

const domainOf = (address: string): string => address.split('@')[1]!;

test('qmail host-unknown: the qmail-send host is not in the domain that does not resolve', () => {
  for (const b of bounces('nonstandard-hostunknown', 'qmail')) {
    const host = /qmail-send program at ([^\s]+)\./.exec(b.mime)![1]!;
    assert.ok(!host.endsWith(domainOf(b.recipient)), `${host} for ${b.recipient}`);
  }
});

test('GMX quotes the remote reply with the address in angle brackets (corpus gmx-*.eml)', () => {
  for (const scenario of ['nonstandard-userunknown', 'nonstandard-mailboxfull'])
    for (const b of bounces(scenario, 'gmx')) {
      const line = /^host: .*\r\n(.*)\r\n/m.exec(b.mime)![1]!;
      assert.match(line, new RegExp(`^\\d\\.\\d\\.\\d <${b.recipient.replace(/[.+]/g, '\\$&')}>[:.]`), line);
    }
});

test('Exchange and Office 365 end the delivery-status part with a blank line', () => {
  for (const style of ['exchange', 'office365'])
    for (const b of bounces('dsn-userunknown', style)) {
      const part = /Content-Type: message\/delivery-status\r\n\r\n([\s\S]*?)\r\n--/.exec(b.mime)![1]!;
      assert.ok(part.endsWith('\r\n\r\n'), `${style}: ${JSON.stringify(part.slice(-40))}`);
    }
});

test("Exchange's message-too-big is RESOLVER.RST.RecipSizeLimit or the next hop's reply", () => {
  const texts = new Set(
    bounces('dsn-mesgtoobig', 'exchange').map((b) => /Diagnostic-Code: smtp;(.*)/.exec(b.mime)![1]!),
  );
  assert.ok(
    [...texts].some((t) => t.includes('RESOLVER.RST.RecipSizeLimit; message too large for this recipient')),
  );
  assert.ok(![...texts].some((t) => t.includes('ROUTING.SizeLimit')), [...texts].join(' | '));
});
