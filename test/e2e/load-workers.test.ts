import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { withCaptureServer } from '../helpers/capture-server.js';
import { cli } from '../helpers/cli.js';
import type { FireReport } from '../helpers/fire-output.js';

/** The bodies a receiver got from one seeded run, sorted (concurrent sends arrive in any order). */
async function bodies(args: string[]): Promise<{ bodies: string[]; report: FireReport }> {
  return withCaptureServer(async (server) => {
    const r = await cli(['fire', '--url', server.url, '--no-sign', '--seed', 'pool-e2e', '--json', ...args]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as FireReport;
    assert.equal(report.planned, report.ok + report.failed + report.dropped + report.unsent);
    assert.equal(server.requests.length, report.sent);
    for (const req of server.requests) assert.equal(Number(req.headers['content-length']), req.body.length);
    return { bodies: server.requests.map((q) => q.body.toString('utf8')).sort(), report };
  });
}

describe('fire --workers: calls built on worker threads', { concurrency: true }, () => {
  test('open model: the receiver gets the same calls with 0 and 2 workers', async () => {
    const args = ['--rate', '2000/s', '--count', '300', '--mix', 'failure=3,bounce=1'];
    const [main, pooled] = await Promise.all([
      bodies([...args, '--workers', '0']),
      bodies([...args, '--workers', '2']),
    ]);
    assert.equal(main.report.ok, 300);
    assert.equal(pooled.report.ok, 300);
    assert.deepEqual(pooled.bodies, main.bodies);
  });

  test('closed model, --sign-workers as the older name: the same calls too', async () => {
    const args = ['-c', '4', '--count', '150'];
    const [main, pooled] = await Promise.all([
      bodies([...args, '--workers', '0']),
      bodies([...args, '--sign-workers', '1']),
    ]);
    assert.equal(pooled.report.ok, 150);
    assert.deepEqual(pooled.bodies, main.bodies);
  });

  test('--workers and --sign-workers that disagree: usage error, nothing sent', async () => {
    await withCaptureServer(async (server) => {
      const r = await cli([
        'fire',
        '--url',
        server.url,
        '--no-sign',
        '--workers',
        '1',
        '--sign-workers',
        '2',
      ]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /--sign-workers: is the older name of --workers/);
      assert.equal(server.requests.length, 0);
    });
  });
});
