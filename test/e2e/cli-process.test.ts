/**
 * The CLI as a process: a reader that closes the pipe, and the exit status
 * bin/ passes on from main(). Everything else about commands runs main()
 * in-process (test/cli/, test/inputs/).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type CaptureServer, startCaptureServer } from '../helpers/capture-server.js';
import { cli, cliSpawn } from '../helpers/cli.js';

/** Run the CLI with its stdout destroyed after the first line, as `| head -1` does. */
async function headOne(args: string[]): Promise<{ code: number | null; first: string; stderr: string }> {
  const proc = cliSpawn(args);
  let stdout = '';
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  proc.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (stdout.includes('\n')) proc.stdout!.destroy();
  });
  const code = await new Promise<number | null>((r) => proc.once('exit', (c) => r(c)));
  return { code, first: (stdout.split('\n')[0] ?? '').trimEnd(), stderr };
}

describe('a closed stdout (| head -1)', () => {
  let server: CaptureServer;
  before(async () => {
    server = await startCaptureServer();
  });
  after(() => server.close());

  test('fire --dry-run stops quietly with status 0', async () => {
    // Megabytes of requests: far more than a pipe buffers, so the writes meet the closed pipe.
    const r = await headOne([
      ...['fire', '--dry-run', '--no-sign', '--seed', '1', '-n', '3000'],
      ...['--url', 'http://127.0.0.1:8025/'],
    ]);
    assert.equal(r.first, 'POST / HTTP/1.1');
    assert.equal(r.stderr, '', 'no stack trace, nothing on stderr');
    assert.equal(r.code, 0);
  });

  test('check stops quietly with status 0', async () => {
    const r = await headOne(['check', '--url', server.url]);
    assert.match(r.first, /check/i);
    assert.doesNotMatch(r.stderr, /EPIPE|at .*\.js/);
    assert.equal(r.code, 0);
  });
});

describe('the exit status is what main() returns', () => {
  test('a usage error: status 2, one line on stderr, nothing on stdout', async () => {
    const r = await cli(['fire', '--url', 'http://127.0.0.1:9/', '--no-sign', '--sedd', '1']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^smtpeter-sim: unknown option '--sedd'; did you mean --seed\? \(see --help\)\n$/);
  });

  test('a bad config file: status 2, the line names the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smtpeter-sim-exit-'));
    writeFileSync(join(dir, '.smtpeter-simrc.json'), '{ "retries": "many" }');
    const r = await cli(['fire', '--dry-run'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^smtpeter-sim: .*\.smtpeter-simrc\.json: .*retries/);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  });
});
