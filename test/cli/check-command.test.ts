import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CHECKS } from '../../src/check/checks.js';
import { startReceiver } from '../../src/receive/server.js';
import { type CaptureServer, startCaptureServer } from '../helpers/capture-server.js';
import { runMain, TEST_HOME } from '../helpers/cli.js';
import { keyPairIn } from '../helpers/keys.js';
import { startVerifyingReceiver, type VerifyingReceiver } from '../helpers/verifying-receiver.js';

const signer = keyPairIn(join(TEST_HOME, 'check-keys'));
const other = keyPairIn(join(TEST_HOME, 'check-other-keys'));
const key = signer.keyFile;
const pub = signer.publicKeyFile;

interface JsonCheck {
  name: string;
  level: string;
  expect: string;
  sent: string;
  outcome: string;
  url?: string;
  got?: { status?: number; errorKind?: string; error?: string };
  note?: string;
}
interface JsonCard {
  url: string;
  dialect: string;
  format: string;
  copernicaId: string;
  keyId: string;
  ok: boolean;
  required: { passed: number; failed: number; skipped: number };
  recommended: { passed: number; failed: number; skipped: number };
  checks: JsonCheck[];
}

const byName = (card: JsonCard): Map<string, JsonCheck> => new Map(card.checks.map((c) => [c.name, c]));

describe('check against a receiver that accepts everything', () => {
  let server: CaptureServer;
  before(async () => {
    server = await startCaptureServer();
  });
  after(() => server.close());

  test('every forgery check FAILS, valid ones pass, exit 1', async () => {
    const r = await runMain(['check', '--url', server.url, '--key', key]);
    assert.equal(r.code, 1, r.stderr);
    for (const c of CHECKS) {
      const line = new RegExp(`(PASS|FAIL|SKIP) {2}${c.name} +${c.level} `).exec(r.stdout);
      assert.ok(line, `${c.name} is on the scorecard`);
      const want = c.name === 'plain-http' ? 'SKIP' : c.expect === 'accept' ? 'PASS' : 'FAIL';
      assert.equal(line[1], want, c.name);
      assert.ok(r.stdout.includes(`sent: ${c.sends}`), `${c.name} says what it sent`);
    }
    assert.match(r.stdout, /FAIL {2}tampered-body +required +got 200, expected a refusal/);
    assert.match(r.stdout, /FAIL: 7 required checks failed/);
    // Replay and duplicate-id each send twice.
    assert.equal(server.requests.length, CHECKS.length - 1 + 2);
  });
});

describe('check against a receiver that verifies correctly', () => {
  let receiver: VerifyingReceiver;
  before(async () => {
    receiver = await startVerifyingReceiver(signer.publicKey, 'environment-1234');
  });
  after(() => receiver.close());

  test('every check passes (plain-http skipped on an http:// URL), exit 0', async () => {
    const r = await runMain(['check', '--url', receiver.url, '--key', key, '--public-key', pub]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.doesNotMatch(r.stdout, /FAIL {2}/);
    assert.match(r.stdout, /SKIP {2}plain-http +required +the URL is http:\/\//);
    assert.match(r.stdout, /required: 10 passed, 0 failed, 1 skipped; recommended: 3 passed, 0 failed/);
    assert.match(r.stdout, /PASS: every required check passed/);
    // The receiver refused exactly what it should, for the reason the check names.
    assert.deepEqual(receiver.verdicts.filter(Boolean).sort(), [
      'Date not within 60 s',
      'Date not within 60 s',
      'Digest mismatch',
      'bad signature',
      'no Signature',
      'not covered: host x-nonce x-copernica-id',
      'replayed nonce',
      'wrong X-Copernica-ID',
    ]);
  });

  test('--json: one document with the run, the score and every check', async () => {
    const r = await runMain(['check', '--url', receiver.url, '--key', key, '--json', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const card = JSON.parse(r.stdout) as JsonCard;
    assert.deepEqual(Object.keys(card), [
      'url',
      'dialect',
      'format',
      'copernicaId',
      'keyId',
      'ok',
      'required',
      'recommended',
      'checks',
    ]);
    assert.equal(card.url, receiver.url);
    assert.equal(card.format, 'json');
    assert.equal(card.dialect, 'smtpeter');
    assert.equal(card.copernicaId, 'environment-1234');
    assert.equal(card.ok, true);
    assert.deepEqual(card.required, { passed: 10, failed: 0, skipped: 1 });
    assert.deepEqual(card.recommended, { passed: 3, failed: 0, skipped: 0 });
    assert.deepEqual(
      card.checks.map((c) => c.name),
      CHECKS.map((c) => c.name),
    );
    for (const c of card.checks) {
      assert.ok(['required', 'recommended'].includes(c.level));
      assert.ok(['accept', 'refuse'].includes(c.expect));
      assert.ok(c.sent.length > 10);
      if (c.outcome === 'skip') assert.ok(c.note && !c.got);
      else {
        assert.equal(c.outcome, 'pass');
        assert.equal(typeof c.got?.status, 'number');
        assert.equal(c.got!.status! < 300, c.expect === 'accept');
      }
    }
  });

  test('another X-Copernica-ID than the receiver expects: valid calls refused, exit 1 with a hint', async () => {
    const r = await runMain([
      'check',
      '--url',
      receiver.url,
      '--key',
      key,
      '--copernica-id',
      'environment-9',
    ]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /FAIL {2}valid-failure +required +got 401, expected 2xx/);
    assert.match(r.stdout, /valid setup request 1 of 1 answered 401, so the repeat could not be judged/);
    assert.match(r.stdout, /a valid call was not accepted: is the receiver up, and does it trust this key/);
  });
});

describe("check against the project's own listen receiver", () => {
  test('listen with --public-key and --copernica-id passes every required check', async () => {
    const receiver = await startReceiver({
      publicKey: signer.publicKey,
      copernicaId: 'environment-1234',
    });
    try {
      const r = await runMain(['check', '--url', receiver.url, '--key', key, '--json']);
      const checks = byName(JSON.parse(r.stdout) as JsonCard);
      const failed = [...checks.values()].filter((c) => c.outcome === 'fail').map((c) => c.name);
      assert.deepEqual(failed, []);
      assert.equal(r.code, 0);
      assert.equal(checks.get('tampered-body')!.got!.status, 400);
      assert.equal(checks.get('replayed-nonce')!.got!.status, 400);
      // A skewed Date is said as the way it is off, not as a signed number of seconds.
      const problems = receiver.calls.map((c) =>
        c.signature.result === 'failed' ? c.signature.problem : '',
      );
      assert.ok(
        problems.some((p) => /^Date is 1[12]\d s in the future \(more than 60 s off\)$/.test(p)),
        problems.join('\n'),
      );
      assert.ok(
        problems.some((p) => /^Date is 1[12]\d s in the past \(more than 60 s off\)$/.test(p)),
        problems.join('\n'),
      );
    } finally {
      await receiver.close();
    }
  });
});

describe('check: bad input is exit 2, one line, nothing sent', () => {
  let server: CaptureServer;
  before(async () => {
    server = await startCaptureServer();
  });
  after(() => server.close());

  const cases: [string, string[], RegExp][] = [
    [
      'unreadable key',
      ['--key', join(TEST_HOME, 'no-such.key')],
      /--key .*no-such\.key: cannot read key file \(ENOENT\)/,
    ],
    [
      'public key of another pair',
      ['--key', key, '--public-key', other.publicKeyFile],
      /--public-key .*: not the public half of the signing key/,
    ],
    [
      'unreadable CA',
      ['--key', key, '--ca', join(TEST_HOME, 'no-such-ca.pem')],
      /--ca .*: cannot read CA file/,
    ],
    ['bad timeout', ['--key', key, '--timeout', 'soon'], /--timeout: expected a duration/],
    ['a header that is not one', ['--key', key, '-H', 'nocolon'], /--header: expected 'Name: value'/],
  ];
  for (const [what, args, message] of cases) {
    test(what, async () => {
      const r = await runMain(['check', '--url', server.url, ...args]);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.equal(r.stdout, '');
      assert.equal(server.requests.length, 0);
    });
  }

  test('bad URL, missing URL, unsigned dialect', async () => {
    for (const [args, message] of [
      [['--url', 'not a url'], /--url: 'not a url' is not a URL/],
      [['--url', 'ftp://example.com/'], /is not an http:\/\/ or https:\/\/ URL/],
      [[], /--url: required/],
      [['--url', server.url, '--dialect', 'smtpeter-feedback-loop'], /--dialect/],
    ] as [string[], RegExp][]) {
      const r = await runMain(['check', '--key', key, ...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr.split('\n')[0]!, message);
      assert.equal(r.stdout, '');
    }
    assert.equal(server.requests.length, 0);
  });
});
