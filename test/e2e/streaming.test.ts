/**
 * Big runs stream: `fire --dry-run` and `generate` write each call as it is
 * made, so `| head -1` has its line at once for any count, memory stays
 * flat, and the command ends quietly (status 0) when the reader goes away.
 * Real processes, the pipe closed after the first line as `head -1` does;
 * GNU time (`/usr/bin/time -v`) reads the peak RSS and the CPU time.
 *
 * The 2 s bound is on the process's CPU time (user + system), from its start
 * to its exit: on an idle machine that is its wall time, and unlike the wall
 * time it does not grow when other processes share the two cores (the suite
 * runs two files at once beside other work). A run that generated all 10^7
 * calls, or held them, would spend minutes of CPU, not seconds.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';
import { BIN, TEST_HOME } from '../helpers/cli.js';

const GNU_TIME = '/usr/bin/time';
/** The bounds: the first line and the exit within 2 s (of CPU), under 200 MB. */
const LIMIT_CPU_S = 2;
const LIMIT_RSS_KB = 200 * 1024;

interface HeadOne {
  firstLine: string;
  ms: number;
  cpuS: number;
  code: number | null;
  rssKb: number;
  stderr: string;
}

/** `smtpeter-sim ARGS | head -1`, timed from the start to the process's exit. */
function headOne(args: string[]): Promise<HeadOne> {
  const started = performance.now();
  const child = spawn(GNU_TIME, ['-v', process.execPath, BIN, ...args], {
    cwd: TEST_HOME,
    env: { ...process.env, XDG_CONFIG_HOME: TEST_HOME, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let firstLine: string | undefined;
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d;
  });
  child.stdout.on('data', (d: Buffer) => {
    if (firstLine !== undefined) return;
    out += d;
    const nl = out.indexOf('\n');
    if (nl >= 0) {
      firstLine = out.slice(0, nl);
      child.stdout.destroy(); // the reader goes away, as head does after its line
    }
  });
  // Past the bound the test has failed; the kill keeps a runaway from holding the suite.
  const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(kill);
      const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      const user = /User time \(seconds\): ([\d.]+)/.exec(stderr);
      const system = /System time \(seconds\): ([\d.]+)/.exec(stderr);
      resolve({
        firstLine: firstLine ?? '',
        ms: performance.now() - started,
        cpuS: user && system ? Number(user[1]) + Number(system[1]) : Number.NaN,
        code,
        rssKb: rss ? Number(rss[1]) : Number.NaN,
        stderr,
      });
    });
  });
}

function assertStreams(r: HeadOne, first: RegExp): void {
  assert.match(r.firstLine, first);
  assert.equal(r.code, 0, `exit ${r.code}; stderr: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /Error|EPIPE|heap/, 'ends quietly');
  assert.ok(
    r.cpuS < LIMIT_CPU_S,
    `took ${r.cpuS} s of CPU (bound ${LIMIT_CPU_S} s; ${Math.round(r.ms)} ms wall)`,
  );
  assert.ok(r.rssKb < LIMIT_RSS_KB, `peak RSS ${r.rssKb} kB (bound ${LIMIT_RSS_KB} kB)`);
}

describe('big runs stream and stop when the reader goes away', {
  skip: !existsSync(GNU_TIME) && `no ${GNU_TIME}`,
}, () => {
  test('fire --dry-run -n 1e7 | head -1: the first request at once, flat memory, status 0', async () => {
    const r = await headOne([
      'fire',
      '--dry-run',
      '--no-sign',
      '--url',
      'http://127.0.0.1:8025/',
      '-n',
      '10000000',
    ]);
    assertStreams(r, /^POST \/ HTTP\/1\.1\r$/);
  });

  test('signed: fire --dry-run -n 1e7 | head -1 the same', async () => {
    const r = await headOne(['fire', '--dry-run', '-n', '10000000']);
    assertStreams(r, /^POST \/ HTTP\/1\.1\r$/);
  });

  test('generate -n 1e7 | head -1: the file starts at once, flat memory, status 0', async () => {
    const r = await headOne(['generate', '-n', '10000000', '--seed', '7']);
    assertStreams(r, /^\{$/);
  });

  test('generate --format ndjson -n 1e7 | head -1: the first call at once', async () => {
    const r = await headOne(['generate', '--format', 'ndjson', '-n', '10000000', '--seed', '7']);
    assertStreams(r, /^\{"label":/);
  });
});
