import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type CaptureServer, withCaptureServer } from '../helpers/capture-server.js';
import { cli, runMain } from '../helpers/cli.js';

const RUN = ['--no-sign', '--seed', '20261206', '-n', '240', '-c', '8', '--workers', '0'];

/** What a receiver got, as a sorted list of bodies: the same calls whatever order they came in. */
const bodies = (server: CaptureServer): string[] =>
  server.requests.map((r) => r.body.toString('latin1')).sort();

interface Report {
  planned: number;
  ok: number;
  failed: number;
  dropped: number;
  unsent: number;
  accounting: { holds: boolean };
  types: Record<string, number>;
  scenarios: Record<string, number>;
  status: Record<string, number>;
  shards?: number;
  missing?: string[];
  thresholds?: Array<{ threshold: string; passed: boolean }>;
}

test('N shards as local processes, merged, are the single run: same calls, same accounting', async () => {
  const single = await withCaptureServer(async (server) => {
    const r = await cli(['fire', '--url', server.url, ...RUN, '--json']);
    assert.equal(r.code, 0, r.stderr);
    return { report: JSON.parse(r.stdout) as Report, bodies: bodies(server) };
  });
  const dir = mkdtempSync(join(tmpdir(), 'smtpeter-sim-shards-test-'));
  try {
    await checkShardsMerge(dir, single);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The three shards run by hand into `dir`, and `merge` over their reports. */
async function checkShardsMerge(dir: string, single: { report: Report; bodies: string[] }): Promise<void> {
  await withCaptureServer(async (server) => {
    const runs = [0, 1, 2].map((k) =>
      cli([
        'fire',
        '--url',
        server.url,
        ...RUN,
        '--shard',
        `${k}/3`,
        '--out',
        join(dir, `report-${k}.json`),
        '-q',
      ]),
    );
    for (const r of await Promise.all(runs)) assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(bodies(server), single.bodies, 'the shards sent exactly the calls of the single run');
    const shardPlanned = [0, 1, 2].map(
      (k) => (JSON.parse(readFileSync(join(dir, `report-${k}.json`), 'utf8')) as Report).planned,
    );
    assert.equal(
      shardPlanned.reduce((a, b) => a + b),
      240,
    );
    const files = [0, 1, 2].map((k) => join(dir, `report-${k}.json`));
    const merged = await runMain(['merge', ...files, '--json', '--threshold', 'errors<1%']);
    assert.equal(merged.code, 0, merged.stderr);
    const m = JSON.parse(merged.stdout) as Report;
    for (const k of ['planned', 'ok', 'failed', 'dropped', 'unsent'] as const)
      assert.equal(m[k], single.report[k], k);
    assert.ok(m.accounting.holds);
    assert.deepEqual(m.types, single.report.types);
    assert.deepEqual(m.scenarios, single.report.scenarios);
    assert.deepEqual(m.status, single.report.status);
    assert.deepEqual(m.missing, []);
    // A threshold the merged run breaks fails the merge with fire's exit code 1; a shard missing fails it too.
    const strict = await runMain(['merge', ...files, '--threshold', 'p50<0.001ms']);
    assert.equal(strict.code, 1);
    assert.match(strict.stdout, /✘ FAIL\s+p50<0.001ms/);
    const partial = await runMain(['merge', files[0]!, files[2]!]);
    assert.equal(partial.code, 1);
    assert.match(partial.stderr, /shards missing: 1\/3/);
    const twice = await runMain(['merge', files[0]!, files[0]!]);
    assert.equal(twice.code, 2);
    assert.match(twice.stderr, /shard 0\/3 again/);
  });
}

test('fire --processes 2 against a local receiver: both shards, merged, accounting that holds', async () => {
  await withCaptureServer(
    (_req, n) => ({ status: n % 10 === 0 ? 503 : 204 }),
    async (server) => {
      const r = await runMain(['fire', '--url', server.url, ...RUN, '--processes', '2', '--json']);
      assert.equal(r.code, 1, 'every 10th call answered 503: not all accepted');
      const report = JSON.parse(r.stdout) as Report;
      assert.equal(report.shards, 2);
      assert.equal(report.planned, 240);
      assert.equal(report.ok + report.failed + report.dropped + report.unsent, 240);
      assert.ok(report.accounting.holds);
      assert.equal(report.failed, 24);
      assert.equal(report.status['503'], 24);
      assert.equal(server.requests.length, 240);
      assert.equal(new Set(bodies(server)).size, 240, 'no call sent twice');
    },
  );
});

test('--shard and --processes refuse what cannot be split, before anything is sent', async () => {
  for (const [args, message] of [
    [['--shard', '0/2', '-n', '4'], /--shard: give --seed too/],
    [['--shard', '2/2', '--seed', '1'], /--shard: K counts from 0/],
    [['--shard', '0/2', '--seed', '1', '--duplicate', '10%'], /--shard: not with --duplicate/],
    [['--processes', '2', '--shard', '0/2', '--seed', '1'], /--processes: not with --shard/],
    [['--processes', '0'], /--processes/],
    [['--processes', '2', '--reorder', '5'], /--processes: not with --duplicate or --reorder/],
  ] as const) {
    const r = await runMain(['fire', '--url', 'http://127.0.0.1:9/', '--no-sign', ...args]);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, message);
  }
});
