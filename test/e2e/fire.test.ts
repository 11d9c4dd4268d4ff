import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  type CaptureServer,
  formFields,
  startCaptureServer,
  withCaptureServer,
} from '../helpers/capture-server.js';
import { cli, runMain, TEST_HOME } from '../helpers/cli.js';
import { deliveryStatusFields, hasOnlyCrlf, parseMime } from '../helpers/mime.js';
import { independentVerify } from '../helpers/verify-signature.js';

const keyDir = join(TEST_HOME, 'fire-keys');
let publicKey: ReturnType<typeof createPublicKey>;

before(async () => {
  const r = await cli(['keys', 'generate', '--out', keyDir]);
  assert.equal(r.code, 0, r.stderr);
  // No spaces: Copernica's verifier splits on ';' and '=' without trimming.
  assert.match(r.stdout, /^smtpeter1\._domainkey\.copernica\.com\. TXT "v=DKIM1;k=rsa;p=[A-Za-z0-9+/=]+"$/m);
  publicKey = createPublicKey(readFileSync(join(keyDir, 'smtpeter-sim.pub')));
});

const FAILURE_FIELDS = ['id', 'type', 'timestamp', 'time', 'recipient', 'action', 'state', 'tags[]'];

describe('fire --type failure at a plain node:http receiver', () => {
  let server: CaptureServer;
  before(async () => {
    server = await startCaptureServer();
  });
  after(() => server.close());

  test('50 signed POSTs, complete bodies, exact Content-Length, Digest and Signature verify', async () => {
    const r = await cli([
      'fire',
      '--type',
      'failure',
      '--count',
      '50',
      '--url',
      server.url,
      '--key',
      join(keyDir, 'smtpeter-sim.key'),
      '--copernica-id',
      'environment-4242',
    ]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(server.requests.length, 50);
    const ids = new Set<string>();
    for (const req of server.requests) {
      assert.equal(req.method, 'POST');
      assert.equal(req.url, '/hooks/smtpeter?env=test');
      assert.equal(req.headers['content-type'], 'application/x-www-form-urlencoded');
      assert.equal(Number(req.headers['content-length']), req.body.length);
      assert.equal(req.headers['x-copernica-id'], 'environment-4242');
      assert.match(req.headers['digest'] as string, /^sha-256=/);
      assert.match(req.headers['x-nonce'] as string, /^[0-9a-f]{16,}$/);
      assert.ok(Math.abs(Date.parse(req.headers['date'] as string) - Date.now()) < 60_000);
      const v = independentVerify('POST', req.url, req.headers, req.body, publicKey);
      assert.ok(v.ok, v.why);
      assert.deepEqual(v.covered, [
        '(request-target)',
        'host',
        'date',
        'x-copernica-id',
        'digest',
        'x-nonce',
      ]);
      const f = formFields(req.body);
      for (const name of FAILURE_FIELDS) assert.ok(f.has(name), `missing ${name}`);
      assert.equal(f.get('type')![0], 'failure');
      const time = Number(f.get('time')![0]);
      assert.equal(
        f.get('timestamp')![0],
        new Date(time * 1000).toISOString().slice(0, 19).replace('T', ' '),
      );
      assert.match(f.get('action')![0]!, /^(failure|failed)$/);
      for (const tag of f.get('tags[]')!) assert.doesNotMatch(tag, /[\s;]/);
      const code = f.get('code')?.[0];
      const ext = f.get('extended')?.[0];
      const state = f.get('state')![0];
      // Sync replies carry both codes in one line. A DSN's code and Status are separate
      // fields, and real expired DSNs disagree (Exchange: 550 4.4.7 QUEUE.Expired).
      if (code && ext && state !== 'bounce') assert.equal(code[0], ext[0], 'code and extended share a class');
      // A DSN is final, unless it is a delay warning (4.x.x; its final DSN comes later).
      if (state === 'bounce')
        assert.ok(f.get('action')![0] === 'failed' || ext?.startsWith('4.'), 'a DSN is final but a delay');
      else if (code?.startsWith('5')) assert.equal(f.get('action')![0], 'failed', '5xx is final');
      // One message can make several calls (a delay and its final DSN, a DSN per recipient).
      ids.add(`${f.get('id')![0]} ${f.get('recipient')![0]} ${f.get('action')![0]}`);
    }
    assert.equal(ids.size, 50, 'events are unique');
    assert.match(r.stdout, /50 sent, 50 ok/);
  });

  test('--format json sends one JSON object with tags as an array', async () => {
    const before = server.requests.length;
    const r = await cli([
      'fire',
      '--type',
      'failure',
      '-n',
      '3',
      '--url',
      server.url,
      '--format',
      'json',
      '--no-sign',
    ]);
    assert.equal(r.code, 0, r.stderr);
    for (const req of server.requests.slice(before)) {
      assert.equal(req.headers['content-type'], 'application/json');
      assert.equal(req.headers['signature'], undefined);
      const body = JSON.parse(req.body.toString()) as Record<string, unknown>;
      assert.equal(typeof body['time'], 'number');
      assert.ok(Array.isArray(body['tags']));
      assert.equal(body['type'], 'failure');
    }
  });

  test('--tag, --recipient and --header reach the wire', async () => {
    const before = server.requests.length;
    const r = await cli([
      'fire',
      '--scenario',
      'sync-userunknown',
      '--style',
      'gmail',
      '--url',
      server.url,
      '--tag',
      'spring-sale',
      '--tag',
      'nl',
      '--recipient',
      'jan@example.nl',
      '-H',
      'X-Test: yes',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const req = server.requests[before]!;
    const f = formFields(req.body);
    assert.deepEqual(f.get('tags[]'), ['spring-sale', 'nl']);
    assert.equal(f.get('recipient')![0], 'jan@example.nl');
    assert.equal(f.get('code')![0], '550');
    assert.equal(f.get('extended')![0], '5.1.1');
    assert.match(f.get('description')![0]!, /does not exist.*gsmtp$/);
    assert.equal(req.headers['x-test'], 'yes');
  });
});

describe('fire --type bounce', () => {
  test('every mime parses; DSNs are multipart/report with Final-Recipient = recipient', async () => {
    await withCaptureServer(async (server) => {
      const r = await cli(['fire', '--type', 'bounce', '--count', '30', '--url', server.url, '--seed', '3']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(server.requests.length, 30);
      for (const req of server.requests) {
        const f = formFields(req.body);
        assert.equal(f.get('type')![0], 'bounce');
        const mime = f.get('mime')![0]!;
        const recipient = f.get('recipient')![0]!;
        assert.ok(hasOnlyCrlf(mime), 'CRLF line ends');
        const email = await parseMime(mime);
        assert.ok(email.subject);
        assert.match(f.get('envelope')![0]!, new RegExp(f.get('id')![0]!), 'envelope embeds the id (VERP)');
        if (/^Content-Type: multipart\/report/im.test(mime)) {
          const blocks = deliveryStatusFields(mime)!;
          const rcpt = blocks.find((b) => b['final-recipient'])!;
          assert.equal(rcpt['final-recipient']!.replace(/^rfc822;\s*/i, ''), recipient);
        }
      }
    });
  });

  test('an async DSN scenario sends a bounce and a failure call for the same message', async () => {
    await withCaptureServer(async (server) => {
      const r = await cli([
        'fire',
        '--scenario',
        'dsn-userunknown',
        '-n',
        '2',
        '--url',
        server.url,
        '--no-sign',
      ]);
      assert.equal(r.code, 0, r.stderr);
      const [bounce, failure] = server.requests.map((q) => formFields(q.body));
      assert.equal(bounce!.get('type')![0], 'bounce');
      assert.equal(failure!.get('type')![0], 'failure');
      assert.equal(failure!.get('state')![0], 'bounce');
      for (const k of ['id', 'recipient', 'tags[]']) assert.deepEqual(failure!.get(k), bounce!.get(k), k);
      assert.match(
        bounce!.get('mime')![0]!,
        new RegExp(`Status: ${failure!.get('extended')![0]!.replace(/\./g, '\\.')}`),
      );
    });
  });
});

describe('seeds', () => {
  const bodies = (out: string): string =>
    out.replace(/^(Date|X-Nonce|Signature|Digest): .*$/gm, '').replace(/sha-256=\S+/g, '');
  test('--seed reproduces every request byte for byte, signature headers aside', async () => {
    const a = await cli(['fire', '-n', '8', '--seed', '42', '--dry-run', '--no-sign']);
    const b = await cli(['fire', '-n', '8', '--seed', '42', '--dry-run', '--no-sign']);
    const c = await cli(['fire', '-n', '8', '--seed', '43', '--dry-run', '--no-sign']);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(bodies(a.stdout), bodies(b.stdout));
    assert.notEqual(bodies(a.stdout), bodies(c.stdout));
    assert.equal((a.stdout.match(/^POST /gm) ?? []).length, 8);
    // Without a URL the requests name listen's default address, and stderr says so (Host is signed).
    assert.equal((a.stdout.match(/^Host: 127\.0\.0\.1:8025\r?$/gm) ?? []).length, 8);
    assert.match(a.stderr, /no --url: requests shown as sent to http:\/\/127\.0\.0\.1:8025\//);
  });
});

describe('receiver trouble and bad input', () => {
  test('5xx answers: reported per call, exit 1', async () => {
    await withCaptureServer(
      () => ({ status: 503 }),
      async (server) => {
        const r = await cli(['fire', '-n', '3', '--url', server.url, '--no-sign']);
        assert.equal(r.code, 1);
        assert.match(r.stdout, /✘ 503/);
        assert.match(r.stdout, /3 sent, 0 ok/);
      },
    );
  });

  test('connection refused: counted as refused, exit 1, no crash', async () => {
    const server = await startCaptureServer();
    const url = server.url;
    await server.close();
    const r = await cli(['fire', '-n', '2', '--url', url, '--no-sign', '--json']);
    assert.equal(r.code, 1, r.stderr);
    const summary = JSON.parse(r.stdout) as { errors: Record<string, number>; sent: number };
    assert.deepEqual(summary.errors, { refused: 2 });
    assert.equal(r.stderr, '');
  });

  for (const [args, pattern] of [
    [['--scenario', 'no-such-thing'], /--scenario: unknown scenario 'no-such-thing'/],
    [['--url', 'ftp://x'], /--url: 'ftp:\/\/x' is not an http/],
    [['--url', 'not a url'], /--url: 'not a url' is not a URL/],
    [['--key', '/nonexistent/key.pem'], /--key \/nonexistent\/key.pem: cannot read key file/],
    [['--count', '0'], /--count: expected a whole number/],
    [['--rate', 'fast'], /--rate: expected a rate/],
    [['--tag', 'two words'], /--tag: 'two words' contains white space/],
    [['--type', 'unsubscribe'], /--type/],
    [['--scenario', 'autoreply-out-of-office', '--type', 'failure'], /produces no failure call/],
    [['--style', 'lotus'], /--style: no scenario is written in style 'lotus'/],
    [['--header', 'no colon'], /--header: expected 'Name: value'/],
    [['--recipient', 'nobody'], /--recipient: 'nobody' is not an e-mail address/],
  ] as const) {
    test(`bad input ${args.join(' ')}: one line, exit 2, nothing sent`, async () => {
      await withCaptureServer(async (server) => {
        // In-process through main(): a usage error, nothing to send.
        const r = await runMain(['fire', '--url', server.url, ...args]);
        assert.equal(r.code, 2, r.stdout + r.stderr);
        assert.match(r.stderr, pattern);
        assert.equal(
          r.stderr
            .trim()
            .split('\n')
            .filter((l) => !l.startsWith('(run with')).length,
          1,
          r.stderr,
        );
        assert.equal(server.requests.length, 0);
      });
    });
  }
});
