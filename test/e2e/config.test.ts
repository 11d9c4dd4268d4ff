import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { formFields, startCaptureServer } from '../helpers/capture-server.js';
import { cli } from '../helpers/cli.js';

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

  test('YAML config and package.json key are found too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-yaml-'));
    writeFileSync(join(dir, '.smtpeter-simrc.yaml'), 'dialect: marketing-suite\nformat: json\n');
    const c = await cli(['config'], { cwd: dir });
    assert.match(c.stdout, /dialect\s+marketing-suite\s+.*\.smtpeter-simrc\.yaml/);
    const dir2 = mkdtempSync(join(tmpdir(), 'cfg-pkg-'));
    writeFileSync(
      join(dir2, 'package.json'),
      JSON.stringify({ name: 'x', 'smtpeter-sim': { keyId: 'k1._domainkey.copernica.com' } }),
    );
    const c2 = await cli(['config'], { cwd: dir2 });
    assert.match(c2.stdout, /keyId\s+k1\._domainkey\.copernica\.com\s+.*package\.json/);
  });

  for (const [name, content, pattern] of [
    ['.smtpeter-simrc', '{ "url": ', /\.smtpeter-simrc:1: not YAML: \S.* \(column \d+\)$/m],
    ['.smtpeter-simrc.json', '{"colour": "red"}', /\.smtpeter-simrc\.json: unknown key 'colour'/],
    [
      '.smtpeter-simrc.json',
      '{"format": "xml"}',
      /\.smtpeter-simrc\.json: 'format' must be one of form, json/,
    ],
    ['.smtpeter-simrc.json', '{"tags": "a"}', /'tags' must be an array of strings/],
    [
      '.smtpeter-simrc.yaml',
      'url: [unclosed',
      /\.smtpeter-simrc\.yaml:1: not YAML: unexpected end of the stream within a flow collection \(column \d+\)$/m,
    ],
  ] as const) {
    test(`malformed ${name} (${content}): one line with its path, exit 2`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'cfg-bad-'));
      writeFileSync(join(dir, name), content);
      const r = await cli(['fire', '--dry-run'], { cwd: dir });
      assert.equal(r.code, 2, r.stdout);
      assert.match(r.stderr, pattern);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    });
  }
});
