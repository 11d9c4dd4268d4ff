/** `check` against an HTTPS receiver with a throwaway certificate, in-process through main(). */
import assert from 'node:assert/strict';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { throwawayCertificate } from '../helpers/certificate.js';
import { runMain, TEST_HOME } from '../helpers/cli.js';
import { keyPairIn } from '../helpers/keys.js';
import { startVerifyingReceiver, type VerifyingReceiver } from '../helpers/verifying-receiver.js';

const dir = join(TEST_HOME, 'check-https');
const certificate = throwawayCertificate(join(dir, 'tls'));
const certFile = certificate?.certFile ?? '';
const key = join(dir, 'smtpeter-sim.key');

describe('check against an HTTPS receiver', () => {
  let receiver: VerifyingReceiver | undefined;
  before(async () => {
    const { publicKey } = keyPairIn(dir);
    if (!certificate) return;
    receiver = await startVerifyingReceiver(publicKey, 'environment-1234', certificate.tls);
  });
  after(() => receiver?.close());

  test('--ca: plain-http runs (the TLS port answers plain HTTP 400, as nginx does), every check passes', async (t) => {
    if (!receiver) return t.skip('openssl not available');
    const r = await runMain(['check', '--url', receiver.url, '--key', key, '--ca', certFile, '--json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const card = JSON.parse(r.stdout) as {
      required: unknown;
      checks: { name: string; outcome: string; url: string; got: { status?: number; errorKind?: string } }[];
    };
    assert.deepEqual(card.required, { passed: 11, failed: 0, skipped: 6 });
    const plain = card.checks.find((c) => c.name === 'plain-http')!;
    assert.equal(plain.outcome, 'pass');
    assert.equal(plain.url, receiver.url.replace('https:', 'http:'));
    assert.equal(plain.got.status, 400);
  });

  test("plain-http: a TLS port that drops the plain call (Node's own https server resets it unread) is a refusal: exit 0", async (t) => {
    if (!certificate) return t.skip('openssl not available');
    // Node's own HTTPS server: it answers every TLS call 401 and closes a connection that speaks plain HTTP.
    const server = createHttpsServer(certificate.tls, (_req, res) => res.writeHead(401).end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      const url = `https://127.0.0.1:${port}/hooks`;
      const r = await runMain(['check', '--url', url, '--key', key, '--ca', certFile, '--json']);
      const card = JSON.parse(r.stdout) as {
        checks: { name: string; outcome: string; got: unknown; note?: string }[];
      };
      const plain = card.checks.find((c) => c.name === 'plain-http')!;
      assert.equal(plain.outcome, 'pass', JSON.stringify(plain));
      assert.equal((plain.got as { errorKind?: string }).errorKind, 'reset');
      // Its valid calls get 401 (this server checks nothing), so the run fails on those, not on plain-http.
      assert.equal(r.code, 1);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  test('an untrusted certificate: valid calls fail as TLS errors, exit 1; --insecure passes', async (t) => {
    if (!receiver) return t.skip('openssl not available');
    const untrusted = await runMain(['check', '--url', receiver.url, '--key', key, '--timeout', '5s']);
    assert.equal(untrusted.code, 1);
    assert.match(untrusted.stdout, /FAIL {2}valid-failure +required +got TLS error, expected 2xx/);
    const insecure = await runMain(['check', '--url', receiver.url, '--key', key, '--insecure']);
    assert.equal(insecure.code, 0, insecure.stdout);
    assert.match(insecure.stdout, /PASS {2}plain-http +required +got /);
  });
});
