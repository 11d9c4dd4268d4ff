import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type DnsResponder, startDnsResponder } from '../../src/dns/responder.js';
import { DnsZone } from '../../src/dns/zone.js';
import { runMain, TEST_HOME } from '../helpers/cli.js';
import { dnsKeySource } from '../helpers/dns-keys.js';
import { startVerifyingReceiver, type VerifyingReceiver } from '../helpers/verifying-receiver.js';

/** A config home of its own: this test rotates the key folder's selectors. */
const home = mkdtempSync(join(TEST_HOME, 'rotation-'));
const env = { XDG_CONFIG_HOME: home };

describe('fire --rotate-every at a receiver that gets its keys only through DNS', () => {
  let responder: DnsResponder;
  let receiver: VerifyingReceiver;
  let keys: ReturnType<typeof dnsKeySource>;
  before(async () => {
    // The key folder is made here, as `smtpeter-sim dns` would find it.
    const shown = await runMain(['keys', 'show'], { env });
    assert.equal(shown.code, 0, shown.stderr);
    const zone = new DnsZone(join(home, 'smtpeter-sim', 'keys'));
    responder = await startDnsResponder({ port: 0, lookup: zone.lookup });
    // Pins copernica.com; keeps each selector's key a minute, so it asks DNS again only for a new selector.
    keys = dnsKeySource(responder.server, { pinDomain: 'copernica.com', maxAgeMs: 60_000 });
    receiver = await startVerifyingReceiver(keys, 'environment-1234');
  });
  after(async () => {
    await receiver.close();
    await responder.close();
  });

  test('every call verifies across the rotations, each new selector fetched once', async () => {
    const r = await runMain(
      [
        'fire',
        '--url',
        receiver.url,
        '-n',
        '40',
        '-c',
        '2',
        '--delay',
        'fixed:150ms',
        '--rotate-every',
        '700ms',
        '--quiet',
      ],
      { env },
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(receiver.verdicts.length, 40);
    assert.deepEqual(
      receiver.verdicts.filter((v) => v !== undefined),
      [],
      'every call accepted',
    );
    const selectors = [...new Set(receiver.keyIds)];
    // At least one rotation (more where the machine makes RSA pairs fast enough: a slow one skips a period).
    assert.ok(selectors.length >= 2, `selectors used: ${selectors.join(' ')}`);
    assert.equal(selectors[0], 'smtpeter1._domainkey.copernica.com');
    const numbers = selectors.map((k) => Number(/^smtpeter(\d+)\._domainkey\.copernica\.com$/.exec(k!)?.[1]));
    assert.deepEqual(
      numbers,
      [...numbers].sort((a, b) => a - b),
      'selectors count up',
    );
    // Calls come in selector order: no call names a selector older than one before it.
    const order = receiver.keyIds.map((k) => selectors.indexOf(k!));
    assert.deepEqual(
      order,
      [...order].sort((a, b) => a - b),
    );
    assert.deepEqual(keys.lookups, selectors, 'each selector resolved once, when it first appeared');
    const used = /^signed with (.*)$/m.exec(r.stderr)?.[1]?.split(', ') ?? [];
    assert.deepEqual(
      used.filter((u) => selectors.includes(u)),
      selectors,
    );
  });

  test('after the run, the newest selector and the one before it are published; older ones are not', async () => {
    const shown = await runMain(['keys', 'show'], { env });
    const published = [
      ...shown.stdout.matchAll(/^(smtpeter\d+)\._domainkey\.copernica\.com\. TXT "v=DKIM1;k=rsa;p=/gm),
    ].map((m) => m[1]);
    assert.ok(published.length >= 1 && published.length <= 2, published.join(' '));
    await assert.doesNotReject(keys('smtpeter1._domainkey.copernica.com'));
  });
});

describe('fire --rotate-every: combinations it refuses, one line, exit 2', () => {
  const cases: [string, string[], string][] = [
    [
      'build workers',
      ['--workers', '2'],
      '--workers: --rotate-every signs on the main thread; give --workers 0 or leave it out',
    ],
    [
      '--key',
      ['--key', join(home, 'smtpeter-sim', 'keys', 'smtpeter-sim.key')],
      "--rotate-every: rotates the key folder's selectors, so not with --key",
    ],
    [
      '--key-id',
      ['--key-id', 'x._domainkey.copernica.com'],
      "--rotate-every: rotates the key folder's selectors, so not with --key-id",
    ],
    [
      'no --url',
      [],
      '--rotate-every: needs --url (the embedded receiver verifies with one key; `listen --resolve-keys` verifies through DNS)',
    ],
    ['too short', ['--rotate-every', '5ms'], "--rotate-every: 100ms at least, got '5ms'"],
  ];
  for (const [name, args, message] of cases)
    test(name, async () => {
      const url = name === 'no --url' ? [] : ['--url', 'http://127.0.0.1:1/'];
      const rotate = args.includes('--rotate-every') ? [] : ['--rotate-every', '1s'];
      const r = await runMain(['fire', ...url, '-n', '2000', ...rotate, ...args], { env });
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr, `smtpeter-sim: ${message}\n`);
    });
});
