import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { KEY_ID_CHECKS } from '../../src/check/key-id-checks.js';
import { runMain, TEST_HOME } from '../helpers/cli.js';
import { dnsKeySource, type KeyPolicy } from '../helpers/dns-keys.js';
import { keyPairIn } from '../helpers/keys.js';
import { startVerifyingReceiver } from '../helpers/verifying-receiver.js';

const signer = keyPairIn(join(TEST_HOME, 'check-dns-keys'));

/** A free port for the responder: the receiver's resolver must know it before check starts it. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

interface Card {
  ok: boolean;
  keyId: string;
  checks: { name: string; outcome: string; got?: { status?: number } }[];
}

/** `check --dns-port` against a receiver that gets every key from DNS, as `policy` says. */
async function scorecard(
  policy: KeyPolicy,
): Promise<{ code: number; outcomes: Record<string, string>; lookups: string[] }> {
  const port = await freePort();
  const keys = dnsKeySource(`127.0.0.1:${port}`, policy);
  const receiver = await startVerifyingReceiver(keys, 'environment-1234');
  try {
    const r = await runMain([
      'check',
      '--url',
      receiver.url,
      '--key',
      signer.keyFile,
      '--dns-port',
      String(port),
      '--json',
    ]);
    const card = JSON.parse(r.stdout) as Card;
    assert.equal(card.keyId, 'smtpeter1._domainkey.copernica.com');
    return {
      code: r.code,
      outcomes: Object.fromEntries(card.checks.map((c) => [c.name, c.outcome])),
      lookups: keys.lookups,
    };
  } finally {
    await receiver.close();
  }
}

const keyIdOutcomes = (outcomes: Record<string, string>): Record<string, string> =>
  Object.fromEntries(KEY_ID_CHECKS.map((c) => [c.name, outcomes[c.name]!]));

describe('check --dns-port: the keyId checks against receivers that resolve keys through DNS', () => {
  test('one that pins copernica.com and asks DNS for every keyId passes them all, exit 0', async () => {
    const { code, outcomes, lookups } = await scorecard({ pinDomain: 'copernica.com', maxAgeMs: 0 });
    assert.deepEqual(keyIdOutcomes(outcomes), {
      'keyid-outside-copernica': 'pass',
      'keyid-lookalike-suffix': 'pass',
      'keyid-lookalike-name': 'pass',
      'keyid-lookalike-prefix': 'pass',
      'rotated-selector': 'pass',
      'retired-key': 'pass',
    });
    assert.equal(code, 0, JSON.stringify(outcomes));
    // Only names under copernica.com were ever asked for: the pin comes before the lookup.
    assert.ok(
      lookups.every((name) => name.endsWith('._domainkey.copernica.com')),
      lookups.join(' '),
    );
    assert.ok(lookups.includes('smtpeter2._domainkey.copernica.com'), 'the rotated selector was fetched');
  });

  test('one that trusts any keyId fails the four keyId-domain checks, exit 1', async () => {
    const { code, outcomes } = await scorecard({ maxAgeMs: 0 });
    assert.deepEqual(keyIdOutcomes(outcomes), {
      'keyid-outside-copernica': 'fail',
      'keyid-lookalike-suffix': 'fail',
      'keyid-lookalike-name': 'fail',
      'keyid-lookalike-prefix': 'fail',
      'rotated-selector': 'pass',
      'retired-key': 'pass',
    });
    assert.equal(code, 1);
  });

  test("one that checks endsWith('copernica.com') (no dot) falls for notcopernica.com", async () => {
    const { outcomes } = await scorecard({ pinDomain: 'copernica.com', maxAgeMs: 0, sloppyPin: true });
    assert.equal(outcomes['keyid-lookalike-prefix'], 'fail');
    assert.equal(outcomes['keyid-lookalike-suffix'], 'pass');
  });

  test('one that keeps the first key it fetched fails the rotation', async () => {
    const { code, outcomes } = await scorecard({
      pinDomain: 'copernica.com',
      maxAgeMs: 0,
      oneKeyForever: true,
    });
    assert.equal(outcomes['rotated-selector'], 'fail');
    assert.equal(code, 1);
  });

  test('one that caches each selector forever accepts a retired key', async () => {
    const { code, outcomes } = await scorecard({
      pinDomain: 'copernica.com',
      maxAgeMs: Number.POSITIVE_INFINITY,
    });
    assert.equal(outcomes['rotated-selector'], 'pass');
    assert.equal(outcomes['retired-key'], 'fail');
    assert.equal(code, 1);
  });

  test('a --dns-port in use is exit 2, one line naming the flag', async () => {
    const blocker = await import('node:dgram').then((d) => d.createSocket('udp4'));
    await new Promise<void>((r) => blocker.bind(0, '127.0.0.1', r));
    try {
      const port = blocker.address().port;
      const r = await runMain([
        'check',
        '--url',
        'http://127.0.0.1:1/',
        '--key',
        signer.keyFile,
        '--dns-port',
        String(port),
      ]);
      assert.equal(r.code, 2);
      assert.equal(
        r.stderr,
        `smtpeter-sim: --dns-port ${port}: address already in use on 127.0.0.1 (--dns-port 0 takes any free port)\n`,
      );
    } finally {
      blocker.close();
    }
  });
});
