import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { makeCall } from '../../src/make-call.js';
import { cli, TEST_HOME } from '../helpers/cli.js';
import { keyPairIn } from '../helpers/keys.js';
import { startListen, stopListen } from '../helpers/listen.js';

describe('listen', () => {
  const keys = join(TEST_HOME, 'listen-keys');
  keyPairIn(keys);

  test('prints each call readably and verifies signatures with --public-key', async () => {
    const l = await startListen(['--public-key', join(keys, 'smtpeter-sim.pub')]);
    try {
      const r = await cli([
        'fire',
        '--scenario',
        'dsn-userunknown',
        '--style',
        'postfix',
        '-n',
        '2',
        '--url',
        l.url,
        '--key',
        join(keys, 'smtpeter-sim.key'),
      ]);
      assert.equal(r.code, 0, r.stderr);
      await new Promise((res) => setTimeout(res, 100));
      const out = l.out();
      assert.match(out, /⇐ bounce id=\w+ recipient=\S+@\S+ {2}signature verified/);
      assert.match(out, /⇐ failure id=\w+ recipient=\S+@\S+ {2}signature verified/);
      assert.match(out, /bounce( \d{3})? 5\.1\.\d+ failed/);
      assert.match(out, /Diagnostic|smtp; 550|RecipNotFound|550/);
    } finally {
      assert.equal(await stopListen(l.proc), 0);
    }
  });

  test("a DSN naming several recipients: each bounce line shows its own recipient's Diagnostic-Code", async () => {
    const l = await startListen([]);
    try {
      const r = await cli([
        'fire',
        '--scenario',
        'dsn-multi-recipient',
        '--style',
        'postfix',
        '-n',
        '6',
        '--seed',
        '3',
        '--url',
        l.url,
        '--no-sign',
        '-c',
        '1',
      ]);
      assert.equal(r.code, 0, r.stderr);
      await new Promise((res) => setTimeout(res, 100));
      const bounces = [...l.out().matchAll(/⇐ bounce id=\w+ recipient=(\S+).*\n\s+"[^"]*" \| (.*)/g)];
      assert.ok(bounces.length >= 2, l.out());
      // Postfix writes the address into each recipient's Diagnostic-Code: it must be the call's own.
      for (const [, recipient, diagnostic] of bounces)
        assert.match(diagnostic!, new RegExp(`<${recipient!.replace(/\./g, '\\.')}>`));
      assert.ok(new Set(bounces.map((b) => b[1])).size >= 2, 'calls about different recipients');
    } finally {
      await stopListen(l.proc);
    }
  });

  test('methods, paths and bodies listen does not take: 405 with Allow, 404, and the body named as what it is', async () => {
    const l = await startListen([]);
    try {
      for (const [method, path] of [
        ['PUT', '/'],
        ['DELETE', '/'],
        ['PATCH', '/hooks/smtpeter'],
      ] as const) {
        const res = await fetch(new URL(path, l.url), { method, body: method === 'DELETE' ? null : 'x' });
        assert.equal(res.status, 405, `${method} ${path}`);
        assert.equal(res.headers.get('allow'), 'GET, HEAD, POST');
        assert.equal(await res.text(), `${method} is not a webhook call: SMTPeter POSTs them\n`);
      }
      const missing = await fetch(new URL('/api/nothing', l.url));
      assert.equal(missing.status, 404);
      assert.deepEqual(await missing.json(), { error: 'no /api/nothing here' });
      // The page, and SMTPeter's verification file beside the hook, are still served.
      assert.match(await (await fetch(l.url)).text(), /<html/i);
      const verification = await fetch(new URL('/hooks/smtpeter-abc12.txt', l.url));
      assert.equal(verification.status, 200);
      assert.equal(await verification.text(), 'smtpeter-sim listen\n');

      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      const garbage = await fetch(l.url, { method: 'POST', headers: form, body: 'garbage' });
      assert.equal(garbage.status, 400);
      assert.equal(await garbage.text(), "not an SMTPeter call: no field of any dialect (got 'garbage')\n");
      const failure = makeCall({ scenario: 'sync-userunknown' });
      const body = failure.body
        .toString()
        .replace(/(^|&)code=\d+/, '$1code=250')
        .replace(/(^|&)extended=[^&]*/, '$1extended=2.0.0');
      const accepted = await fetch(l.url, {
        method: 'POST',
        headers: { 'content-type': failure.contentType },
        body,
      });
      assert.equal(accepted.status, 400);
      assert.match(
        await accepted.text(),
        /^code '250' is not a 4xx or 5xx reply \(a failure is a refused or delayed message\)$/m,
      );
      await new Promise((res) => setTimeout(res, 100));
      assert.match(l.out(), /⇐ \? id=\? recipient=\?/);
      assert.doesNotMatch(l.out(), /smtpeter-feedback-loop/);
    } finally {
      await stopListen(l.proc);
    }
  });

  test('a call signed with another key is refused with 400; valid calls get --status', async () => {
    const other = join(TEST_HOME, 'listen-other');
    keyPairIn(other);
    const l = await startListen(['--public-key', join(keys, 'smtpeter-sim.pub'), '--status', '503']);
    try {
      const forged = await cli(['fire', '-n', '1', '--url', l.url, '--key', join(other, 'smtpeter-sim.key')]);
      assert.equal(forged.code, 1);
      assert.match(forged.stdout, /✘ 400/);
      const valid = await cli(['fire', '-n', '1', '--url', l.url, '--key', join(keys, 'smtpeter-sim.key')]);
      assert.equal(valid.code, 1, 'a 503 answer makes fire exit 1');
      assert.match(valid.stdout, /✘ 503/);
      await new Promise((res) => setTimeout(res, 100));
      assert.match(l.out(), /signature FAILED: signature does not verify with the public key/);
    } finally {
      await stopListen(l.proc);
    }
  });

  test('names the dialect of each kind of call', async () => {
    const l = await startListen(['--json']);
    try {
      for (const dialect of ['smtpeter', 'smtpeter-feedback-loop', 'marketing-suite']) {
        for (const scenario of ['sync-userunknown', 'dsn-userunknown', 'autoreply-out-of-office']) {
          const r = await cli([
            'fire',
            '--scenario',
            scenario,
            '-n',
            '1',
            '--url',
            l.url,
            '--dialect',
            dialect,
            '--no-sign',
          ]);
          assert.equal(r.code, 0, `${dialect} ${scenario}: ${r.stdout}`);
        }
      }
      await new Promise((res) => setTimeout(res, 100));
      const lines = l
        .out()
        .trim()
        .split('\n')
        .map((x) => JSON.parse(x) as { dialect: string; problems: string[] });
      assert.deepEqual(
        lines.map((x) => x.dialect),
        ['smtpeter', 'smtpeter-feedback-loop', 'marketing-suite'].flatMap((d) => [d, d, d]),
      );
      for (const x of lines) assert.deepEqual(x.problems, []);
    } finally {
      await stopListen(l.proc);
    }
  });

  test('rejects a mixed-dialect or incomplete call with a clear line', async () => {
    const l = await startListen([]);
    try {
      const post = (body: string): Promise<Response> =>
        fetch(l.url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body,
        });
      const mixed = await post(
        'id=1&type=bounce&recipient=a%40b.example&mailfrom=&rcptto=x%40y.example&mime=A%3A+b%0D%0A%0D%0Ac',
      );
      assert.equal(mixed.status, 400);
      assert.match(
        await mixed.text(),
        /mixes dialects: webhook field\(s\) type beside feedback-loop field\(s\) mailfrom, rcptto/,
      );
      const incomplete = await post('id=1&recipient=a%40b.example&mailfrom=&mime=A%3A+b%0D%0A%0D%0Ac');
      assert.equal(incomplete.status, 400);
      assert.match(await incomplete.text(), /missing field 'rcptto'/);
      await new Promise((res) => setTimeout(res, 100));
      assert.match(l.out(), /problems: mixes dialects/);
      assert.match(l.out(), /problems: .*missing field 'rcptto'/);
    } finally {
      await stopListen(l.proc);
    }
  });

  test('--json prints one object per call with fields, problems and the signature check', async () => {
    const l = await startListen(['--json']);
    try {
      await cli(['fire', '--type', 'failure', '-n', '3', '--url', l.url, '--no-sign']);
      await new Promise((res) => setTimeout(res, 100));
      const lines = l
        .out()
        .trim()
        .split('\n')
        .map((x) => JSON.parse(x) as Record<string, unknown>);
      assert.equal(lines.length, 3);
      for (const line of lines) {
        assert.equal(line['kind'], 'failure');
        assert.equal(line['dialect'], 'smtpeter');
        assert.deepEqual(line['problems'], []);
        assert.ok(Array.isArray((line['fields'] as Record<string, unknown>)['tags']));
      }
    } finally {
      await stopListen(l.proc);
    }
  });

  after(() => undefined);
});
