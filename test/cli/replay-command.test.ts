/**
 * `replay` and `generate` in-process through main(): every shipped fixture
 * at real receivers on 127.0.0.1, pacing, reporters, broken fixtures.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { toPayload } from '../../src/encode/dialect.js';
import { loadFixtures } from '../../src/fixture-file/load.js';
import { formatTimestamp } from '../../src/model/time.js';
import { type Receiver, startReceiver } from '../../src/receive/server.js';
import {
  type CaptureServer,
  formFields,
  startCaptureServer,
  withCaptureServer,
} from '../helpers/capture-server.js';
import { ROOT, runMain, TEST_HOME } from '../helpers/cli.js';
import { keyPairIn } from '../helpers/keys.js';

const FIXTURES = join(ROOT, 'fixtures');
const { keyFile: KEY, publicKey } = keyPairIn(join(TEST_HOME, 'replay-keys'));

describe('replay of every shipped fixture at a real receiver on 127.0.0.1', () => {
  let receiver: Receiver;
  before(async () => {
    receiver = await startReceiver({
      publicKey,
    });
  });
  after(() => receiver.close());

  test('every call arrives, in order, signed, valid, with the fields the fixture says', async () => {
    const plan = loadFixtures([FIXTURES], ROOT);
    assert.deepEqual(plan.problems, []);
    const started = Math.floor(Date.now() / 1000);
    const r = await runMain(['replay', FIXTURES, '--url', `${receiver.url}hooks`, '--key', KEY]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(
      r.stdout,
      new RegExp(`${plan.calls.length} of ${plan.calls.length} calls from ${plan.files.length} files sent`),
    );
    assert.equal(receiver.calls.length, plan.calls.length);
    let firstOfFile: { file: string; planned: number; got: number } | undefined;
    plan.calls.forEach((planned, i) => {
      const got = receiver.calls[i]!;
      const where = `${planned.location.file}:${planned.location.line} (${planned.label})`;
      assert.deepEqual(got.validation.problems, [], where);
      assert.equal(got.signature.result, 'verified', where);
      const fields = got.fields!;
      // An empty tags array has no `tags[]=` key in a form body.
      const expected = toPayload(planned.call, planned.dialect ?? 'smtpeter').filter(
        ([, v]) => !Array.isArray(v) || v.length > 0,
      );
      assert.deepEqual(Object.keys(fields).sort(), expected.map(([n]) => n).sort(), where);
      for (const [name, value] of expected) {
        if (name === 'time' || name === 'timestamp') continue;
        assert.deepEqual(fields[name], Array.isArray(value) ? value : String(value), `${where}: ${name}`);
      }
      // Times are rebased to now per file, keeping their spacing (feedback-loop dialects carry none).
      if (!('time' in fields)) return;
      const time = Number(fields['time']);
      assert.equal(fields['timestamp'], formatTimestamp(time), where);
      if (firstOfFile?.file !== planned.location.file) {
        firstOfFile = { file: planned.location.file, planned: planned.call.event.time, got: time };
        assert.ok(
          time >= started - 1 && time <= Math.floor(Date.now() / 1000) + 1,
          `${where}: rebased to now`,
        );
      }
      assert.equal(
        time - firstOfFile!.got,
        planned.call.event.time - firstOfFile!.planned,
        `${where}: spacing`,
      );
    });
  });
});

describe('generate', () => {
  test('one seed, identical files (JSON and NDJSON), and they replay as generated', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'generate-'));
    for (const format of ['json', 'ndjson']) {
      const a = await runMain(['generate', '--count', '12', '--seed', '99', '--format', format]);
      const b = await runMain([
        'generate',
        '--count',
        '12',
        '--seed',
        '99',
        '--format',
        format,
        '--out',
        join(dir, `g.${format}`),
      ]);
      assert.equal(a.code, 0, a.stderr);
      assert.equal(b.code, 0, b.stderr);
      assert.equal(readFileSync(join(dir, `g.${format}`), 'utf8'), a.stdout);
    }
    const ndjson = readFileSync(join(dir, 'g.ndjson'), 'utf8').trim().split('\n');
    assert.equal(ndjson.length, 12);
    const json = JSON.parse(readFileSync(join(dir, 'g.json'), 'utf8')) as { calls: unknown[] };
    assert.deepEqual(
      json.calls,
      ndjson.map((l) => JSON.parse(l)),
    );

    await withCaptureServer(async (server) => {
      const r = await runMain([
        'replay',
        join(dir, 'g.ndjson'),
        '--url',
        server.url,
        '--keep-time',
        '--key',
        KEY,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(server.requests.length, 12);
      server.requests.forEach((req, i) => {
        const entry = JSON.parse(ndjson[i]!) as Record<string, unknown>;
        const f = formFields(req.body);
        for (const name of [
          'id',
          'type',
          'recipient',
          'timestamp',
          'action',
          'state',
          'code',
          'envelope',
          'mime',
        ])
          if (entry[name] !== undefined) assert.equal(f.get(name)?.[0], entry[name], `${i}: ${name}`);
        assert.equal(f.get('time')?.[0], String(entry['time']));
        assert.deepEqual(f.get('tags[]'), entry['tags']);
      });
    });
  });

  test('--time now: event times start at the moment of generating, recorded in the description', async () => {
    const before = Math.floor(Date.now() / 1000);
    const r = await runMain(['generate', '--count', '2', '--seed', '5', '--time', 'now']);
    assert.equal(r.code, 0, r.stderr);
    const file = JSON.parse(r.stdout) as { description: string; calls: Array<{ time: number }> };
    const first = file.calls[0]!.time;
    assert.ok(first >= before && first <= Math.floor(Date.now() / 1000), `${first} is now`);
    assert.match(file.description, /--time \d{4}-\d\d-\d\dT[\d:.]+Z/);
  });

  test('bad flags: exit 2, one line', async () => {
    const r = await runMain(['generate', '--scenario', 'sync-userunknown', '--type', 'bounce']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  });
});

describe('replay --reporter junit', () => {
  let server: CaptureServer;
  before(async () => {
    // Failure calls accepted, bounce calls refused: some testcases fail.
    server = await startCaptureServer((req) => ({ status: req.url.startsWith('/bounce') ? 503 : 200 }));
  });
  after(() => server.close());

  test('valid JUnit XML: testsuites > testsuite per file > testcase per call, <failure> when not as expected', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'junit-')), 'results.xml');
    const base = new URL(server.url);
    const files = [join(FIXTURES, 'sequences'), join(FIXTURES, 'scenarios', 'dsn-userunknown.json')];
    const r = await runMain([
      'replay',
      ...files,
      '--failure-url',
      `${base.origin}/failure`,
      '--bounce-url',
      `${base.origin}/bounce`,
      '--reporter',
      'junit',
      '--out',
      out,
      '--key',
      KEY,
    ]);
    assert.equal(r.code, 1, 'a call did not get its expected status');
    const xml = readFileSync(out, 'utf8');
    assert.equal(XMLValidator.validate(xml), true);
    const doc = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      isArray: (name) => name === 'testsuite' || name === 'testcase',
    }).parse(xml) as {
      testsuites: {
        tests: string;
        failures: string;
        testsuite: Array<{
          name: string;
          tests: string;
          failures: string;
          testcase: Array<Record<string, unknown>>;
        }>;
      };
    };
    const plan = loadFixtures(files, ROOT);
    const suites = doc.testsuites.testsuite;
    assert.equal(suites.length, plan.files.length);
    let tests = 0;
    let failures = 0;
    for (const suite of suites) {
      assert.ok(suite.name.endsWith('.json') || suite.name.endsWith('.ndjson'), suite.name);
      assert.equal(Number(suite.tests), suite.testcase.length);
      const failed = suite.testcase.filter((tc) => tc['failure'] !== undefined);
      assert.equal(Number(suite.failures), failed.length);
      for (const tc of suite.testcase) {
        assert.equal(typeof tc['name'], 'string');
        assert.equal(tc['classname'], suite.name);
        assert.match(String(tc['time']), /^\d+\.\d{3}$/);
        const bounce = / bounce /.test(String(tc['name']));
        const failure = tc['failure'] as { message: string; type: string } | undefined;
        assert.equal(failure !== undefined, bounce, String(tc['name']));
        if (failure) {
          assert.equal(failure.message, 'expected 2xx, got HTTP 503');
          assert.equal(failure.type, 'UnexpectedStatus');
        }
      }
      tests += suite.testcase.length;
      failures += failed.length;
    }
    assert.equal(tests, plan.calls.length);
    assert.equal(Number(doc.testsuites.tests), tests);
    assert.equal(Number(doc.testsuites.failures), failures);
    assert.equal(failures, plan.calls.filter((p) => p.call.event.type === 'bounce').length);
    assert.ok(failures > 0);
  });
});

describe('replay: expectations, --json, --dry-run', () => {
  test('expect per entry; exit 1 when a call does not get it; --json lists every call', async () => {
    await withCaptureServer(
      (_req, n) => ({ status: n === 2 ? 500 : 202 }),
      async (server) => {
        const dir = mkdtempSync(join(tmpdir(), 'expect-'));
        writeFileSync(
          join(dir, 'x.ndjson'),
          [
            '{"scenario": "sync-userunknown", "expect": 202}',
            '{"scenario": "sync-userunknown", "expect": "5xx", "label": "receiver should refuse"}',
            '{"scenario": "sync-userunknown", "expect": 200}',
          ].join('\n'),
        );
        const r = await runMain(['replay', dir, '--url', server.url, '--json', '--key', KEY]);
        assert.equal(r.code, 1, r.stderr);
        const out = JSON.parse(r.stdout) as {
          sent: number;
          asExpected: number;
          unexpected: number;
          results: Array<Record<string, unknown>>;
        };
        assert.equal(out.sent, 3);
        assert.deepEqual(
          out.results.map((x) => [x['line'], x['status'], x['expected'], x['ok']]),
          [
            [1, 202, '202', true],
            [2, 500, '5xx', true],
            [3, 202, '200', false],
          ],
        );
        assert.equal(out.results[1]!['label'], 'receiver should refuse');
      },
    );
  });

  test('-q: no line per call, the summary only', async () => {
    await withCaptureServer(async (server) => {
      const dir = mkdtempSync(join(tmpdir(), 'quiet-'));
      writeFileSync(join(dir, 'q.ndjson'), '{"scenario": "sync-userunknown"}\n'.repeat(3));
      const r = await runMain(['replay', dir, '--url', server.url, '-q', '--key', KEY]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(server.requests.length, 3);
      const lines = r.stdout.split('\n').filter((l) => l !== '');
      assert.equal(lines.length, 1, r.stdout);
      assert.match(lines[0]!, /^3 of 3 calls from 1 file sent/);
    });
  });

  test('--dry-run prints every request and sends nothing', async () => {
    const r = await runMain([
      'replay',
      join(FIXTURES, 'sequences', 'dsn-an-hour-later.json'),
      '--dry-run',
      '--key',
      KEY,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.match(/^POST \/ HTTP\/1\.1\r$/gm)?.length, 3);
    assert.equal(r.stdout.match(/^Signature: keyId=/gm)?.length, 3);
  });

  test('--realtime --speed keeps the recorded spacing, compressed', async () => {
    const server = await startCaptureServer();
    const times: number[] = [];
    const orig = server.requests.push.bind(server.requests);
    server.requests.push = (...items) => {
      times.push(Date.now());
      return orig(...items);
    };
    try {
      const r = await runMain([
        'replay',
        join(FIXTURES, 'sequences', 'dsn-an-hour-later.json'),
        '--url',
        server.url,
        '--speed',
        '4x',
        '--key',
        KEY,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(times.length, 3);
      const gap = times[1]! - times[0]!; // recorded delay 2s, at 4x: 500 ms
      // Behaviour, not timing: spaced (an unpaced replay arrives ~1 ms apart) and
      // compressed (below the recorded 2 s); a slow first connect can shorten the gap.
      assert.ok(gap >= 150 && gap < 1900, `gap ${gap}`);
    } finally {
      await server.close();
    }
  });

  test('the schema command prints the published schema', async () => {
    const r = await runMain(['schema']);
    assert.equal(r.code, 0);
    assert.deepEqual(
      JSON.parse(r.stdout),
      JSON.parse(readFileSync(join(FIXTURES, 'fixture.schema.json'), 'utf8')),
    );
  });
});

describe('replay of broken fixtures', () => {
  test('one precise line per problem, exit 2, zero requests received', async () => {
    await withCaptureServer(async (server) => {
      const r = await runMain(
        ['replay', 'test/inputs/broken-fixtures', 'fixtures/sequences', '--url', server.url],
        {
          cwd: ROOT,
        },
      );
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.deepEqual(r.stderr.trimEnd().split('\n'), [
        "smtpeter-sim: test/inputs/broken-fixtures/bad-json.json:7: not JSON: expected a property name in double quotes, found ',' (column 25)",
        "smtpeter-sim: test/inputs/broken-fixtures/bad-timestamp.json:7: $.calls[0].timestamp: expected a real UTC time YYYY-MM-DD HH:MM:SS, got '2026-13-45 25:00:00'",
        "smtpeter-sim: test/inputs/broken-fixtures/missing-mime.json:8: $.calls[0].mimeFile: expected an existing .eml file, 'captured/not-there.eml' not found (test/inputs/broken-fixtures/captured/not-there.eml)",
        "smtpeter-sim: test/inputs/broken-fixtures/unknown-field.json:6: $.calls[0].recipeint: unknown field 'recipeint' (did you mean 'recipient'?)",
        "smtpeter-sim: test/inputs/broken-fixtures/wrong-type.ndjson:1: $.time: expected Unix seconds (an integer), got 'yesterday'",
        "smtpeter-sim: test/inputs/broken-fixtures/wrong-type.ndjson:2: $.tags: expected an array of tags, got 'newsletter'",
        'smtpeter-sim: 6 problems in the input; nothing was sent',
      ]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(server.requests.length, 0);
    });
  });

  test('many problems: at most 20 lines a file, then how many more, then the total', async () => {
    await withCaptureServer(async (server) => {
      const dir = mkdtempSync(join(tmpdir(), 'many-problems-'));
      const bad = (i: number): string =>
        JSON.stringify({
          type: 'failure',
          id: `m${i}`,
          recipient: 'a@b.nl',
          action: 'failed',
          state: 'rcptto',
          time: 'yesterday',
        });
      writeFileSync(join(dir, 'a.ndjson'), Array.from({ length: 30 }, (_, i) => bad(i)).join('\n'));
      writeFileSync(join(dir, 'b.ndjson'), [bad(0), bad(1)].join('\n'));
      const r = await runMain(['replay', dir, '--url', server.url], { cwd: dir });
      assert.equal(r.code, 2);
      const lines = r.stderr.trimEnd().split('\n');
      const wrongTime = (file: string, line: number): string =>
        `smtpeter-sim: ${file}:${line}: $.time: expected Unix seconds (an integer), got 'yesterday'`;
      assert.deepEqual(lines, [
        ...Array.from({ length: 20 }, (_, i) => wrongTime('a.ndjson', i + 1)),
        'smtpeter-sim: … and 10 more problems in a.ndjson',
        wrongTime('b.ndjson', 1),
        wrongTime('b.ndjson', 2),
        'smtpeter-sim: 32 problems in the input; nothing was sent',
      ]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(server.requests.length, 0);
    });
  });

  test('no URL, a missing path: exit 2 before anything is read or sent', async () => {
    const r = await runMain(['replay', join(FIXTURES, 'scenarios', 'connect-refused.json')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--url: no URL for failure calls/);
    const m = await runMain(['replay', 'nowhere/', '--url', 'http://127.0.0.1:1/'], { cwd: ROOT });
    assert.equal(m.code, 2);
    assert.match(m.stderr, /^smtpeter-sim: nowhere\/: no such file or folder; nothing was sent$/m);
  });
});

describe('replay --out, --dry-run --json, check --kinds: the flags say what they do', () => {
  test('replay --out without --reporter junit writes the JSON report, as fire --out does; stdout stays text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'replay-out-'));
    const out = join(dir, 'report.json');
    const fixture = join(FIXTURES, 'scenarios', 'apple-prefetch-then-read.json');
    await withCaptureServer(async (server) => {
      const r = await runMain(['replay', fixture, '--url', server.url, '--no-sign', '--out', out]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /calls from 1 files? sent/);
      const json = await runMain(['replay', fixture, '--url', server.url, '--no-sign', '--json']);
      const written = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
      const printed = JSON.parse(json.stdout) as Record<string, unknown>;
      assert.deepEqual(Object.keys(written), Object.keys(printed), 'the report --json prints');
      assert.equal(written['sent'], printed['sent']);
    });
  });

  test('--dry-run --json is refused (fire and replay): exit 2, one line, nothing printed', async () => {
    const fixture = join(FIXTURES, 'scenarios', 'apple-prefetch-then-read.json');
    for (const args of [
      ['fire', '--dry-run', '--json', '-n', '1'],
      ['replay', fixture, '--json', '--dry-run'],
    ]) {
      const r = await runMain(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.equal(r.stdout, '');
      assert.equal(
        r.stderr,
        'smtpeter-sim: --json: --dry-run prints the HTTP requests, not a report; give one or the other\n',
      );
    }
  });

  test('check --kinds bogus names every accepted value, all included', async () => {
    const r = await runMain(['check', '--url', 'http://127.0.0.1:9/', '--kinds', 'bogus']);
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      "smtpeter-sim: --kinds: expected kinds among failure, bounce, delivery, open, click, abuse (comma-separated), or all, got 'bogus'\n",
    );
  });
});
