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
});
