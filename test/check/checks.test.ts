import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { describe, test } from 'node:test';
import { createCheckContext } from '../../src/check/build.js';
import { CHECKS, plainHttpUrl } from '../../src/check/checks.js';
import { runCheck, runChecks, type Send, score } from '../../src/check/run.js';
import type { CheckDefinition } from '../../src/check/types.js';
import type { BuiltRequest } from '../../src/run/request.js';
import { LIVE_SIGNED_HEADERS } from '../../src/sign/signer.js';
import { independentVerify } from '../helpers/verify-signature.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const signing = {
  privateKey,
  keyId: 'k._domainkey.example.com',
  copernicaId: 'environment-42',
  headers: LIVE_SIGNED_HEADERS,
  digestCase: 'lower' as const,
};

function context(url = 'https://hooks.example.com:8443/smtpeter?x=1') {
  return createCheckContext({
    url: new URL(url),
    signing,
    format: 'form',
    dialect: 'smtpeter',
    seed: 7,
    otherKey,
  });
}
const check = (name: string): CheckDefinition => CHECKS.find((c) => c.name === name)!;
const verify = (req: BuiltRequest) =>
  independentVerify(
    'POST',
    req.url.pathname + req.url.search,
    {
      ...Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), v])),
      host: req.url.host,
    },
    req.body,
    publicKey,
  );
const sha = (body: Buffer): string => createHash('sha256').update(body).digest('base64');
const ok: Send = async () => ({ status: 200, responseBytes: 0, latencyMs: 1 });

describe('the check list', () => {
  test('is data: unique kebab-case names, a level, an expectation, a description', () => {
    assert.equal(new Set(CHECKS.map((c) => c.name)).size, CHECKS.length);
    for (const c of CHECKS) {
      assert.match(c.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.ok(['required', 'recommended'].includes(c.level));
      assert.ok(['accept', 'refuse'].includes(c.expect));
      assert.ok(c.sends.length > 10);
    }
  });

  test("holds every check issue 6 requires, at the issue's level", () => {
    const required = CHECKS.filter((c) => c.level === 'required').map((c) => `${c.name}:${c.expect}`);
    assert.deepEqual(required, [
      'valid-failure:accept',
      'valid-bounce:accept',
      'tampered-body:refuse',
      'stale-date:refuse',
      'missing-signature:refuse',
      'partial-coverage:refuse',
      'wrong-copernica-id:refuse',
      'other-key:refuse',
      'replayed-nonce:refuse',
      'duplicate-id:accept',
      'plain-http:refuse',
      // issue 20: the keyId checks (with --dns-port)
      'keyid-outside-copernica:refuse',
      'keyid-lookalike-suffix:refuse',
      'keyid-lookalike-name:refuse',
      'keyid-lookalike-prefix:refuse',
      'rotated-selector:accept',
      'retired-key:refuse',
    ]);
    assert.equal(check('upper-case-digest').level, 'recommended');
  });
});

describe('request variants', () => {
  const ctx = context();

  test('valid calls verify; failure and bounce as asked', () => {
    for (const type of ['failure', 'bounce'] as const) {
      const req = check(`valid-${type}`).build(ctx).request;
      assert.ok(verify(req).ok);
      assert.match(req.body.toString(), new RegExp(`type=${type}`));
      assert.equal(req.headers['X-Copernica-ID'], 'environment-42');
    }
  });

  test('tampered-body: the signature still covers the headers, the Digest no longer matches the body', () => {
    const req = check('tampered-body').build(ctx).request;
    assert.notEqual(req.headers['Digest'], `sha-256=${sha(req.body)}`);
    assert.equal(req.headers['Content-Length'], String(req.body.length));
    assert.match(req.body.toString(), /recipient=someone-else%40/);
  });

  test('stale-date and future-date are correctly signed over a Date 120 s off', () => {
    for (const [name, sign] of [
      ['stale-date', -1],
      ['future-date', 1],
    ] as const) {
      const req = check(name).build(ctx).request;
      assert.ok(verify(req).ok, name);
      const off = (Date.parse(req.headers['Date']!) - Date.now()) / 1000;
      assert.ok(Math.abs(off - sign * 120) < 5, `${name}: ${off}`);
    }
  });

  test('missing-signature, partial-coverage, wrong-copernica-id, other-key, upper-case-digest', () => {
    const missing = check('missing-signature').build(ctx).request;
    assert.equal(missing.headers['Signature'], undefined);
    assert.ok(missing.headers['Digest'] && missing.headers['X-Nonce']);
    const partial = check('partial-coverage').build(ctx).request;
    assert.deepEqual(verify(partial), { ok: true, covered: ['date', 'digest'] });
    const wrongId = check('wrong-copernica-id').build(ctx).request;
    assert.ok(verify(wrongId).ok);
    assert.equal(wrongId.headers['X-Copernica-ID'], 'environment-42-other');
    const other = check('other-key').build(ctx).request;
    assert.equal(verify(other).ok, false);
    assert.match(other.headers['Signature']!, /keyId="k\._domainkey\.example\.com"/);
    const upper = check('upper-case-digest').build(ctx).request;
    assert.match(upper.headers['Digest']!, /^SHA-256=/);
    assert.ok(verify(upper).ok);
  });

  test('replayed-nonce sends one request twice; duplicate-id re-signs the same call', () => {
    const replay = check('replayed-nonce').build(ctx);
    assert.equal(replay.setup?.[0], replay.request);
    const dup = check('duplicate-id').build(ctx);
    const first = dup.setup![0]!;
    assert.deepEqual(first.body, dup.request.body);
    assert.notEqual(first.headers['X-Nonce'], dup.request.headers['X-Nonce']);
    assert.ok(verify(dup.request).ok);
  });

  test('every call has its own message id', () => {
    const ids = CHECKS.flatMap((c) => {
      if (c.skip?.(ctx)) return [];
      const plan = c.build(ctx);
      const reqs = [...(plan.setup ?? []), plan.request].filter((r, i, all) => all.indexOf(r) === i);
      return [...new Set(reqs.map((r) => new URLSearchParams(r.body.toString()).get('id')))];
    });
    // duplicate-id repeats its id on purpose; every other call is fresh.
    assert.equal(new Set(ids).size, ids.length);
  });
});

describe('plain-http', () => {
  test('http:// twin keeps host, explicit port, path and query', () => {
    assert.equal(
      plainHttpUrl(new URL('https://hooks.example.com:8443/a?b=1')).href,
      'http://hooks.example.com:8443/a?b=1',
    );
    assert.equal(plainHttpUrl(new URL('https://hooks.example.com/a')).href, 'http://hooks.example.com/a');
  });

  test('skipped with a note on an http:// URL', async () => {
    const r = await runCheck(check('plain-http'), context('http://127.0.0.1:1/x'), ok);
    assert.equal(r.outcome, 'skip');
    assert.match(r.note!, /http:\/\//);
  });

  test('on https: sent to http://, a refused connection, a refusing answer or (same port) a reset passes; a 2xx or timeout fails', async () => {
    const sent: BuiltRequest[] = [];
    const refusedConn: Send = async (req) => {
      sent.push(req);
      return { errorKind: 'refused', error: 'ECONNREFUSED', responseBytes: 0, latencyMs: 1 };
    };
    const ctx = context();
    const r1 = await runCheck(check('plain-http'), ctx, refusedConn);
    assert.equal(r1.outcome, 'pass');
    assert.equal(sent[0]!.url.href, 'http://hooks.example.com:8443/smtpeter?x=1');
    assert.ok(verify(sent[0]!).ok, 'signed for the http URL: only the scheme differs');
    const r2 = await runCheck(check('plain-http'), ctx, async () => ({
      status: 301,
      responseBytes: 0,
      latencyMs: 1,
    }));
    assert.equal(r2.outcome, 'pass');
    assert.equal((await runCheck(check('plain-http'), ctx, ok)).outcome, 'fail');
    const unanswered =
      (errorKind: 'reset' | 'timeout'): Send =>
      async () => ({ errorKind, responseBytes: 0, latencyMs: 1 });
    // On the URL's own (explicit) port the TLS server dropped bytes it could not read as TLS.
    assert.equal((await runCheck(check('plain-http'), ctx, unanswered('reset'))).outcome, 'pass');
    // A timeout may be a plain-HTTP server still at work; on the default port the call went
    // to port 80, another server, which may have read it before resetting.
    const defaultPort = context('https://hooks.example.com/smtpeter');
    for (const [c, errorKind] of [
      [ctx, 'timeout'],
      [defaultPort, 'timeout'],
      [defaultPort, 'reset'],
    ] as const) {
      const r = await runCheck(check('plain-http'), c, unanswered(errorKind));
      assert.equal(r.outcome, 'fail', `${c.url.href} ${errorKind}`);
      assert.match(r.note!, /not a refusal/);
    }
  });
});

describe('scoring', () => {
  test('no answer to a forgery is not a refusal (plain-http: only a refused connection or a reset by the TLS port is)', async () => {
    const r = await runCheck(check('tampered-body'), context(), async () => ({
      errorKind: 'reset',
      responseBytes: 0,
      latencyMs: 1,
    }));
    assert.equal(r.outcome, 'fail');
    assert.deepEqual(r.got, { errorKind: 'reset' });
    assert.match(r.note!, /not a refusal/);
  });

  test('replay: a refused first request fails the check with a note, the repeat is not sent', async () => {
    let n = 0;
    const r = await runCheck(check('replayed-nonce'), context(), async () => {
      n++;
      return { status: 403, responseBytes: 0, latencyMs: 1 };
    });
    assert.equal(n, 1);
    assert.equal(r.outcome, 'fail');
    assert.match(r.note!, /answered 403/);
  });

  test('a required failure fails the run; a recommended one does not', async () => {
    const ctx = context('http://127.0.0.1:1/x');
    const all = await runChecks(CHECKS, ctx, async (req) => ({
      status: req.headers['Digest']?.startsWith('SHA') ? 400 : 200,
      responseBytes: 0,
      latencyMs: 1,
    }));
    const s = score(all);
    assert.equal(s.ok, false);
    assert.deepEqual(s.recommended, { passed: 1, failed: 2, skipped: 0 });
    const onlyRecommended = all.map((r) => (r.level === 'required' ? { ...r, outcome: 'pass' as const } : r));
    assert.equal(score(onlyRecommended).ok, true);
  });
});
