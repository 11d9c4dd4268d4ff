import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EventGenerator, SEEDED_EPOCH } from '../../src/generate/events.js';
import { buildOriginalMessage } from '../../src/mail/message.js';
import { originalHeaderBlock } from '../../src/mail/original.js';
import { pacificDate } from '../../src/mime/pacific-time.js';
import type { BounceEvent, FailureEvent, SimCall } from '../../src/model/events.js';
import { FakeSource } from '../../src/random/fake.js';
import { composeAutoReply } from '../../src/scenarios/autoreply/scenarios.js';
import { SCENARIOS } from '../../src/scenarios/catalogue.js';

/** Every field `name` in a header block, as folded. */
function rawFields(block: string, name: string): string[] {
  const re = new RegExp(`^${name}:[^\\r\\n]*(?:\\r\\n[ \\t][^\\r\\n]*)*`, 'gim');
  return [...block.matchAll(re)].map((m) => m[0]);
}

/** A message's top-level header block, CRLF after each field. */
const headerBlockOf = (mime: string): string => mime.slice(0, mime.indexOf('\r\n\r\n') + 2);

/** Every value of header `name` in a header block, unfolded. */
function fields(block: string, name: string): string[] {
  return rawFields(block, name).map((f) =>
    f
      .slice(name.length + 1)
      .replace(/\r\n/g, '')
      .trim(),
  );
}

/** DKIM tags; white space inside a value is folding, which RFC 6376 ignores. */
function dkimTags(value: string): Map<string, string> {
  return new Map(
    value.split(';').map((tag) => {
      const i = tag.indexOf('=');
      return [tag.slice(0, i).trim(), tag.slice(i + 1).replace(/\s+/g, '')] as const;
    }),
  );
}

const fake = new FakeSource();

/** The calls of one scenario in one style. */
function calls(scenario: string, style: string, seed: number, clock = SEEDED_EPOCH): SimCall[] {
  return new EventGenerator({ seed, clock: () => clock, scenario, style }).instance(0);
}

/** Every bounce the catalogue writes, SEEDS seeds per scenario and style. */
function bounces(seeds: number): Array<{ where: string; style: string; call: BounceEvent }> {
  const out = [];
  for (const s of SCENARIOS.filter((x) => x.calls.includes('bounce'))) {
    for (const style of s.styles) {
      for (let seed = 1; seed <= seeds; seed++) {
        const call = calls(s.name, style, seed).find((c) => c.event.type === 'bounce')!.event as BounceEvent;
        out.push({ where: `${s.name}/${style}/seed ${seed}`, style, call });
      }
    }
  }
  return out;
}

describe('DKIM signatures', () => {
  function assertRsa2048(block: string, where: string): void {
    const [value] = fields(block, 'DKIM-Signature');
    assert.ok(value, `${where}: no DKIM-Signature`);
    const tags = dkimTags(value);
    assert.equal(Buffer.from(tags.get('bh')!, 'base64').length, 32, `${where}: bh is a SHA-256 digest`);
    assert.equal(tags.get('bh')!.length, 44, where);
    assert.equal(Buffer.from(tags.get('b')!, 'base64').length, 256, `${where}: b is an RSA-2048 signature`);
    assert.equal(tags.get('b')!.length, 344, where);
    for (const line of rawFields(block, 'DKIM-Signature')[0]!.split('\r\n'))
      assert.ok(line.length <= 78, `${where}: ${line.length} columns`);
  }

  test("SMTPeter's original: bh of 32 bytes, b of 256, folded within 78 columns", () => {
    for (let seed = 1; seed <= 50; seed++) {
      fake.reseed(seed);
      const msg = buildOriginalMessage(fake, SEEDED_EPOCH);
      assertRsa2048(originalHeaderBlock(msg, fake), `seed ${seed}`);
    }
  });

  test("Gmail's vacation reply signs with its 2048-bit key too", () => {
    for (let seed = 1; seed <= 20; seed++) {
      fake.reseed(seed);
      const { call } = composeAutoReply({
        fake,
        now: SEEDED_EPOCH,
        style: 'gmail',
        message: {},
        attachmentBytes: 0,
      });
      const mime = (call.event as { mime: string }).mime;
      assertRsa2048(headerBlockOf(mime), `seed ${seed}`);
    }
  });
});

describe("SMTPeter's sending MTA", () => {
  test('one host per bounce, and each host always on the same address', () => {
    const addressOf = new Map<string, string>();
    for (const { where, call } of bounces(8)) {
      const hosts = new Set(call.mime.match(/mta\d+\.smtpeter\.com/g));
      assert.ok(hosts.size <= 1, `${where}: ${[...hosts].join(', ')}`);
      for (const m of call.mime.matchAll(
        /(mta\d+\.smtpeter\.com)(?: \(mta\d+\.smtpeter\.com)? \[([\d.]+)\]/g,
      )) {
        const known = addressOf.get(m[1]!) ?? m[2]!;
        assert.equal(m[2], known, `${where}: ${m[1]} at ${m[2]} and at ${known}`);
        addressOf.set(m[1]!, known);
      }
    }
    assert.ok(addressOf.size >= 4, `${addressOf.size} hosts seen`);
  });

  test("a sync reply quotes the address the message's MTA sent from", () => {
    for (let seed = 1; seed <= 20; seed++) {
      fake.reseed(seed);
      const [call] = calls('intro-blocklisted', 'postfix', seed);
      const ip = /Client host \[([\d.]+)\]/.exec((call!.event as { description: string }).description)?.[1];
      assert.match(ip ?? '', /^185\.110\.5[67]\.\d+$/);
    }
  });
});

describe('Microsoft server names', () => {
  /** Datacenter prefixes of each region's servers. */
  const PREFIXES: Record<string, readonly string[]> = {
    nam: ['BN', 'CY', 'SN', 'CH', 'MN', 'DM', 'SA', 'PH', 'BL', 'CO', 'SJ', 'MW', 'IA', 'BY'],
    eur: ['AM', 'DB', 'VI', 'PA', 'HE', 'AS', 'DU', 'GV', 'PR'],
    apc: ['SG', 'HK', 'TY', 'KL', 'SI', 'PS', 'SE'],
  };
  const IPV6: Record<string, string> = { nam: '2603:10b6:', eur: '2603:10a6:', apc: '2603:1096:' };
  const SERVER =
    /\b([A-Z]{2})([A-Z0-9])(?:PR(\d\d)MB\d{4}|PEPF[0-9A-F]{8})\.(nam|eur|apc)prd(\d\d)\.prod\.outlook\.com/g;

  function assertServers(text: string, where: string): Set<string> {
    const regions = new Set<string>();
    for (const m of text.matchAll(SERVER)) {
      const [name, prefix, , pr, region, prd] = m;
      assert.ok(PREFIXES[region!]!.includes(prefix!), `${where}: ${name}`);
      if (pr) assert.equal(pr, prd, `${where}: ${name}`);
      regions.add(region!);
    }
    return regions;
  }

  test('NDRs and out-of-office replies: prefix, region, outbound pool and IPv6 agree', () => {
    let seen = 0;
    for (const { where, style, call } of bounces(25)) {
      if (style !== 'office365' && !(where.startsWith('autoreply') && style === 'exchange')) continue;
      const regions = assertServers(call.mime, where);
      assert.equal(regions.size, 1, `${where}: ${[...regions]}`);
      const [region] = regions;
      seen++;
      const outbound =
        /from (mail-[a-z0-9]{3}(nam|eur|apc)\d\don2(\d{3})\.outbound\.protection\.outlook\.com) \(\1 \[40\.107\.\d+\.(\d+)\]\)/.exec(
          call.mime.replace(/\r\n[ \t]+/g, ' '),
        );
      if (style === 'office365') {
        assert.ok(outbound, `${where}: outbound Received`);
        assert.equal(outbound[2], region, where);
        assert.equal(Number(outbound[3]), Number(outbound[4]), `${where}: host number and address`);
      } else {
        assert.ok(call.mime.includes(`(${IPV6[region!]}`), `${where}: IPv6 of ${region}`);
      }
    }
    assert.ok(seen > 40, `${seen} checked`);
  });

  test('the server a sync reply names is in its own region', () => {
    let regions = new Set<string>();
    for (const s of SCENARIOS.filter((x) => x.mode === 'sync')) {
      for (const style of s.styles.filter((x) => x === 'outlook' || x === 'office365')) {
        for (let seed = 1; seed <= 30; seed++) {
          const text = (calls(s.name, style, seed)[0]!.event as { description: string }).description;
          regions = new Set([...regions, ...assertServers(text, `${s.name}/${style}/seed ${seed}`)]);
          if (text.includes('outlook.com')) assert.match(text, /PEPF0000[0-9A-F]{4}\./);
        }
      }
    }
    assert.equal(regions.size, 3);
  });
});

describe('Pacific time in Google mail', () => {
  test('PDT (-0700) from the second Sunday of March 02:00 to the first Sunday of November 02:00', () => {
    const cases: Array<[string, string]> = [
      ['2026-01-15T09:30:00Z', '-0800 (PST)'],
      ['2026-03-08T09:59:59Z', '-0800 (PST)'], // 01:59:59 PST
      ['2026-03-08T10:00:00Z', '-0700 (PDT)'], // 02:00 PST becomes 03:00 PDT
      ['2026-07-15T09:30:00Z', '-0700 (PDT)'],
      ['2026-11-01T08:59:59Z', '-0700 (PDT)'], // 01:59:59 PDT
      ['2026-11-01T09:00:00Z', '-0800 (PST)'], // back to 01:00 PST
      ['2027-03-14T10:00:00Z', '-0700 (PDT)'],
    ];
    for (const [at, zone] of cases)
      assert.ok(pacificDate(Date.parse(at)).endsWith(zone), `${at}: ${pacificDate(Date.parse(at))}`);
    assert.equal(pacificDate(Date.parse('2026-07-15T09:30:00Z')), 'Wed, 15 Jul 2026 02:30:00 -0700 (PDT)');
  });

  test('a Gmail DSN written in July says PDT', () => {
    const july = Date.UTC(2026, 6, 15, 9, 30);
    for (let seed = 1; seed <= 5; seed++) {
      const mime = (
        calls('dsn-userunknown', 'gmail', seed, july).find((c) => c.event.type === 'bounce')!
          .event as BounceEvent
      ).mime;
      assert.match(mime, /^Date: .* -0700 \(PDT\)\r$/m);
      assert.match(mime, /^Last-Attempt-Date: .* -0700 \(PDT\)\r$/m);
      assert.doesNotMatch(mime, /PST/);
    }
  });
});

describe('SMTP stage wording', () => {
  test('a refusal at DATA names the DATA command, not a recipient or sender', () => {
    for (const s of SCENARIOS.filter((x) => x.mode === 'sync' && x.states.includes('data'))) {
      for (const style of s.styles) {
        for (let seed = 1; seed <= 5; seed++) {
          const e = calls(s.name, style, seed)[0]!.event as FailureEvent;
          const where = `${s.name}/${style}: ${e.description}`;
          assert.doesNotMatch(
            e.description!,
            /(Recipient|Sender) address rejected|Helo command rejected/,
            where,
          );
          if (style === 'postfix' && e.code?.startsWith('5'))
            assert.match(e.description!, /^<DATA>: Data command rejected: /, where);
        }
      }
    }
    const e = calls('data-policy-rejected', 'postfix', 1)[0]!.event as FailureEvent;
    assert.equal(e.code, '554');
    assert.equal(e.extended, '5.7.1');
  });
});

describe('Amazon SES DSNs', () => {
  const CODES: Record<string, string> = {
    'us-east-1': '00',
    'us-west-2': '01',
    'eu-west-1': '02',
    'eu-central-1': '07',
  };

  test('host name, relay address, X-SES-Outgoing and Message-ID tell one story', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const call = calls('dsn-userunknown', 'amazonses', seed).find((c) => c.event.type === 'bounce')!
        .event as BounceEvent;
      const head = headerBlockOf(call.mime).replace(/\r\n[ \t]+/g, ' ');
      const where = `seed ${seed}`;
      const relay =
        /^Received: from ((a|b)(\d+)-(\d+)\.smtp-out\.(?:([a-z0-9-]+)\.)?amazonses\.com) \(\1 \[([\d.]+)\]\)/m.exec(
          head,
        );
      assert.ok(relay, `${where}: relay`);
      const [, , letter, x, y, region = 'us-east-1', ip] = relay;
      assert.equal(ip, `${letter === 'a' ? '54.240' : '69.169'}.${x}.${y}`, `${where}: ${relay[1]} at ${ip}`);
      assert.equal(fields(head, 'X-SES-Outgoing')[0]!.split('-').slice(1).join('-'), ip, where);
      const id =
        /^<01(\d\d)([0-9a-f]{12})-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}-000000@([a-z0-9-]+)\.amazonses\.com>$/.exec(
          fields(head, 'Message-ID')[0]!,
        );
      assert.ok(id, `${where}: ${fields(head, 'Message-ID')[0]}`);
      assert.equal(id[1], CODES[region], `${where}: region code`);
      assert.equal(id[3], region === 'us-east-1' ? 'email' : region, where);
      const date = Date.parse(fields(head, 'Date')[0]!);
      assert.ok(Math.abs(Number.parseInt(id[2]!, 16) - date) < 1000, `${where}: the id's time is the DSN's`);
    }
  });
});

describe('bounce timing', () => {
  test("SMTPeter's Received stamp is after the bounce's Date and not after the call's time", () => {
    for (const { where, call } of bounces(6)) {
      const head = headerBlockOf(call.mime).replace(/\r\n[ \t]+/g, ' ');
      const received = fields(head, 'Received').find((r) => /by bounce\d\.smtpeter\.com/.test(r));
      assert.ok(received, `${where}: no Received by SMTPeter`);
      const at = Date.parse(received.slice(received.lastIndexOf(';') + 1));
      const written = Date.parse(fields(head, 'Date')[0]!.replace(/ \([A-Z]+\)$/, ''));
      assert.ok(at <= call.time * 1000, `${where}: received ${new Date(at).toISOString()} after the call`);
      assert.ok(written <= at, `${where}: written ${new Date(written).toISOString()} after it was received`);
    }
  });

  test("Microsoft 365's Created Date is en-US: 12-hour clock, no leading zero", () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= 40; seed++) {
      const call = calls(
        'dsn-userunknown',
        'office365',
        seed,
        Date.UTC(2026, 0, 15, 7 + (seed % 12), 30),
      ).find((c) => c.event.type === 'bounce')!.event as BounceEvent;
      const text = call.mime.replace(/=\r\n/g, '');
      const created = /Created Date:\t(\S+ \S+ \S+)/.exec(text)?.[1];
      assert.match(
        created ?? '',
        /^([1-9]|1[0-2])\/([1-9]|[12]\d|3[01])\/\d{4} ([1-9]|1[0-2]):[0-5]\d:[0-5]\d (AM|PM)$/,
      );
      seen.add(created!.slice(-2));
    }
    assert.deepEqual([...seen].sort(), ['AM', 'PM']);
  });
});
