import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { formFields, startCaptureServer } from '../helpers/capture-server.js';
import { cli, ROOT } from '../helpers/cli.js';

describe('config files', () => {
  test('.smtpeter-simrc sets url, copernicaId and tags; flags override; `config` names the sources', async () => {
    const server = await startCaptureServer();
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    writeFileSync(
      join(dir, '.smtpeter-simrc'),
      JSON.stringify({ url: server.url, copernicaId: 'environment-77', tags: ['from-config'] }),
    );
    try {
      const r = await cli(['fire', '-n', '1', '--type', 'failure'], { cwd: dir });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(server.requests.length, 1);
      assert.equal(server.requests[0]!.headers['x-copernica-id'], 'environment-77');
      assert.deepEqual(formFields(server.requests[0]!.body).get('tags[]'), ['from-config']);
      const r2 = await cli(['fire', '-n', '1', '--copernica-id', 'environment-88'], { cwd: dir });
      assert.equal(r2.code, 0);
      assert.equal(server.requests[1]!.headers['x-copernica-id'], 'environment-88');
      const c = await cli(['config', '--json'], { cwd: dir });
      const cfg = JSON.parse(c.stdout) as { settings: Array<{ key: string; source: string }> };
      const src = Object.fromEntries(cfg.settings.map((s) => [s.key, s.source]));
      assert.match(src['url']!, /\.smtpeter-simrc$/);
      assert.equal(src['format'], 'default');
    } finally {
      await server.close();
    }
  });
});

describe('a keyId that is not a DNS name is refused by every command that signs', () => {
  const bad = 'a"b,algorithm="hmac-sha256';
  const fixture = join(ROOT, 'fixtures', 'scenarios', 'apple-prefetch-then-read.json');

  test('--key-id: fire, replay, check and serve: exit 2, one line, nothing sent or printed', async () => {
    const server = await startCaptureServer();
    try {
      for (const args of [
        ['fire', '--dry-run', '-n', '1'],
        ['fire', '--url', server.url, '-n', '1'],
        ['replay', fixture, '--url', server.url],
        ['check', '--url', server.url],
        ['serve', '--url', server.url, '--api-port', '0', '--smtp-port', '0'],
      ]) {
        const r = await cli([...args, '--key-id', bad], { timeoutMs: 30_000 });
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.equal(r.stderr, `smtpeter-sim: --key-id: '${bad}' is not a DNS name\n`, args.join(' '));
        assert.equal(r.stdout, '', args.join(' '));
      }
      assert.equal(server.requests.length, 0);
    } finally {
      await server.close();
    }
  });

  test('config keyId: the error names the file and the key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-keyid-'));
    writeFileSync(join(dir, '.smtpeter-simrc'), JSON.stringify({ keyId: bad }));
    const r = await cli(['fire', '--dry-run', '-n', '1'], { cwd: dir });
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /^smtpeter-sim: \S+\.smtpeter-simrc: keyId: 'a"b,algorithm="hmac-sha256' is not a DNS name\n$/,
    );
    assert.equal(r.stdout, '');
  });
});
