/**
 * SIGINT/SIGTERM as README promises them, with real processes and a
 * receiver that takes 30 s to answer: the first signal stops new calls and
 * gives those in flight --grace (not the receiver's 30 s), a second signal
 * cuts them off at once, and the report (--out) and the log (--log) are
 * written whole: every line of the log and the report parse as JSON.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cliSpawn } from '../helpers/cli.js';
import { failureEntry } from '../helpers/fixture-entry.js';

/** The receiver's answer time: a run that waits for it has not kept the promise. */
const ANSWER_MS = 30_000;
/** Far below ANSWER_MS (every run gives --timeout 60s, so only the stop can end a call early), far above a loaded machine's process exit. */
const BOUND_MS = 15_000;

interface SlowReceiver {
  url: string;
  requests: number;
  waitFor(n: number): Promise<void>;
  close(): Promise<void>;
}

async function slowReceiver(): Promise<SlowReceiver> {
  const held: ServerResponse[] = [];
  const waiters: (() => void)[] = [];
  const state = { requests: 0 };
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      state.requests++;
      for (const w of waiters.splice(0)) w();
      held.push(res);
      setTimeout(() => res.writeHead(200).end('ok'), ANSWER_MS).unref();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    get requests() {
      return state.requests;
    },
    waitFor(n) {
      return new Promise((resolve) => {
        const check = (): void => {
          if (state.requests >= n) resolve();
          else waiters.push(check);
        };
        check();
      });
    },
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

interface Stopped {
  code: number | null;
  /** From the first signal to the exit. */
  ms: number;
  stdout: string;
  stderr: string;
}

/** Start the CLI, wait until the receiver holds `inFlight` requests, then send the signals. */
async function runAndSignal(
  args: string[],
  receiver: SlowReceiver,
  inFlight: number,
  signals: NodeJS.Signals[],
): Promise<Stopped> {
  const child = cliSpawn(args);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d;
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d;
  });
  const exited = once(child, 'exit') as Promise<[number | null]>;
  await receiver.waitFor(inFlight);
  const signalledAt = performance.now();
  for (const [i, signal] of signals.entries()) {
    if (i > 0) await new Promise((r) => setTimeout(r, 300));
    child.kill(signal);
  }
  const kill = setTimeout(() => child.kill('SIGKILL'), ANSWER_MS + 5000);
  const [code] = await exited;
  clearTimeout(kill);
  return { code, ms: performance.now() - signalledAt, stdout, stderr };
}

function assertLogWhole(path: string): unknown[] {
  const text = readFileSync(path, 'utf8');
  assert.ok(text.endsWith('\n'), 'the log ends with a whole line');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as unknown);
}

/** Where and how every run here sends: a --timeout above the receiver's answer, so only a stop ends a call early. */
const to = (receiver: SlowReceiver): string[] => ['--url', receiver.url, '--no-sign', '--timeout', '60s'];

describe('interruptions: --grace, then cut off; report and log written whole', () => {
  let receiver: SlowReceiver;
  const dir = mkdtempSync(join(tmpdir(), 'smtpeter-sim-interrupt-'));
  before(async () => {
    receiver = await slowReceiver();
  });
  after(() => receiver.close());

  test('closed model, SIGINT: waits --grace, not the 30 s answer; report and log whole', async () => {
    const out = join(dir, 'closed.json');
    const log = join(dir, 'closed.ndjson');
    const before = receiver.requests;
    const r = await runAndSignal(
      [
        'fire',
        ...to(receiver),
        '-c',
        '3',
        '-n',
        '50',
        '--grace',
        '300ms',
        '--json',
        '--out',
        out,
        '--log',
        log,
      ],
      receiver,
      before + 3,
      ['SIGINT'],
    );
    assert.equal(r.code, 1, r.stderr);
    assert.ok(r.ms < BOUND_MS, `ended ${Math.round(r.ms)} ms after the signal`);
    assert.equal(receiver.requests - before, 3, 'no call started after the signal');
    const report = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
    assert.equal(report.interrupted, true);
    // --out also carries the run's state (for `merge`); the rest is what --json prints.
    const { state: _state, ...reported } = report;
    assert.deepEqual(JSON.parse(r.stdout), reported, '--json on stdout is the --out file, less its state');
    const lines = assertLogWhole(log) as Array<{ error?: string; givenUp?: string }>;
    assert.ok(lines.length >= 3, `${lines.length} log lines`);
    // The three in flight were cut off by the stop: interrupted, and counted as aborted, not as timeouts.
    const cut = lines.filter((l) => l.error !== undefined);
    assert.equal(cut.length, 3, JSON.stringify(lines));
    for (const l of cut) assert.equal(l.givenUp, 'interrupted');
    assert.deepEqual(report.errors, { aborted: 3 });
  });

  test('a second signal cuts the calls in flight off at once, whatever --grace says', async () => {
    const out = join(dir, 'twice.json');
    const before = receiver.requests;
    const r = await runAndSignal(
      ['fire', ...to(receiver), '-c', '2', '-n', '10', '--grace', '10m', '--out', out, '-q'],
      receiver,
      before + 2,
      ['SIGTERM', 'SIGTERM'],
    );
    assert.equal(r.code, 1, r.stderr);
    assert.ok(r.ms < BOUND_MS, `ended ${Math.round(r.ms)} ms after the first signal`);
    assert.equal((JSON.parse(readFileSync(out, 'utf8')) as { interrupted: boolean }).interrupted, true);
  });

  test('open model with retries waiting: SIGINT ends the waits and the calls in flight', async () => {
    const out = join(dir, 'open.json');
    const before = receiver.requests;
    const r = await runAndSignal(
      [
        'fire',
        ...to(receiver),
        '--rate',
        '20/s',
        '-n',
        '40',
        '--retries',
        '3',
        '--grace',
        '300ms',
        '--out',
        out,
        '-q',
      ],
      receiver,
      before + 4,
      ['SIGINT'],
    );
    assert.equal(r.code, 1, r.stderr);
    assert.ok(r.ms < BOUND_MS, `ended ${Math.round(r.ms)} ms after the signal`);
    assert.equal((JSON.parse(readFileSync(out, 'utf8')) as { interrupted: boolean }).interrupted, true);
  });

  test('replay, SIGTERM during a call: --grace, then cut off; the JUnit report written whole, the calls not sent in it as skipped', async () => {
    const fixture = join(dir, 'calls.json');
    writeFileSync(
      fixture,
      JSON.stringify({ calls: [failureEntry('r1'), failureEntry('r2'), failureEntry('r3')] }),
    );
    const xml = join(dir, 'junit.xml');
    const before = receiver.requests;
    const r = await runAndSignal(
      ['replay', fixture, ...to(receiver), '--grace', '300ms', '--reporter', 'junit', '--out', xml],
      receiver,
      before + 1,
      ['SIGTERM'],
    );
    assert.equal(r.code, 1, r.stderr);
    assert.ok(r.ms < BOUND_MS, `ended ${Math.round(r.ms)} ms after the signal`);
    assert.equal(receiver.requests - before, 1, 'no call after the signal');
    const report = readFileSync(xml, 'utf8');
    assert.match(report, /^<\?xml/);
    assert.match(report, /<\/testsuites>\s*$/);
    // Every call of the file is a testcase: the one cut off failed, the two never sent are skipped.
    assert.match(report, /<testsuites [^>]*tests="3" failures="1" errors="0" skipped="2"/);
    assert.equal([...report.matchAll(/<testcase /g)].length, 3);
    assert.equal([...report.matchAll(/<skipped message="not sent: the run was interrupted"\/>/g)].length, 2);
  });
});
