import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withCaptureServer } from '../helpers/capture-server.js';
import { runMain } from '../helpers/cli.js';

test('fire --pipelining 4: requests written ahead on 2 sockets, every call answered, the same calls', async () => {
  const args = ['--no-sign', '--seed', '5', '-n', '120', '-c', '8', '--workers', '0', '--json'];
  const plain = await withCaptureServer(async (server) => {
    const r = await runMain(['fire', '--url', server.url, ...args]);
    assert.equal(r.code, 0, r.stderr);
    return server.requests.map((q) => q.body.toString('latin1')).sort();
  });
  await withCaptureServer(async (server) => {
    const r = await runMain(['fire', '--url', server.url, ...args, '--pipelining', '4']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { ok: number; accounting: { holds: boolean } };
    assert.equal(report.ok, 120);
    assert.ok(report.accounting.holds);
    assert.deepEqual(
      server.requests.map((q) => q.body.toString('latin1')).sort(),
      plain,
      'pipelined, the receiver got the same bytes',
    );
  });
  const bad = await runMain(['fire', '--url', 'http://127.0.0.1:9/', '--pipelining', '0']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--pipelining/);
});
