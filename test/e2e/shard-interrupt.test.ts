/**
 * `fire --processes` interrupted: every shard writes its interrupted report
 * (a stop asked for before a shard can take it waits until it can), the
 * parent merges them as a single interrupted run would be reported, and its
 * temporary folder is gone afterwards.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runShardProcesses } from '../../src/run/shard-processes.js';
import { cliSpawn } from '../helpers/cli.js';

/** A receiver that holds every call unanswered (until it closes): only a stop ends a run. */
async function holdingReceiver(): Promise<{
  url: string;
  requests: () => number;
  close: () => Promise<void>;
}> {
  const held: ServerResponse[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => held.push(res));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests: () => held.length,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('fire --processes interrupted', () => {
  let receiver: Awaited<ReturnType<typeof holdingReceiver>>;
  const dir = mkdtempSync(join(tmpdir(), 'smtpeter-sim-shard-interrupt-'));
  before(async () => {
    receiver = await holdingReceiver();
  });
  after(async () => {
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Two shard processes of an unsigned run at the holding receiver, with `args` and the stops given. */
  const twoShards = (
    args: string[],
    reports: string,
    stops: { signal: AbortSignal; cutOff: AbortSignal },
  ): ReturnType<typeof runShardProcesses> =>
    runShardProcesses({
      args: ['--url', receiver.url, '--no-sign', ...args],
      processes: 2,
      dir: reports,
      onProgress: () => {},
      ...stops,
    });

  test('a stop right after the shards start: each writes its interrupted report, none is killed', async () => {
    const stop = new AbortController();
    const running = twoShards(['--seed', '1', '-n', '4', '--timeout', '60s', '--grace', '200ms'], dir, {
      signal: stop.signal,
      cutOff: new AbortController().signal,
    });
    // The shards are still loading: a SIGINT now would end them before they have a handler.
    stop.abort();
    const outcomes = await running;
    for (const o of outcomes) {
      assert.equal(o.signal, undefined, o.stderr);
      assert.equal(o.exitCode, 1, o.stderr);
      const report = JSON.parse(readFileSync(o.report, 'utf8')) as {
        interrupted: boolean;
        planned: number;
        sent: number;
      };
      assert.equal(report.interrupted, true);
      assert.equal(report.planned, 2);
      // Stopped before it started: the shard starts only at the parent's go-ahead, after the stop.
      assert.equal(report.sent, 0);
    }
  });

  // Two signals sent together can arrive as one: stops go to the shards as messages, so the
  // second (cut off the calls in flight) is never lost. Were it lost, the 60 s grace would time the test out.
  test('a stop and a cut-off together while calls are in flight: every shard ends, its calls cut off', {
    timeout: 30_000,
  }, async () => {
    const stop = new AbortController();
    const cutOff = new AbortController();
    const before = receiver.requests();
    const running = twoShards(
      ['--seed', '2', '-n', '40', '-c', '4', '--timeout', '120s', '--grace', '60s'],
      mkdtempSync(join(dir, 'cut-')),
      { signal: stop.signal, cutOff: cutOff.signal },
    );
    // Four calls held by each shard.
    while (receiver.requests() < before + 8) await new Promise((r) => setTimeout(r, 20));
    stop.abort();
    cutOff.abort();
    for (const o of await running) {
      assert.equal(o.signal, undefined, o.stderr);
      const report = JSON.parse(readFileSync(o.report, 'utf8')) as { interrupted: boolean; aborted?: number };
      assert.equal(report.interrupted, true);
    }
  });

  test('SIGINT to fire --processes: the merged interrupted report, exit 1, no temporary folder left', async () => {
    const tmp = mkdtempSync(join(dir, 'tmp-'));
    const before = receiver.requests();
    const child = cliSpawn(
      [
        'fire',
        '--url',
        receiver.url,
        '--no-sign',
        '-n',
        '4',
        '--processes',
        '2',
        '--timeout',
        '60s',
        '--grace',
        '200ms',
        '--json',
      ],
      { TMPDIR: tmp },
    );
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d));
    child.stderr!.on('data', (d: Buffer) => (stderr += d));
    const exited = once(child, 'exit') as Promise<[number | null]>;
    const kill = setTimeout(() => child.kill('SIGKILL'), 60_000);
    while (receiver.requests() === before && child.exitCode === null)
      await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGINT');
    const [code] = await exited;
    clearTimeout(kill);
    assert.equal(code, 1, stderr);
    assert.equal(stderr, '');
    const report = JSON.parse(stdout) as {
      interrupted: boolean;
      planned: number;
      shards: number;
      missing: string[];
    };
    assert.equal(report.interrupted, true);
    assert.equal(report.shards, 2);
    assert.deepEqual(report.missing, []);
    assert.equal(report.planned, 4);
    assert.deepEqual(readdirSync(tmp), [], 'the shards folder is removed');
    assert.ok(existsSync(tmp));
  });
});
