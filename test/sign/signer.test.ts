import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encodeCall } from '../../src/encode/body.js';
import { LIVE_SIGNED_HEADERS, signRequest } from '../../src/sign/signer.js';
import { rsaKeyPair } from '../helpers/keys.js';
import { SAMPLE_BOUNCE as call } from '../helpers/sample-call.js';
import { independentVerify } from '../helpers/verify-signature.js';

describe('signRequest', () => {
  const { privateKey, publicKey } = rsaKeyPair();
  const body = encodeCall(call).body;
  const req = {
    method: 'POST',
    path: '/hook?x=1',
    host: '127.0.0.1:9',
    contentType: 'application/x-www-form-urlencoded',
    body,
  };
  /** The headers as they arrive at a receiver (lower-case names). */
  const arrived = (h: Record<string, string>): Record<string, string | undefined> => ({
    host: req.host,
    date: h['Date'],
    digest: h['Digest'],
    'x-nonce': h['X-Nonce'],
    'x-copernica-id': h['X-Copernica-ID'],
    'content-length': String(body.length),
    'content-type': req.contentType,
    signature: h['Signature'],
  });

  test('live defaults: lower-case digest, the short header list; verifies independently', () => {
    const h = signRequest(req, {
      privateKey,
      keyId: 'k._domainkey.copernica.com',
      copernicaId: 'environment-1',
    });
    assert.match(h['Digest']!, /^sha-256=/);
    assert.match(
      h['Signature']!,
      new RegExp(`headers="${LIVE_SIGNED_HEADERS.join(' ').replace(/[()]/g, '\\$&')}"`),
    );
    assert.ok(independentVerify('POST', '/hook?x=1', arrived(h), body, publicKey).ok);
    assert.ok(
      !independentVerify('POST', '/hook?x=2', arrived(h), body, publicKey).ok,
      'request-target is covered',
    );
  });

  test('documented variant: SHA-256= and content-length/content-type covered', () => {
    const h = signRequest(req, {
      privateKey,
      keyId: 'k',
      copernicaId: 'environment-1',
      digestCase: 'upper',
      headers: [
        '(request-target)',
        'host',
        'date',
        'content-length',
        'content-type',
        'x-copernica-id',
        'digest',
        'x-nonce',
      ],
    });
    assert.match(h['Digest']!, /^SHA-256=/);
    const result = independentVerify('POST', '/hook?x=1', arrived(h), body, publicKey);
    assert.ok(result.ok, result.why);
    assert.ok(result.covered.includes('content-length') && result.covered.includes('content-type'));
  });

  test('a given Date and nonce are used as they are: the same request signs to the same bytes', () => {
    const fixed = { ...req, date: new Date('2026-01-15T09:30:00Z'), nonce: 'ab'.repeat(16) };
    const options = { privateKey, keyId: 'k', copernicaId: 'environment-1' };
    const a = signRequest(fixed, options);
    assert.equal(a['Date'], 'Thu, 15 Jan 2026 09:30:00 GMT');
    assert.equal(a['X-Nonce'], 'ab'.repeat(16));
    // RSASSA-PKCS1-v1_5 is deterministic.
    assert.deepEqual(signRequest(fixed, options), a);
  });

  test('without a nonce each call gets a fresh 128-bit one', () => {
    const options = { privateKey, keyId: 'k', copernicaId: 'environment-1' };
    const nonces = new Set(Array.from({ length: 20 }, () => signRequest(req, options)['X-Nonce']));
    assert.equal(nonces.size, 20);
    for (const n of nonces) assert.match(n!, /^[0-9a-f]{32}$/);
  });

  test('a header it cannot sign is an error, not a signature over "undefined"', () => {
    assert.throws(
      () => signRequest(req, { privateKey, keyId: 'k', copernicaId: 'e', headers: ['host', 'x-custom'] }),
      /cannot sign unknown header 'x-custom'/,
    );
  });
});
