import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { formFields, startCaptureServer, withCaptureServer } from '../helpers/capture-server.js';
import { cli, TEST_HOME } from '../helpers/cli.js';
import { keyPairIn } from '../helpers/keys.js';
import { independentVerify } from '../helpers/verify-signature.js';

const keys = join(TEST_HOME, 'dialect-keys');
const { publicKey } = keyPairIn(keys);

/** Field sets per dialect, from Copernica's documentation (README "Dialects"). */
const EXPECTED = {
  smtpeter: {
    failure: ['id', 'type', 'timestamp', 'time', 'recipient', 'action', 'state', 'tags[]'],
    bounce: ['id', 'type', 'timestamp', 'time', 'recipient', 'envelope', 'mime', 'tags[]'],
    signed: true,
    account: /^environment-\d+$/,
  },
  'smtpeter-feedback-loop': {
    failure: ['id', 'recipient', 'state'],
    bounce: ['id', 'recipient', 'mailfrom', 'rcptto', 'mime'],
    signed: false,
    account: undefined,
  },
  'marketing-suite': {
    failure: ['id', 'recipient', 'state', 'tags[]'],
    bounce: ['id', 'recipient', 'mailfrom', 'rcptto', 'mime', 'tags[]'],
    signed: true,
    account: /^account-\d+$/,
  },
} as const;
const OPTIONAL_FAILURE = ['code', 'extended', 'description'];

for (const [dialect, spec] of Object.entries(EXPECTED)) {
  describe(`dialect ${dialect}`, () => {
    for (const scenario of [
      'sync-userunknown',
      'dns-domain-not-found',
      'dsn-userunknown',
      'autoreply-out-of-office',
    ]) {
      test(`${scenario}: exact field set, tags and signing per dialect`, async () => {
        await withCaptureServer(async (server) => {
          const r = await cli(
            [
              'fire',
              '--scenario',
              scenario,
              '-n',
              '2',
              '--url',
              server.url,
              '--dialect',
              dialect,
              '--key',
              join(keys, 'smtpeter-sim.key'),
            ].filter(
              // Feedback loops sign only when asked: leave --key out to see the default.
              (a, i, all) =>
                !(dialect === 'smtpeter-feedback-loop' && (a === '--key' || all[i - 1] === '--key')),
            ),
          );
          assert.equal(r.code, 0, r.stderr + r.stdout);
          assert.ok(server.requests.length >= 1);
          for (const req of server.requests) {
            const f = formFields(req.body);
            const kind = f.has('mime') ? 'bounce' : 'failure';
            const names = [...f.keys()]
              .filter((k) => !(kind === 'failure' && OPTIONAL_FAILURE.includes(k)))
              .sort();
            assert.deepEqual(names, [...spec[kind]].sort(), `${kind} fields`);
            for (const k of f.keys())
              assert.ok(!k.includes('[') || k === 'tags[]', `only tags is an array: ${k}`);
            if (kind === 'bounce' && dialect !== 'smtpeter') {
              const mime = f.get('mime')![0]!;
              const rcptto = f.get('rcptto')![0]!;
              const to = /^To:(.*(?:\r\n[ \t].*)*)/im.exec(mime)![1]!;
              assert.ok(to.includes(rcptto), 'rcptto is the address the bounce is written to');
              if (scenario.startsWith('dsn-'))
                assert.equal(f.get('mailfrom')![0], '', 'DSNs come from the null sender');
            }
            if (spec.signed) {
              assert.match(String(req.headers['x-copernica-id']), spec.account!);
              const v = independentVerify('POST', req.url, req.headers, req.body, publicKey);
              assert.ok(v.ok, v.why);
            } else {
              assert.equal(req.headers['signature'], undefined);
              assert.equal(req.headers['x-copernica-id'], undefined);
            }
          }
        });
      });
    }
  });
}

describe('one URL per kind', () => {
  test('an async scenario with --failure-url A --bounce-url B: A gets only failures, B only bounces, same ids', async () => {
    const a = await startCaptureServer();
    const b = await startCaptureServer();
    try {
      const r = await cli([
        'fire',
        '--scenario',
        'dsn-mailboxfull',
        '-n',
        '6',
        '--failure-url',
        a.url,
        '--bounce-url',
        b.url,
        '--no-sign',
        '--json',
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(a.requests.length, 3);
      assert.equal(b.requests.length, 3);
      const ids = (reqs: typeof a.requests, type: string): string[] =>
        reqs.map((q) => {
          const f = formFields(q.body);
          assert.equal(f.get('type')![0], type);
          return f.get('id')![0]!;
        });
      assert.deepEqual(ids(a.requests, 'failure'), ids(b.requests, 'bounce'));
      const summary = JSON.parse(r.stdout) as { urls: Record<string, { sent: number }> };
      assert.equal(Object.keys(summary.urls).length, 2, 'the report counts per URL');
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('feedback-loop --format json keeps the dialect field names', async () => {
    await withCaptureServer(async (s) => {
      await cli([
        'fire',
        '--scenario',
        'dsn-userunknown',
        '-n',
        '1',
        '--url',
        s.url,
        '--dialect',
        'smtpeter-feedback-loop',
        '--format',
        'json',
      ]);
      const body = JSON.parse(s.requests[0]!.body.toString()) as Record<string, unknown>;
      assert.deepEqual(Object.keys(body).sort(), ['id', 'mailfrom', 'mime', 'rcptto', 'recipient']);
    });
  });
});
