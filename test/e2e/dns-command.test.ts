import assert from 'node:assert/strict';
import { Resolver } from 'node:dns/promises';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { cliSpawn, runMain, TEST_HOME } from '../helpers/cli.js';
import { copernicaVerifierKey } from '../helpers/dns-keys.js';
import { keyPairIn } from '../helpers/keys.js';

const home = mkdtempSync(join(TEST_HOME, 'dns-command-'));
const env = { XDG_CONFIG_HOME: home };

describe('smtpeter-sim dns, as a process', () => {
  test('serves the key folder, --key at --key-id and a zone file; lists them; stops on SIGINT', async () => {
    const other = keyPairIn(join(home, 'other'));
    const zone = join(home, 'extra.zone');
    writeFileSync(zone, 'x._domainkey.attacker.example. IN TXT "v=DKIM1;k=rsa;p=AAAA"\n');
    const proc = cliSpawn(
      [
        'dns',
        '--dns-port',
        '0',
        '--key',
        other.keyFile,
        '--key-id',
        'other._domainkey.copernica.com',
        '--dns-zone',
        zone,
      ],
      env,
    );
    let stdout = '';
    let stderr = '';
    proc.stdout!.on('data', (d: Buffer) => {
      stdout += d;
    });
    const server = await new Promise<string>((resolve, reject) => {
      proc.stderr!.on('data', (d: Buffer) => {
        stderr += d;
        const m = /^DNS on (\S+) \(UDP and TCP\)/m.exec(stderr);
        if (m) resolve(m[1]!);
      });
      proc.once('exit', () => reject(new Error(stderr)));
    });
    try {
      const resolver = new Resolver({ timeout: 2000, tries: 2 });
      resolver.setServers([server]);
      const txt = async (name: string): Promise<string> => (await resolver.resolveTxt(name))[0]!.join('');
      const own = copernicaVerifierKey(await txt('smtpeter1._domainkey.copernica.com'));
      assert.ok(own, 'the key folder is published under the default selector');
      const given = copernicaVerifierKey(await txt('other._domainkey.copernica.com'))!;
      assert.deepEqual(
        given.export({ type: 'spki', format: 'der' }),
        other.publicKey.export({ type: 'spki', format: 'der' }),
      );
      assert.equal(await txt('x._domainkey.attacker.example'), 'v=DKIM1;k=rsa;p=AAAA');
      await assert.rejects(txt('smtpeter2._domainkey.copernica.com'), { code: 'ENOTFOUND' });
      // The listing on stdout is a zone file of what it serves.
      assert.match(
        stdout,
        /^smtpeter1\._domainkey\.copernica\.com\. TXT "v=DKIM1;k=rsa;p=[A-Za-z0-9+/=]+"$/m,
      );
      assert.match(stdout, /^x\._domainkey\.attacker\.example\. TXT "v=DKIM1;k=rsa;p=AAAA"$/m);
    } finally {
      const exited = new Promise<number | null>((r) => proc.once('exit', r));
      proc.kill('SIGINT');
      assert.equal(await exited, 0);
    }
  });

  test('keys show after keys rotate names the files of the pair that signs, not the retired one', async () => {
    const rotatedHome = mkdtempSync(join(home, 'rotated-'));
    const rotatedEnv = { XDG_CONFIG_HOME: rotatedHome };
    const keyDir = join(rotatedHome, 'smtpeter-sim', 'keys');
    const first = await runMain(['keys', 'show'], { env: rotatedEnv });
    assert.match(first.stdout, new RegExp(`^private key: ${keyDir}/smtpeter-sim\\.key$`, 'm'));
    const rotated = await runMain(['keys', 'rotate'], { env: rotatedEnv });
    assert.equal(rotated.code, 0, rotated.stderr);
    const shown = await runMain(['keys', 'show'], { env: rotatedEnv });
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, new RegExp(`^private key: ${keyDir}/smtpeter2\\.key$`, 'm'));
    assert.match(shown.stdout, new RegExp(`^public key:  ${keyDir}/smtpeter2\\.pub$`, 'm'));
    assert.match(shown.stdout, /^signing with smtpeter2\._domainkey\.copernica\.com;/m);
    // The file named is the key the signing selector's record publishes.
    const pem = readFileSync(join(keyDir, 'smtpeter2.pub'), 'utf8');
    const record = /^smtpeter2\._domainkey\.copernica\.com\. TXT "v=DKIM1;k=rsa;p=([^"]+)"/m.exec(
      shown.stdout,
    )?.[1];
    assert.equal(record, pem.replace(/-----[^-]+-----|\s/g, ''));
  });

  test('bad input: one line, exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['--dns-port', 'x'], /^smtpeter-sim: --dns-port: expected a port 0-65535/],
      [
        ['--key-id', 'a._domainkey.copernica.com'],
        /^smtpeter-sim: --key-id: names the key of --key; give --key too$/,
      ],
      [
        ['--dns-zone', join(home, 'none.zone')],
        /^smtpeter-sim: --dns-zone .*none\.zone: cannot read \(ENOENT\)$/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await runMain(['dns', ...args], { env });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr.trimEnd(), message);
      assert.equal(r.stderr.trim().split('\n').length, 1);
    }
    const rotate = await runMain(['keys', 'rotate', '--grace', 'soon'], { env });
    assert.equal(rotate.code, 2);
    assert.match(rotate.stderr, /^smtpeter-sim: --grace: expected a duration/);
  });
});
