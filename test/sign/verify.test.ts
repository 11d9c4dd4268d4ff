/**
 * verifyRequest (what `listen` checks): a call signed by signRequest
 * verifies; each way a call can be wrong is refused with its own reason.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DOCUMENTED_SIGNED_HEADERS, digestHeader, signRequest } from '../../src/sign/signer.js';
import { parseSignatureHeader, type ReceivedRequest, verifyRequest } from '../../src/sign/verify.js';
import { rsaKeyPair } from '../helpers/keys.js';

const { privateKey, publicKey } = rsaKeyPair();
const body = Buffer.from('id=m1&type=failure&recipient=jan%40example.nl&tags[]=news');

/** A signed call as it arrives: lower-case header names. */
function signedCall(
  options: { headers?: readonly string[]; digestCase?: 'lower' | 'upper'; body?: Buffer } = {},
): ReceivedRequest {
  const sent = options.body ?? body;
  const h = signRequest(
    {
      method: 'POST',
      path: '/hooks/smtpeter?env=test',
      host: '127.0.0.1:8025',
      contentType: 'application/x-www-form-urlencoded',
      body: sent,
    },
    {
      privateKey,
      keyId: 'smtpeter-sim._domainkey.copernica.com',
      copernicaId: 'environment-1234',
      ...(options.headers ? { headers: options.headers } : {}),
      ...(options.digestCase ? { digestCase: options.digestCase } : {}),
    },
  );
  return {
    method: 'POST',
    path: '/hooks/smtpeter?env=test',
    headers: {
      host: '127.0.0.1:8025',
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': String(sent.length),
      date: h['Date'],
      digest: h['Digest'],
      'x-nonce': h['X-Nonce'],
      'x-copernica-id': h['X-Copernica-ID'],
      signature: h['Signature'],
    },
    body: sent,
  };
}

const problemOf = (req: ReceivedRequest, key = publicKey): string => {
  const r = verifyRequest(req, key);
  return r.ok ? 'verified' : r.problem;
};

describe('verifyRequest: what verifies', () => {
  test('a signed call verifies, naming its key and the headers covered', () => {
    const r = verifyRequest(signedCall(), publicKey);
    assert.ok(r.ok);
    assert.equal(r.keyId, 'smtpeter-sim._domainkey.copernica.com');
    assert.deepEqual(r.headers, ['(request-target)', 'host', 'date', 'x-copernica-id', 'digest', 'x-nonce']);
  });

  test('the documented SHA-256= digest and a longer header list verify too', () => {
    const req = signedCall({
      digestCase: 'upper',
      headers: DOCUMENTED_SIGNED_HEADERS,
    });
    assert.match(req.headers['digest']!, /^SHA-256=/);
    assert.equal(problemOf(req), 'verified');
  });
});

describe('verifyRequest: what is refused, and why', () => {
  test('a tampered body: the digest no longer matches', () => {
    const req = signedCall();
    assert.equal(problemOf({ ...req, body: Buffer.from(`${body}&x=1`) }), 'Digest does not match the body');
  });

  test('a tampered body with a digest recomputed to match: the signature no longer verifies', () => {
    const req = signedCall();
    const forged = Buffer.from(body.toString().replace('m1', 'm2'));
    const headers = { ...req.headers, digest: digestHeader(forged) };
    assert.equal(
      problemOf({ ...req, headers, body: forged }),
      'signature does not verify with the public key',
    );
  });

  test('signed with another key', () => {
    assert.equal(
      problemOf(signedCall(), rsaKeyPair('other').publicKey),
      'signature does not verify with the public key',
    );
  });

  test('another path than the one signed ((request-target) is covered)', () => {
    assert.equal(
      problemOf({ ...signedCall(), path: '/hooks/smtpeter?env=prod' }),
      'signature does not verify with the public key',
    );
  });

  test('a covered header changed on the way: X-Copernica-ID', () => {
    const req = signedCall();
    assert.equal(
      problemOf({ ...req, headers: { ...req.headers, 'x-copernica-id': 'environment-9' } }),
      'signature does not verify with the public key',
    );
  });

  test('missing headers: Digest, Signature, a signed header', () => {
    const req = signedCall();
    const without = (name: string): ReceivedRequest => {
      const headers = { ...req.headers };
      delete headers[name];
      return { ...req, headers };
    };
    assert.equal(problemOf(without('digest')), 'no Digest header');
    assert.equal(problemOf(without('signature')), 'no Signature header');
    assert.equal(problemOf(without('x-nonce')), "signed header 'x-nonce' is missing");
    assert.equal(problemOf(without('date')), "signed header 'date' is missing");
  });

  test('a signature that leaves out a header a receiver must see covered', () => {
    const req = signedCall({ headers: ['(request-target)', 'host', 'date', 'digest'] });
    assert.equal(problemOf(req), 'signature does not cover x-nonce, x-copernica-id');
  });

  test('another digest or signature algorithm', () => {
    const req = signedCall();
    const md5 = { ...req.headers, digest: 'MD5=1B2M2Y8AsgTpgAmY7PhCfg==' };
    assert.equal(problemOf({ ...req, headers: md5 }), "unsupported digest algorithm 'MD5'");
    const hmac = {
      ...req.headers,
      signature: req.headers['signature']!.replace('rsa-sha256', 'hmac-sha256'),
    };
    assert.equal(problemOf({ ...req, headers: hmac }), "unsupported algorithm 'hmac-sha256'");
  });

  test('a Signature header without its signature or header list', () => {
    const req = signedCall();
    const headers = { ...req.headers, signature: 'keyId="k",algorithm="rsa-sha256"' };
    assert.equal(problemOf({ ...req, headers }), 'Signature lacks headers or signature');
  });
});

describe('parseSignatureHeader', () => {
  test('the quoted parameters, base64 padding and all', () => {
    assert.deepEqual(
      parseSignatureHeader('keyId="a.b",algorithm="rsa-sha256",headers="host date",signature="q+/w=="'),
      {
        keyId: 'a.b',
        algorithm: 'rsa-sha256',
        headers: 'host date',
        signature: 'q+/w==',
      },
    );
  });
});
