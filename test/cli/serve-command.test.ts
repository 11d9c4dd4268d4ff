import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { webhookTargets } from '../../src/cli/serve-command.js';
import { cli } from '../helpers/cli.js';
import { spawnServe } from '../helpers/serve.js';
import { sqliteUnavailable } from '../helpers/sqlite.js';

/** A port some other program holds. */
function holdPort(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address ? address.port : 0 });
    });
  });
}

// The kept credentials are what clients were configured with: a broken file is refused, not
// replaced (replacing it would lock out every client set up before).
describe('serve with a broken serve.json', () => {
  const cases: [string, string, RegExp][] = [
    [
      'not JSON',
      '{bad',
      /^:1:2: expected a property name in double quotes, found 'b'; mend it, or remove it and serve makes new credentials$/,
    ],
    // JSON.parse's own message would quote these lines, breaks and all.
    [
      'not JSON, over lines',
      '{\n "token": "abc",\n "smtpUser": x\n}',
      /^:3:14: expected a value, found 'x'; mend it/,
    ],
    ['not an object', '[]', /^: expected a JSON object with token, smtpUser and smtpPass$/],
    [
      'a field missing',
      '{"token": "t", "smtpUser": "u"}',
      /^: smtpPass: expected a non-empty string, got null$/,
    ],
  ];
  for (const [name, text, why] of cases)
    test(`${name}: one line naming the file and what is wrong, exit 2, the file untouched`, async () => {
      const home = mkdtempSync(join(tmpdir(), 'serve-creds-'));
      const file = join(home, 'smtpeter-sim', 'serve.json');
      mkdirSync(join(home, 'smtpeter-sim'));
      writeFileSync(file, text);
      try {
        const r = await cli(['serve', '--api-port', '0', '--smtp-port', '0'], {
          env: { XDG_CONFIG_HOME: home },
          timeoutMs: 30_000,
        });
        assert.equal(r.code, 2, r.stderr);
        assert.equal(r.stdout, '');
        const lines = r.stderr.split('\n').filter((l) => l !== '');
        assert.equal(lines.length, 1, r.stderr);
        assert.ok(lines[0]!.startsWith(`smtpeter-sim: ${file}:`), lines[0]);
        assert.match(lines[0]!.slice(`smtpeter-sim: ${file}`.length), why);
        assert.equal(readFileSync(file, 'utf8'), text);
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    });

  test('missing: made, then the same credentials on the next start', async () => {
    const home = mkdtempSync(join(tmpdir(), 'serve-creds-'));
    try {
      const first = await spawnServe([], home, { XDG_CONFIG_HOME: home });
      first.child.kill('SIGINT');
      await first.exited;
      const kept = JSON.parse(readFileSync(join(home, 'smtpeter-sim', 'serve.json'), 'utf8')) as {
        token: string;
      };
      assert.match(first.stdout, new RegExp(`access_token=${kept.token}`));
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('serve on a port in use', () => {
  let held: { server: Server; port: number };
  before(async () => {
    held = await holdPort();
  });
  after(() => held.server.close());

  // The store, the signing threads and the embedded receiver are up before the fronts listen:
  // a front that cannot listen must take them down, or the process never exits.
  for (const [flag, other] of [
    ['--api-port', '--smtp-port'],
    ['--smtp-port', '--api-port'],
  ] as const) {
    test(`${flag} taken: one line naming ${flag} and the port, exit 2, and the process ends`, async () => {
      const r = await cli(['serve', flag, String(held.port), other, '0'], { timeoutMs: 30_000 });
      assert.equal(r.code, 2, `exit ${r.code}; stderr: ${r.stderr}`);
      const lines = r.stderr.split('\n').filter((l) => l !== '');
      assert.equal(lines.length, 1, r.stderr);
      assert.equal(
        lines[0],
        `smtpeter-sim: ${flag} ${held.port}: address already in use on 127.0.0.1 (0 takes any free port)`,
      );
      assert.equal(r.stdout, '');
    });
  }

  test('--log: a serve that cannot start leaves no log file behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'serve-log-'));
    const log = join(dir, 'attempts.ndjson');
    const r = await cli(['serve', '--api-port', String(held.port), '--smtp-port', '0', '--log', log], {
      timeoutMs: 30_000,
    });
    const left = readdirSync(dir);
    rmSync(dir, { recursive: true, force: true });
    assert.equal(r.code, 2, r.stderr);
    assert.deepEqual(left, [], 'the log file was left behind');
  });

  // The second serve of a pair on one --data-dir is refused (its store is locked), and so is one on a
  // port in use: neither may have emptied the log it was given, which may be the running serve's own.
  test('--log: a serve that cannot start leaves an earlier log as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'serve-log-'));
    const log = join(dir, 'attempts.ndjson');
    writeFileSync(log, '{"i":0,"attempt":1,"final":true,"outcome":"ok"}\n');
    const r = await cli(['serve', '--api-port', String(held.port), '--smtp-port', '0', '--log', log], {
      timeoutMs: 30_000,
    });
    const kept = readFileSync(log, 'utf8');
    rmSync(dir, { recursive: true, force: true });
    assert.equal(r.code, 2, r.stderr);
    assert.equal(kept, '{"i":0,"attempt":1,"final":true,"outcome":"ok"}\n', 'the earlier log was emptied');
  });
});

/** One text mail through a spawned serve's REST API (token `tok`); its REST API's base URL. */
async function sendOne(s: { stdout: string; stderr: string }, recipient: string): Promise<string> {
  const api = /^REST API +(http:\/\/[^/]+)/m.exec(s.stdout)?.[1];
  assert.ok(api, s.stdout + s.stderr);
  const sent = await fetch(`${api}/v1/send?access_token=tok`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ recipient, from: 'a@shop.example', subject: 'x', text: 'y' }),
  });
  assert.equal(sent.status, 200, await sent.text());
  return api;
}

describe('the start-up line says where each kind of call goes', () => {
  const u = (path: string) => new URL(`http://127.0.0.1:8000${path}`);
  test('one URL for every kind', () => {
    assert.equal(webhookTargets({ url: u('/hook') }), 'every kind to http://127.0.0.1:8000/hook');
  });
  test('a kind of its own, the rest to --url', () => {
    assert.equal(
      webhookTargets({ url: u('/hook'), bounceUrl: u('/bounce') }),
      'failure, delivery, open, click, abuse to http://127.0.0.1:8000/hook; bounce to http://127.0.0.1:8000/bounce',
    );
  });
  test('per-kind URLs only: the kinds without one are named', () => {
    assert.equal(
      webhookTargets({ bounceUrl: u('/bounce'), deliveryUrl: u('/delivered') }),
      'bounce to http://127.0.0.1:8000/bounce; delivery to http://127.0.0.1:8000/delivered; failure, open, click, abuse: no URL, so no call',
    );
  });

  test('serve --bounce-url --delivery-url prints both and the kinds left without a URL', async () => {
    const s = await spawnServe([
      '--bounce-url',
      'http://127.0.0.1:9/bounce',
      '--delivery-url',
      'http://127.0.0.1:9/delivered',
    ]);
    s.child.kill('SIGTERM');
    assert.equal(await s.exited, 0, s.stderr);
    assert.match(
      s.stdout,
      /^webhooks {6}bounce to http:\/\/127\.0\.0\.1:9\/bounce; delivery to http:\/\/127\.0\.0\.1:9\/delivered; failure, open, click, abuse: no URL, so no call$/m,
    );
  });
});

describe('serve sends its webhook calls as its flags say', () => {
  test('--timeout: a receiver that never answers is given up on after it, not after 10 s', async () => {
    // A receiver that reads the call and never answers.
    const silent = createHttpServer((req) => req.resume());
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as AddressInfo).port;
    const s = await spawnServe([
      '--url',
      `http://127.0.0.1:${port}/hook`,
      '--timeout',
      '300ms',
      '--no-sign',
      '--token',
      'tok',
      '--time-scale',
      '36000',
    ]);
    try {
      const api = await sendOne(s, 'delivered@simulator.smtpeter.test');
      let attempt: { latencyMs: number; error?: string } | undefined;
      for (let waited = 0; !attempt && waited < 8000; waited += 100) {
        await new Promise((r) => setTimeout(r, 100));
        const messages = (await (await fetch(`${api}/api/messages`)).json()) as {
          events: { attempts?: { latencyMs: number; error?: string }[] }[];
        }[];
        attempt = messages[0]?.events[0]?.attempts?.[0];
      }
      assert.ok(attempt, 'no attempt within 8 s: --timeout 300ms was not applied');
      assert.match(attempt.error ?? '', /timeout/i);
      assert.ok(attempt.latencyMs < 5000, `gave up after ${attempt.latencyMs} ms`);
    } finally {
      s.child.kill('SIGTERM');
      await s.exited;
      silent.closeAllConnections();
      silent.close();
    }
  });

  // A receiver that is down gets eleven attempts per call: the terminal gets the first failure at
  // once, then counts at most every 10 s (the digest's own test covers its timing), not a line per attempt.
  test('failing calls show on stderr: the first at once, the rest counted, not a line each', async () => {
    let n = 0;
    const flaky = createHttpServer((req, res) => {
      req.resume().on('end', () => {
        res.statusCode = ++n <= 4 ? 503 : 200;
        res.end();
      });
    });
    await new Promise<void>((r) => flaky.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(flaky.address() as AddressInfo).port}/hook`;
    const s = await spawnServe(['--url', url, '--no-sign', '--token', 'tok', '--time-scale', '36000']);
    try {
      await sendOne(s, 'delivered@simulator.smtpeter.test');
      for (let waited = 0; n < 5 && waited < 10_000; waited += 50)
        await new Promise((r) => setTimeout(r, 50));
      assert.equal(n, 5, 'four 503s, then the 200');
      const before = s.stderr.split('\n').filter((l) => l.startsWith('webhook call'));
      assert.equal(before.length, 1, s.stderr);
      const esc = url.replace(/[.?]/g, '\\$&');
      assert.match(
        before[0]!,
        new RegExp(
          `^webhook call to ${esc} failed: answered 503 \\(delivery about [0-9a-f]{32}, attempt 1, retried in \\d+ms\\); further failures to it are counted every 10s$`,
        ),
      );
    } finally {
      s.child.kill('SIGTERM');
      await s.exited;
      flaky.closeAllConnections();
      flaky.close();
    }
    // At the stop, the count not yet written.
    const lines = s.stderr.split('\n').filter((l) => l.startsWith('webhook call'));
    assert.deepEqual(lines.slice(1), [
      `webhook calls to ${url}: 3 more attempts failed, 0 calls given up, 1 answered 2xx (last: answered 503, a delivery call)`,
    ]);
  });

  test('--transport is not a serve flag (it would be ignored): refused', async () => {
    const r = await cli(['serve', '--transport', 'net', '--api-port', '0', '--smtp-port', '0'], {
      timeoutMs: 30_000,
    });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^smtpeter-sim: unknown option '--transport'/);
  });
});

describe('serve stopped with calls still to make says so', () => {
  // A bounce's calls come minutes of mail time after the send: at --time-scale 60 they are
  // still waiting when serve is stopped right after the send.
  for (const kept of [false, true]) {
    test(kept
      ? '--data-dir: the calls are kept, and the line says where'
      : 'in memory: the calls are dropped, and the line says so', {
      skip: kept && sqliteUnavailable(),
    }, async () => {
      const receiver = createHttpServer((req, res) => req.resume().on('end', () => res.end('ok')));
      await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
      const dir = mkdtempSync(join(tmpdir(), 'serve-stop-'));
      const s = await spawnServe([
        '--url',
        `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
        '--no-sign',
        '--token',
        'tok',
        '--time-scale',
        '60',
        ...(kept ? ['--data-dir', dir] : []),
      ]);
      try {
        await sendOne(s, 'bounce@simulator.smtpeter.test');
        s.child.kill('SIGTERM');
        assert.equal(await s.exited, 0, s.stderr);
        const line = s.stderr.split('\n').find((l) => l.startsWith('serve stopped with '));
        assert.ok(line, `no line about the calls left: ${s.stderr}`);
        assert.match(
          line,
          kept
            ? new RegExp(
                `^serve stopped with [1-9]\\d* webhook calls? not yet made: kept in ${dir}, a serve with --data-dir ${dir} makes them$`,
              )
            : /^serve stopped with [1-9]\d* webhook calls? not yet made: dropped \(they were in memory; --data-dir DIR keeps them for the next serve\)$/,
        );
      } finally {
        s.child.kill('SIGKILL');
        receiver.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
