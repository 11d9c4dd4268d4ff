import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createRng } from '../../src/random/rng.js';
import {
  type Captured,
  type CaptureServer,
  formFields,
  withCaptureServer,
} from '../helpers/capture-server.js';
import { cli, cliSpawn, runMain, TEST_HOME } from '../helpers/cli.js';
import { type FireReport, type LogLine, readLog } from '../helpers/fire-output.js';

const logFile = (name: string): string => join(TEST_HOME, `retries-${name}-${process.pid}.ndjson`);

/** Every planned call ends once: delivered, failed, dropped or unsent. */
function assertAccounting(r: FireReport): void {
  assert.equal(r.planned, r.ok + r.failed + r.dropped + r.unsent, JSON.stringify(r));
  assert.equal(r.sent, r.ok + r.failed);
  assert.deepEqual(r.accounting, {
    planned: r.planned,
    delivered: r.ok,
    failed: r.failed,
    dropped: r.dropped,
    unsent: r.unsent,
    equation: `planned ${r.planned} = delivered ${r.ok} + failed ${r.failed} + dropped ${r.dropped} + unsent ${r.unsent}`,
    holds: true,
  });
}

/**
 * The log against the report: exactly one final line per call that had a
 * slot, attempts numbered 1..n per call, one line per request made.
 */
function assertLogMatches(log: LogLine[], r: FireReport): Map<number, LogLine[]> {
  const byCall = new Map<number, LogLine[]>();
  for (const l of log) byCall.set(l.i, [...(byCall.get(l.i) ?? []), l]);
  for (const [i, lines] of byCall) {
    const finals = lines.filter((l) => l.final);
    assert.equal(finals.length, 1, `call ${i}: one final line, got ${JSON.stringify(lines)}`);
    assert.equal(lines.at(-1), finals[0], `call ${i}: the final line is its last`);
    const requests = lines.filter((l) => l.attempt !== undefined && !l.cancelled);
    assert.deepEqual(
      requests.map((l) => l.attempt),
      requests.map((_, k) => k + 1),
      `call ${i}: attempts in order`,
    );
    for (const l of lines.slice(0, -1)) {
      assert.equal(l.outcome, 'retry', `call ${i}: only retries before the final line`);
      assert.ok(typeof l.retryInMs === 'number' && l.retryInMs >= 0);
    }
  }
  const finals = log.filter((l) => l.final);
  assert.equal(finals.filter((l) => l.outcome === 'ok').length, r.ok);
  assert.equal(finals.filter((l) => l.outcome === 'failed').length, r.failed);
  assert.equal(finals.filter((l) => l.outcome === 'dropped').length, r.dropped);
  assert.ok(finals.filter((l) => l.outcome === 'unsent').length <= r.unsent);
  assert.equal(
    log.filter((l) => l.attempt !== undefined && !l.cancelled).length,
    r.attempts,
    'a line per request',
  );
  return byCall;
}

/** Attempts the receiver has seen per event id (the call's `id` field). */
function attemptsSoFar(): (req: Captured) => number {
  const seen = new Map<string, number>();
  // By the whole body, not the message id: a delay warning and its final DSN, or the calls of a
  // multi-recipient report, share an id; a retry sends the same body again.
  return (req) => {
    const key = req.body.toString('latin1');
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return n;
  };
}

const fireArgs = (url: string, ...more: string[]): string[] => [
  'fire',
  '--url',
  url,
  '--no-sign',
  '--type',
  'failure',
  '--json',
  ...more,
];

describe('fire --retries', () => {
  test('a receiver failing half the time, --retries 2: every call delivered or failed, each attempt logged', async () => {
    const rng = createRng(2026);
    await withCaptureServer(
      () => ({ status: rng.chance(0.5) ? 503 : 200 }),
      async (server) => {
        const log = logFile('flaky');
        const r = await cli([
          ...fireArgs(server.url, '-n', '60', '-c', '4', '--retries', '2', '--retry-base', '5ms'),
          ...['--retry-max', '20ms', '--seed', '5', '--log', log],
        ]);
        const report = JSON.parse(r.stdout) as FireReport;
        assertAccounting(report);
        assert.equal(r.code, report.failed ? 1 : 0, r.stderr);
        assert.equal(report.planned, 60);
        assert.equal(report.sent, 60);
        assert.ok(report.attempts > 60, 'some calls were retried');
        assert.ok(report.retries!.okAfterRetry > 0, 'some were delivered on a retry');
        assert.equal(server.requests.length, report.attempts, 'one request per attempt');
        const byCall = assertLogMatches(readLog(log), report);
        assert.equal(byCall.size, 60);
        const retries = report.retries!;
        const calls = [...byCall.values()];
        assert.equal(retries.retried, calls.filter((l) => l.at(-1)!.attempt! > 1).length);
        assert.equal(
          retries.okAfterRetry,
          calls.filter((l) => l.at(-1)!.outcome === 'ok' && l.length > 1).length,
        );
        assert.equal(report.status['503'], report.attempts - report.ok);
        // A call given up made its three attempts and says why, with its last answer.
        for (const lines of calls.filter((l) => l.at(-1)!.outcome === 'failed')) {
          assert.equal(lines.length, 3);
          assert.equal(lines.at(-1)!.givenUp, 'exhausted');
          assert.equal(lines.at(-1)!.status, 503);
        }
        assert.deepEqual(retries.givenUp, report.failed ? { exhausted: report.failed } : {});
        assert.deepEqual(retries.lastFailure, report.failed ? { '503': report.failed } : {});
        for (const l of readLog(log).filter((x) => x.outcome === 'retry')) assert.ok(l.retryInMs! <= 20);
      },
    );
  });

  test('retried: connection refused, 408, 5xx; not retried: other 4xx', async () => {
    const closed = createTcpServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const refusedUrl = `http://127.0.0.1:${(closed.address() as { port: number }).port}/hook`;
    await new Promise<void>((r) => closed.close(() => r()));
    const refused = await cli(fireArgs(refusedUrl, '-n', '3', '--retries', '2', '--retry-base', '1ms'));
    const report = JSON.parse(refused.stdout) as FireReport;
    assert.equal(refused.code, 1);
    assert.deepEqual(report.errors, { refused: 9 });
    assert.equal(report.attempts, 9);
    assert.deepEqual(report.retries!.lastFailure, { refused: 3 });
    assertAccounting(report);
    for (const [status, attempts, why] of [
      [408, 6, 'exhausted'],
      [502, 6, 'exhausted'],
      [400, 3, 'not-retryable'],
      [422, 3, 'not-retryable'],
    ] as const) {
      await withCaptureServer(
        () => ({ status }),
        async (server) => {
          const r = await cli(fireArgs(server.url, '-n', '3', '--retries', '1', '--retry-base', '1ms'));
          const rep = JSON.parse(r.stdout) as FireReport;
          assert.equal(rep.attempts, attempts, `${status}`);
          assert.equal(server.requests.length, attempts);
          assert.deepEqual(rep.retries!.givenUp, { [why]: 3 });
          assertAccounting(rep);
        },
      );
    }
  });

  test('Retry-After on 429 (seconds) and 503 (HTTP-date) sets the wait, capped by --retry-max', async () => {
    const nth = attemptsSoFar();
    await withCaptureServer(
      (req) => (nth(req) === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 }),
      async (server) => {
        const log = logFile('retry-after');
        const r = await cli([
          ...fireArgs(server.url, '-n', '2', '--retries', '1', '--retry-base', '1ms', '--retry-max', '5s'),
          '--log',
          log,
        ]);
        assert.equal(r.code, 0, r.stdout);
        const waits = readLog(log).filter((l) => l.outcome === 'retry');
        assert.deepEqual(
          waits.map((l) => l.retryInMs),
          [1000, 1000],
        );
      },
    );
    const nth2 = attemptsSoFar();
    await withCaptureServer(
      (req) =>
        nth2(req) === 1
          ? { status: 503, headers: { 'retry-after': new Date(Date.now() + 60_000).toUTCString() } }
          : { status: 200 },
      async (server) => {
        const log = logFile('retry-after-date');
        const r = await cli([
          ...fireArgs(server.url, '-n', '2', '--retries', '1', '--retry-base', '1ms', '--retry-max', '250ms'),
          '--log',
          log,
        ]);
        assert.equal(r.code, 0, r.stdout);
        const report = JSON.parse(r.stdout) as FireReport;
        assert.equal(report.retries!.okAfterRetry, 2);
        // A minute asked for, 250 ms allowed: without the date the wait would be under 1 ms.
        assert.deepEqual(
          readLog(log)
            .filter((l) => l.outcome === 'retry')
            .map((l) => l.retryInMs),
          [250, 250],
        );
      },
    );
  });

  test('the same seed gives the same waits (full and decorrelated jitter); another seed, other waits', async () => {
    const waits = async (seed: string, jitter: string): Promise<Record<string, number>> => {
      const nth = attemptsSoFar();
      return withCaptureServer(
        (req) => ({ status: nth(req) <= 2 ? 503 : 200 }),
        async (server) => {
          const log = logFile(`seeded-${seed}-${jitter}`);
          const r = await cli([
            ...fireArgs(server.url, '-n', '6', '-c', '3', '--retries', '3', '--retry-base', '20ms'),
            ...['--retry-max', '80ms', '--retry-jitter', jitter, '--seed', seed, '--log', log],
          ]);
          assert.equal(r.code, 0, r.stdout);
          const out: Record<string, number> = {};
          for (const l of readLog(log)) if (l.outcome === 'retry') out[`${l.i}/${l.attempt}`] = l.retryInMs!;
          assert.equal(Object.keys(out).length, 12);
          return out;
        },
      );
    };
    for (const jitter of ['full', 'decorrelated']) {
      const a = await waits('7', jitter);
      assert.deepEqual(await waits('7', jitter), a, jitter);
      assert.notDeepEqual(await waits('8', jitter), a, jitter);
    }
  });

  test('--retry-schedule: the compressed mail ladder, or a list; attempts follow the schedule', async () => {
    await withCaptureServer(
      () => ({ status: 503 }),
      async (server) => {
        const log = logFile('schedule');
        const r = await cli([
          ...fireArgs(server.url, '-n', '2', '--retry-schedule', 'real:6000', '--retries', '3'),
          '--log',
          log,
        ]);
        const report = JSON.parse(r.stdout) as FireReport;
        assert.equal(report.attempts, 8);
        assert.match(report.retries!.policy, /mail schedule real÷6000 10ms 50ms 150ms/);
        for (const i of [0, 1])
          assert.deepEqual(
            readLog(log)
              .filter((l) => l.i === i && l.outcome === 'retry')
              .map((l) => l.retryInMs),
            [10, 50, 150],
          );
        const list = await cli(fireArgs(server.url, '-n', '2', '--retry-schedule', '5ms,5ms,5ms,5ms'));
        const listed = JSON.parse(list.stdout) as FireReport;
        assert.equal(listed.attempts, 10, 'no --retries: as many retries as the schedule has steps');
        assert.deepEqual(listed.retries!.givenUp, { exhausted: 2 });
      },
    );
  });

  test('text report: the equation, the retry line and the policy', async () => {
    const nth = attemptsSoFar();
    await withCaptureServer(
      (req) => ({ status: nth(req) === 1 ? 500 : 200 }),
      async (server) => {
        const r = await cli([
          'fire',
          '--url',
          server.url,
          '--no-sign',
          '--type',
          'failure',
          '-n',
          '3',
          '--retries',
          '2',
          '--retry-base',
          '1ms',
        ]);
        assert.equal(r.code, 0, r.stdout);
        assert.match(r.stdout, /planned 3 = delivered 3 \+ failed 0 \+ dropped 0 \+ unsent 0/);
        assert.match(r.stdout, /retries: 6 requests for 3 calls; 3 retried, 3 ok after a retry/);
        assert.match(r.stdout, /policy: up to 2 retries, exponential from 1ms, full jitter, at most 30s/);
        assert.match(r.stdout, /↻ 500 .* #1 {2}retry in/);
        assert.match(r.stdout, /✔ 200 .* #2/);
      },
    );
  });
});

/** Spawn fire, stop it with `signal` once the receiver has seen `after` requests; the JSON report. */
async function interrupted(
  server: CaptureServer,
  args: string[],
  signal: NodeJS.Signals,
  after: number,
): Promise<{ code: number; report: FireReport }> {
  const child = cliSpawn(args);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number>((r) => child.on('exit', (code) => r(code ?? -1)));
  for (let waited = 0; server.requests.length < after && waited < 15_000; waited += 25)
    await new Promise((r) => setTimeout(r, 25));
  assert.ok(server.requests.length >= after, `${server.requests.length} requests in 15 s: ${stderr}`);
  child.kill(signal);
  const code = await exited;
  assert.doesNotMatch(stderr, /internal error|Unhandled/, stderr);
  return { code, report: JSON.parse(stdout) as FireReport };
}

describe('interrupted with retries waiting: nothing lost', () => {
  test('SIGINT: waiting retries are not sent; they end failed (interrupted), one final line each', async () => {
    await withCaptureServer(
      () => ({ status: 503 }),
      async (server) => {
        const log = logFile('sigint');
        const { code, report } = await interrupted(
          server,
          [
            ...fireArgs(server.url, '--rate', '50/s', '--count', '200', '--retries', '3'),
            ...['--retry-base', '20s', '--retry-max', '30s', '--seed', '3', '--log', log],
          ],
          'SIGINT',
          10,
        );
        assert.equal(code, 1);
        assert.equal(report.interrupted, true);
        assert.equal(report.planned, 200);
        assertAccounting(report);
        assert.equal(report.ok, 0);
        assert.ok(report.unsent > 0 && report.sent >= 10, JSON.stringify(report));
        assert.equal(report.failed, report.sent, 'every call sent ended failed');
        const lines = readLog(log);
        const byCall = assertLogMatches(lines, report);
        assert.equal(byCall.size, report.sent, 'a final line per call sent');
        const cancelled = lines.filter((l) => l.cancelled);
        assert.ok(cancelled.length > 0, 'some calls were waiting for a retry');
        for (const l of cancelled) {
          assert.equal(l.outcome, 'failed');
          assert.equal(l.givenUp, 'interrupted');
          assert.equal(l.status, 503);
        }
        assert.ok((report.retries!.givenUp['interrupted'] ?? 0) >= cancelled.length);
        assert.equal(
          (report.retries!.givenUp['interrupted'] ?? 0) + (report.retries!.givenUp['exhausted'] ?? 0),
          report.failed,
        );
        assert.equal(server.requests.length, report.attempts, 'no request after the stop');
      },
    );
  });

  test('SIGTERM during --delay and retries: delayed calls end unsent, the sum still holds', async () => {
    await withCaptureServer(
      () => ({ status: 503 }),
      async (server) => {
        const log = logFile('sigterm');
        const { code, report } = await interrupted(
          server,
          [
            ...fireArgs(server.url, '--rate', '100/s', '--count', '300', '--delay', 'uniform:0-1500ms'),
            ...['--retries', '2', '--retry-base', '20s', '--seed', '4', '--log', log],
          ],
          'SIGTERM',
          5,
        );
        assert.equal(code, 1);
        assert.equal(report.interrupted, true);
        assertAccounting(report);
        const lines = readLog(log);
        const byCall = assertLogMatches(lines, report);
        const unsent = lines.filter((l) => l.outcome === 'unsent');
        assert.ok(unsent.length > 0, 'calls still in their delay were not sent');
        for (const l of unsent) assert.ok(l.final && typeof l.delayMs === 'number' && l.id);
        assert.equal(byCall.size, report.sent + unsent.length, 'a final line per call with a slot');
        assert.equal(server.requests.length, report.attempts);
      },
    );
  });
});

describe('replay --retries', () => {
  test('a call that did not get its expected answer is retried in place when worth it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'replay-retries-'));
    const call = (id: string) => ({
      type: 'failure',
      id,
      recipient: 'ola.fisher@kulas-lynch.com',
      timestamp: '2026-01-15 09:30:00',
      time: 1768469400,
      action: 'failure',
      state: 'connect',
      description: 'Connection refused',
      tags: [],
    });
    const ids = ['a'.repeat(32), 'b'.repeat(32), 'c'.repeat(32)];
    const file = join(dir, 'calls.json');
    writeFileSync(file, JSON.stringify({ calls: ids.map(call) }));
    const nth = attemptsSoFar();
    await withCaptureServer(
      (req) => {
        const id = formFields(req.body).get('id')?.[0];
        if (id === ids[2]) return { status: 400 };
        return { status: nth(req) === 1 ? 503 : 200 };
      },
      async (server) => {
        const r = await cli([
          'replay',
          file,
          '--url',
          server.url,
          '--no-sign',
          '--retries',
          '2',
          '--retry-base',
          '5ms',
          '--json',
        ]);
        assert.equal(r.code, 1, r.stderr);
        const out = JSON.parse(r.stdout) as {
          attempts: number;
          retried: number;
          results: { id: string; ok: boolean; attempts: number; givenUp?: string; status: number }[];
        };
        assert.deepEqual(
          out.results.map((x) => [x.ok, x.attempts, x.status, x.givenUp ?? null]),
          [
            [true, 2, 200, null],
            [true, 2, 200, null],
            [false, 1, 400, 'not-retryable'],
          ],
        );
        assert.equal(out.attempts, 5);
        assert.equal(out.retried, 2);
        assert.equal(server.requests.length, 5);
      },
    );
  });
});

// In-process through main(): usage errors, nothing to send.
describe('retry and disorder flags: bad input is one line naming the flag, exit 2, nothing sent', () => {
  for (const [args, pattern] of [
    [['--retries', '-1'], /--retries: expected a whole number of 0 or more, got '-1'/],
    [['--retries', '1.5'], /--retries: expected a whole number/],
    [['--retry-base', '0'], /--retry-base: must be more than 0/],
    [['--retry-base', 'soon'], /--retry-base: expected a duration/],
    [['--retry-max', '10ms', '--retry-base', '1s'], /--retry-max: is below --retry-base/],
    [['--retry-schedule', 'real:0'], /--retry-schedule: the factor must be more than 0/],
    [['--retry-schedule', 'someday'], /--retry-schedule: .*'someday' is not a duration/],
    [['--retry-schedule', 'real', '--retry-base', '1s'], /--retry-base: goes with exponential backoff/],
    [['--duplicate', '2'], /--duplicate: expected a probability from 0 to 1/],
    [['--duplicate', '150%'], /--duplicate: expected a probability/],
    [['--reorder', 'x'], /--reorder: expected a whole number/],
    [['--delay', 'weird:1'], /--delay: unknown distribution 'weird'/],
    [['--delay', 'uniform:9-1ms'], /--delay: uniform: the minimum is above the maximum/],
    [['--delay', 'normal:5ms'], /--delay: normal: expected MEAN,SD/],
  ] as const) {
    test(args.join(' '), async () => {
      await withCaptureServer(async (server) => {
        const r = await runMain(['fire', '--url', server.url, '--no-sign', '-n', '2', ...args]);
        assert.equal(r.code, 2, r.stdout + r.stderr);
        assert.match(r.stderr, pattern);
        assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
        assert.equal(server.requests.length, 0);
      });
    });
  }

  test('replay --retries -1', async () => {
    await withCaptureServer(async (server) => {
      const r = await runMain([
        'replay',
        join(TEST_HOME, 'nothing.json'),
        '--url',
        server.url,
        '--retries',
        '-1',
      ]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^smtpeter-sim: --retries: expected a whole number/);
      assert.equal(server.requests.length, 0);
    });
  });

  test('config keys: used like the flags, and a bad one names the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-retries-'));
    await withCaptureServer(
      () => ({ status: 503 }),
      async (server) => {
        writeFileSync(
          join(dir, '.smtpeter-simrc.json'),
          JSON.stringify({ url: server.url, retries: 2, retryBase: '1ms', duplicate: '0%' }),
        );
        const r = await cli(['fire', '--no-sign', '-n', '2', '--json'], { cwd: dir });
        const report = JSON.parse(r.stdout) as FireReport;
        assert.equal(report.attempts, 6);
        const flag = await cli(['fire', '--no-sign', '-n', '2', '--json', '--retries', '0'], {
          cwd: dir,
        });
        assert.equal((JSON.parse(flag.stdout) as FireReport).attempts, 2, 'the flag wins');
        writeFileSync(
          join(dir, '.smtpeter-simrc.json'),
          JSON.stringify({ url: server.url, delay: 'sometimes' }),
        );
        const bad = await cli(['fire', '--no-sign', '-n', '2'], { cwd: dir });
        assert.equal(bad.code, 2);
        assert.match(bad.stderr, /\.smtpeter-simrc\.json: delay: expected a distribution/);
        assert.equal(bad.stderr.trim().split('\n').length, 1);
        assert.equal(server.requests.length, 6 + 2);
      },
    );
  });
});
