import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import type { KeyObject } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type DnsResponder, startDnsResponder } from '../../src/dns/responder.js';
import { DnsZone, readZoneFile } from '../../src/dns/zone.js';
import { UsageError } from '../../src/model/errors.js';
import { keyIdOf, rotateKeyring } from '../../src/sign/keyring.js';
import { generateKeyPair } from '../../src/sign/keys.js';
import { TEST_HOME } from '../helpers/cli.js';
import { copernicaVerifierKey } from '../helpers/dns-keys.js';
import { rsaKeyPair } from '../helpers/keys.js';

const resolverFor = (responder: DnsResponder): Resolver => {
  const r = new Resolver({ timeout: 2000, tries: 1 });
  r.setServers([responder.server]);
  return r;
};

const spki = (k: KeyObject): Buffer => k.export({ type: 'spki', format: 'der' });

function hasDig(): boolean {
  try {
    execFileSync('dig', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function dig(args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('dig', args, { timeout: 10_000 }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
  );
}

describe('the DNS responder, asked by real DNS clients', () => {
  const signer = rsaKeyPair('signer');
  const zone = new DnsZone().publishKey('smtpeter1._domainkey.copernica.com', signer.publicKey);
  // 2,000 bytes: more than one UDP datagram without EDNS, so clients must come back over TCP.
  const long = `v=long;x=${'a'.repeat(2000)}`;
  zone.add('long.example', long);
  let responder: DnsResponder;
  before(async () => {
    responder = await startDnsResponder({ port: 0, lookup: zone.lookup });
  });
  after(() => responder.close());

  it("node:dns resolveTxt gets the key in the form Copernica's verifier parses", async () => {
    const records = await resolverFor(responder).resolveTxt('smtpeter1._domainkey.copernica.com');
    assert.equal(records.length, 1);
    const txt = records[0]!.join('');
    assert.match(txt, /^v=DKIM1;k=rsa;p=[A-Za-z0-9+/=]+$/);
    assert.ok(records[0]!.every((chunk) => Buffer.byteLength(chunk) <= 255));
    assert.deepEqual(spki(copernicaVerifierKey(txt)!), spki(signer.publicKey));
    // Names are case-insensitive, a trailing dot is the same name.
    const upper = await resolverFor(responder).resolveTxt('SMTPeter1._DomainKey.Copernica.COM.');
    assert.equal(upper[0]!.join(''), txt);
  });

  it('the spaced form would leave the verifier without a key', () => {
    const der = spki(signer.publicKey).toString('base64');
    assert.equal(copernicaVerifierKey(`v=DKIM1; k=rsa; p=${der}`), undefined);
  });

  it('a name it does not hold is NXDOMAIN', async () => {
    await assert.rejects(resolverFor(responder).resolveTxt('x._domainkey.copernica.com'), {
      code: 'ENOTFOUND',
    });
  });

  it('another type at a held name is NOERROR with no answer (NODATA)', async () => {
    await assert.rejects(resolverFor(responder).resolve4('smtpeter1._domainkey.copernica.com'), {
      code: 'ENODATA',
    });
  });

  it('an answer too big for UDP is truncated, and the resolver gets it whole over TCP', async () => {
    const records = await resolverFor(responder).resolveTxt('long.example');
    assert.equal(records[0]!.join(''), long);
  });

  it('bad bytes get FORMERR and the responder keeps serving', async () => {
    const socket = createSocket('udp4');
    const reply = await new Promise<Buffer>((resolve) => {
      socket.once('message', resolve);
      socket.send(Buffer.from('\x12\x34not a dns message at all'), responder.port, '127.0.0.1');
    });
    socket.close();
    assert.equal(reply.readUInt16BE(0), 0x1234, 'the id is echoed');
    assert.equal(reply[2]! & 0x80, 0x80, 'QR: a response');
    assert.equal(reply[3]! & 0x0f, 1, 'rcode FORMERR');
    const records = await resolverFor(responder).resolveTxt('smtpeter1._domainkey.copernica.com');
    assert.equal(records.length, 1);
  });

  const digReason = hasDig() ? undefined : 'dig not installed (apt-get install dnsutils): dig tests skipped';
  if (digReason) process.stderr.write(`NOTICE: ${digReason}\n`);
  it('dig over UDP and over TCP gets the same record', { skip: digReason }, async () => {
    const name = 'smtpeter1._domainkey.copernica.com';
    const common = ['-p', String(responder.port), '@127.0.0.1', name, 'TXT', '+short'];
    const udp = await dig([...common, '+notcp']);
    const tcp = await dig([...common, '+tcp']);
    assert.equal(udp, tcp);
    const txt = [...udp.matchAll(/"([^"]*)"/g)].map((m) => m[1]).join('');
    assert.deepEqual(spki(copernicaVerifierKey(txt)!), spki(signer.publicKey));
    const status = await dig(['-p', String(responder.port), '@127.0.0.1', 'nope.example', 'TXT']);
    assert.match(status, /status: NXDOMAIN/);
    assert.match(status, /flags: qr aa/);
  });
});

describe('a key folder in DNS as it rotates', () => {
  it('publishes the new selector at once, the old one through its grace period, then NXDOMAIN', async () => {
    const dir = join(TEST_HOME, 'dns-rotating-keys');
    generateKeyPair(dir);
    let now = Date.parse('2026-03-01T00:00:00Z');
    const zone = new DnsZone(dir, () => now);
    const responder = await startDnsResponder({ port: 0, lookup: zone.lookup, ttl: 0 });
    try {
      const resolver = resolverFor(responder);
      const txt = async (selector: string): Promise<string> =>
        (await resolver.resolveTxt(keyIdOf(selector)))[0]!.join('');
      const first = await txt('smtpeter1');
      await assert.rejects(txt('smtpeter2'), { code: 'ENOTFOUND' });
      const second = rotateKeyring(dir, now, 3600_000);
      assert.equal(second.keyId, 'smtpeter2._domainkey.copernica.com');
      assert.deepEqual(spki(copernicaVerifierKey(await txt('smtpeter2'))!), spki(second.publicKey));
      assert.equal(await txt('smtpeter1'), first, 'still published in its grace period');
      now += 3600_000 + 1000;
      await assert.rejects(txt('smtpeter1'), { code: 'ENOTFOUND' });
      assert.ok(await txt('smtpeter2'));
    } finally {
      await responder.close();
    }
  });
});

describe('zone files', () => {
  const dir = join(TEST_HOME, 'zones');
  mkdirSync(dir, { recursive: true });
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('reads name [ttl] [IN] TXT "a" "b", comments and blank lines', () => {
    const zone = new DnsZone();
    const n = readZoneFile(
      file(
        'ok.zone',
        '; keys\n\nx._domainkey.attacker.example. 300 IN TXT "v=DKIM1;" "k=rsa;p=AAAA" ; two strings\nother.example TXT "a;b"\n',
      ),
      zone,
    );
    assert.equal(n, 2);
    assert.deepEqual(zone.lookup('x._domainkey.attacker.example'), ['v=DKIM1;k=rsa;p=AAAA']);
    assert.deepEqual(zone.lookup('OTHER.example.'), ['a;b']);
    assert.equal(zone.lookup('nope.example'), undefined);
  });

  it('a line it cannot read is one error naming the file and line', () => {
    const bad = file('bad.zone', 'ok.example TXT "x"\nmx.example MX 10 mail.example\n');
    assert.throws(
      () => readZoneFile(bad, new DnsZone()),
      (e: Error) => {
        assert.ok(e instanceof UsageError);
        assert.equal(e.message, `--dns-zone ${bad}:2: only TXT records are served, not MX`);
        return true;
      },
    );
    const junk = file('junk.zone', 'just words\n');
    assert.throws(() => readZoneFile(junk, new DnsZone()), {
      message: `--dns-zone ${junk}:1: expected name TXT "text", got 'just words'`,
    });
    assert.throws(() => readZoneFile(join(dir, 'missing.zone'), new DnsZone()), {
      message: `--dns-zone ${join(dir, 'missing.zone')}: cannot read (ENOENT)`,
    });
  });
});

describe('a port taken', () => {
  it('is refused with the error of the bind, nothing left listening', async () => {
    const first = await startDnsResponder({ port: 0, lookup: () => undefined });
    try {
      await assert.rejects(startDnsResponder({ port: first.port, lookup: () => undefined }), {
        code: 'EADDRINUSE',
      });
    } finally {
      await first.close();
    }
  });
});
