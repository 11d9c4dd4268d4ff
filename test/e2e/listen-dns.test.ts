import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runMain, TEST_HOME } from '../helpers/cli.js';
import { dnsKeySource } from '../helpers/dns-keys.js';
import { keyPairIn } from '../helpers/keys.js';
import { type Listening, startListen, stopListen } from '../helpers/listen.js';

const home = mkdtempSync(join(TEST_HOME, 'listen-dns-'));
const env = { XDG_CONFIG_HOME: home };

describe('listen --dns-port --resolve-keys: verifies by DNS, as Copernica verifier does, and names the selector', () => {
  let listen: Listening;
  let dnsServer: string;
  before(async () => {
    listen = await startListen(['--dns-port', '0', '--resolve-keys', '--no-ui'], env);
    dnsServer = /DNS on (\S+) \(UDP and TCP\)/.exec(listen.err())![1]!;
  });
  after(() => stopListen(listen.proc));

  test('its responder publishes the key folder; a rotation shows at once; calls verify by their selector', async () => {
    const first = await runMain(['fire', '--url', listen.url, '-n', '2', '--quiet'], { env });
    assert.equal(first.code, 0, first.stdout + first.stderr);
    const rotated = await runMain(['keys', 'rotate', '--grace', '10m'], { env });
    assert.match(rotated.stdout, /^signing with smtpeter2\._domainkey\.copernica\.com from now on/);
    const second = await runMain(['fire', '--url', listen.url, '-n', '2', '--quiet'], { env });
    assert.equal(second.code, 0, second.stdout + second.stderr);
    await new Promise((r) => setTimeout(r, 200));
    const lines = listen
      .out()
      .split('\n')
      .filter((l) => l.includes('⇐'));
    assert.equal(lines.length, 4, listen.out());
    assert.equal(
      lines.filter((l) => l.includes('signature verified by smtpeter1._domainkey.copernica.com')).length,
      2,
    );
    assert.equal(
      lines.filter((l) => l.includes('signature verified by smtpeter2._domainkey.copernica.com')).length,
      2,
    );
    // The old selector is still published in its grace period, through the same responder a receiver would use.
    const key = dnsKeySource(dnsServer, { pinDomain: 'copernica.com', maxAgeMs: 0 });
    assert.notEqual(typeof (await key('smtpeter1._domainkey.copernica.com')), 'string');
    assert.notEqual(typeof (await key('smtpeter2._domainkey.copernica.com')), 'string');
  });

  test('a validly signed call whose keyId is outside copernica.com is refused, with why', async () => {
    const attacker = keyPairIn(join(home, 'attacker'));
    const r = await runMain(
      [
        'fire',
        '--url',
        listen.url,
        '-n',
        '1',
        '--key',
        attacker.keyFile,
        '--key-id',
        'smtpeter1._domainkey.copernica.com.attacker.example',
      ],
      { env },
    );
    assert.equal(r.code, 1);
    assert.match(r.stdout, /400/);
    await new Promise((res) => setTimeout(res, 200));
    assert.match(
      listen.out(),
      /signature FAILED: keyId 'smtpeter1\._domainkey\.copernica\.com\.attacker\.example' is not under copernica\.com/,
    );
  });

  test('a selector nobody publishes is refused as NXDOMAIN', async () => {
    const stray = keyPairIn(join(home, 'stray'));
    const r = await runMain(
      [
        'fire',
        '--url',
        listen.url,
        '-n',
        '1',
        '--key',
        stray.keyFile,
        '--key-id',
        'smtpeter9._domainkey.copernica.com',
      ],
      { env },
    );
    assert.equal(r.code, 1);
    await new Promise((res) => setTimeout(res, 200));
    assert.match(
      listen.out(),
      /signature FAILED: no key published at smtpeter9\._domainkey\.copernica\.com \(NXDOMAIN: retired, or never published\)/,
    );
  });
});

describe('listen: DNS flags it refuses, one line, exit 2', () => {
  const cases: [string[], string][] = [
    [
      ['--resolve-keys'],
      '--resolve-keys: give a resolver (127.0.0.1:5353), or --dns-port to use the responder listen runs',
    ],
    [
      ['--resolve-keys', 'dns.example'],
      "--resolve-keys: expected a resolver address such as 127.0.0.1:5353, got 'dns.example'",
    ],
    [['--dns-zone', 'x.zone'], '--dns-zone: adds records to the DNS responder; give --dns-port too'],
    [['--dns-port', '70000'], "--dns-port: expected a port 0-65535 (0 = any free port), got '70000'"],
  ];
  for (const [args, message] of cases)
    test(args.join(' '), async () => {
      const r = await runMain(['listen', '--port', '0', ...args], { env });
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr, `smtpeter-sim: ${message}\n`);
    });
});
