import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { type Captured, formFields, withCaptureServer } from '../helpers/capture-server.js';
import { cli, runMain, TEST_HOME } from '../helpers/cli.js';
import { type FireReport, readLog } from '../helpers/fire-output.js';
import { keyPairIn } from '../helpers/keys.js';
import { independentVerify } from '../helpers/verify-signature.js';

const field = (req: Captured, name: string): string => formFields(req.body).get(name)?.[0] ?? '?';
/** What arrived, in order: `id/type` per request. */
const arrivals = (requests: Captured[]): string[] =>
  requests.map((r) => `${field(r, 'id')}/${field(r, 'type')}`);
const sorted = (xs: string[]): string[] => [...xs].sort();

/** A command (`fire`, `replay …`) at a fresh capture server: its exit code, stdout and what arrived. */
async function runAt(
  command: string[],
  args: string[],
): Promise<{ code: number; stdout: string; requests: Captured[] }> {
  return withCaptureServer(async (server) => {
    // replay writes through main()'s io and runs in-process; fire still writes to the process's own stdout.
    const run = command[0] === 'replay' ? runMain : cli;
    const r = await run([...command, '--url', server.url, ...args]);
    assert.doesNotMatch(r.stderr, /internal error/, r.stderr);
    return { code: r.code, stdout: r.stdout, requests: server.requests };
  });
}

/** Fire at a fresh capture server; the report and what arrived. */
async function fireAt(args: string[]): Promise<{ code: number; report: FireReport; requests: Captured[] }> {
  const { code, stdout, requests } = await runAt(['fire'], ['--json', ...args]);
  return { code, report: JSON.parse(stdout) as FireReport, requests };
}

describe('delivery disorder at a real receiver on 127.0.0.1', () => {
  const { keyFile: key, publicKey } = keyPairIn(join(TEST_HOME, 'disorder-keys'));

  test('--duplicate: a redelivery has the same body and event id, and is signed afresh', async () => {
    const log = join(TEST_HOME, `disorder-dup-${process.pid}.ndjson`);
    const args = [
      '--key',
      key,
      '--type',
      'failure',
      '-n',
      '40',
      '-c',
      '1',
      '--duplicate',
      '30%',
      '--seed',
      '7',
    ];
    const { code, report, requests } = await fireAt([...args, '--log', log]);
    assert.equal(code, 0);
    assert.equal(requests.length, 40, 'duplicates are part of the count');
    assert.equal(report.planned, 40);
    assert.ok(report.accounting.holds);
    // A redelivery is the same body; one message id can also have several calls of its own.
    const byBody = new Map<string, Captured[]>();
    for (const req of requests) {
      const key = req.body.toString('latin1');
      byBody.set(key, [...(byBody.get(key) ?? []), req]);
    }
    const twice = [...byBody.values()].filter((reqs) => reqs.length === 2);
    assert.ok(twice.length > 3, `${twice.length} duplicated`);
    assert.ok(
      [...byBody.values()].every((reqs) => reqs.length <= 2),
      'never three times',
    );
    assert.equal(report.disorder!.duplicates, twice.length);
    assert.equal(report.disorder!.duplicate, 0.3);
    assert.equal(readLog(log).filter((l) => l.duplicate).length, twice.length);
    for (const [a, b] of twice) {
      assert.ok(a!.body.equals(b!.body), 'the same bytes');
      assert.notEqual(a!.headers['x-nonce'], b!.headers['x-nonce'], 'a new nonce');
      assert.notEqual(a!.headers['signature'], b!.headers['signature'], 'a new signature');
      for (const req of [a!, b!]) {
        const v = independentVerify('POST', req.url, req.headers, req.body, publicKey);
        assert.ok(v.ok, v.why);
      }
    }
    // Seeded: the same calls are duplicated on a rerun.
    const again = await fireAt(args);
    assert.deepEqual(arrivals(again.requests), arrivals(requests));
  });

  test("--reorder: same calls, another order; a message's bounce and failure arrive either way round", async () => {
    const base = ['--no-sign', '--scenario', 'dsn-userunknown', '-n', '40', '-c', '1', '--seed', '9'];
    const plain = arrivals((await fireAt(base)).requests);
    const shuffledRun = await fireAt([...base, '--reorder', '5']);
    const shuffled = arrivals(shuffledRun.requests);
    assert.equal(shuffledRun.report.disorder!.reorder, 5);
    assert.equal(plain.length, 40);
    assert.notDeepEqual(shuffled, plain);
    assert.deepEqual(sorted(shuffled), sorted(plain), 'the same set of calls');
    const bounceFirst = (order: string[], id: string): boolean =>
      order.indexOf(`${id}/bounce`) < order.indexOf(`${id}/failure`);
    const ids = [...new Set(plain.map((a) => a.split('/')[0]!))];
    assert.equal(ids.length, 20);
    // The generator yields a DSN's bounce, then its failure.
    assert.ok(ids.every((id) => bounceFirst(plain, id)));
    const swapped = ids.filter((id) => !bounceFirst(shuffled, id));
    assert.ok(swapped.length > 0 && swapped.length < ids.length, `${swapped.length} of 20 swapped`);
    assert.deepEqual(arrivals((await fireAt([...base, '--reorder', '5'])).requests), shuffled, 'seeded');
  });

  test('--delay: seeded, so the same seed gives the same delay per call (read from the log)', async () => {
    const delays = async (dist: string, seed: string): Promise<number[]> => {
      const log = join(TEST_HOME, `disorder-delay-${seed}-${process.pid}.ndjson`);
      const { code, report } = await fireAt([
        ...['--no-sign', '--type', 'failure', '-n', '10', '-c', '5', '--delay', dist, '--seed', seed],
        ...['--log', log],
      ]);
      assert.equal(code, 0);
      assert.equal(report.disorder!.delay, dist);
      const lines = readLog(log);
      assert.equal(lines.length, 10);
      return lines.sort((a, b) => a.i - b.i).map((l) => l.delayMs ?? 0);
    };
    const a = await delays('exp:20ms', '3');
    assert.ok(a.every((d) => d >= 0));
    assert.ok(new Set(a).size > 5, 'drawn, not constant');
    assert.deepEqual(await delays('exp:20ms', '3'), a);
    assert.notDeepEqual(await delays('exp:20ms', '4'), a);
    assert.deepEqual(await delays('fixed:30ms', '3'), Array(10).fill(30));
    const u = await delays('uniform:5ms-25ms', '3');
    assert.ok(
      u.every((d) => d >= 5 && d <= 25),
      String(u),
    );
  });
});

describe('replay with delivery disorder at a real receiver on 127.0.0.1', () => {
  /** Two small fixture files of synchronous failures and DSNs (bounce + failure per message). */
  const files = [1, 2].map((n) => join(TEST_HOME, `disorder-replay-${n}-${process.pid}.json`));
  before(async () => {
    for (const [n, file] of files.entries()) {
      const r = await runMain(['generate', '-n', '8', '--seed', String(40 + n), '--out', file]);
      assert.equal(r.code, 0, r.stderr);
    }
  });

  const replayAt = (args: string[]) => runAt(['replay', ...files], ['--no-sign', ...args]);

  test('--duplicate 100%: every call twice, a redelivery later in its own file, same body; reported and seeded', async () => {
    const plain = await replayAt([]);
    assert.equal(plain.code, 0, plain.stdout);
    const n = plain.requests.length;
    assert.ok(n >= 16, `${n} calls in the two files`);
    const { code, stdout, requests } = await replayAt(['--duplicate', '100%', '--seed', '9', '--json']);
    assert.equal(code, 0, stdout);
    assert.equal(requests.length, 2 * n);
    const report = JSON.parse(stdout) as {
      planned: number;
      sent: number;
      redeliveries: number;
      seed: number;
      results: { id: string; redelivery?: boolean; file: string }[];
    };
    assert.equal(report.planned, 2 * n);
    assert.equal(report.redeliveries, n);
    assert.equal(report.seed, 9);
    // What arrived matches the report, request by request; each id twice, the original first.
    assert.deepEqual(
      requests.map((r) => field(r, 'id')),
      report.results.map((r) => r.id),
    );
    const seen = new Map<string, Captured>();
    report.results.forEach((r, i) => {
      const req = requests[i]!;
      const first = seen.get(`${r.id}/${field(req, 'type')}`);
      if (!r.redelivery) {
        assert.equal(first, undefined, `${r.id}: the original comes first`);
        seen.set(`${r.id}/${field(req, 'type')}`, req);
      } else {
        assert.ok(first, `${r.id}: a redelivery follows its original`);
        assert.equal(req.body.toString(), first.body.toString(), `${r.id}: same body`);
      }
    });
    // Each file's redeliveries stay in that file's part of the run.
    const fileOf = report.results.map((r) => r.file);
    const boundary = fileOf.lastIndexOf(fileOf[0]!);
    assert.ok(fileOf.slice(boundary + 1).every((f) => f !== fileOf[0]));
    const again = await replayAt(['--duplicate', '100%', '--seed', '9']);
    assert.deepEqual(arrivals(again.requests), arrivals(requests), 'same seed, same deliveries');
    assert.match(again.stdout, /redelivery/);
    assert.match(again.stdout, new RegExp(`${n} of them redeliveries .*--seed 9 repeats the disorder`));
  });

  test('--reorder: the same calls in a seeded shuffle; JUnit names stay unique with redeliveries', async () => {
    const plain = await replayAt([]);
    const shuffled = await replayAt(['--reorder', '6', '--seed', '3']);
    assert.equal(shuffled.code, 0, shuffled.stdout);
    assert.deepEqual(sorted(arrivals(shuffled.requests)), sorted(arrivals(plain.requests)));
    assert.notDeepEqual(arrivals(shuffled.requests), arrivals(plain.requests));
    assert.deepEqual(
      arrivals((await replayAt(['--reorder', '6', '--seed', '3'])).requests),
      arrivals(shuffled.requests),
    );
    const junit = await replayAt([
      '--reorder',
      '4',
      '--duplicate',
      '50%',
      '--seed',
      '5',
      '--reporter',
      'junit',
    ]);
    assert.equal(junit.code, 0, junit.stdout);
    // A JUnit test case is identified by classname (the file) and name together.
    const cases = [...junit.stdout.matchAll(/<testcase classname="([^"]*)" name="([^"]*)"/g)];
    const names = cases.map((m) => m[2]);
    assert.equal(names.length, junit.requests.length);
    assert.equal(new Set(cases.map((m) => `${m[1]}/${m[2]}`)).size, names.length, 'unique testcase names');
    assert.ok(names.some((name) => name!.endsWith('(redelivery)')));
  });
});
