import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, test } from 'node:test';
import { encodeCall, formEncode } from '../../src/encode/body.js';
import { toPayload } from '../../src/encode/dialect.js';
import type { SimCall } from '../../src/model/events.js';
import { LIVE_SIGNED_HEADERS, signRequest } from '../../src/sign/signer.js';
import { independentVerify } from '../helpers/verify-signature.js';

const call: SimCall = {
  scenario: 'x',
  style: 'postfix',
  mailfrom: '',
  event: {
    id: 'id1',
    type: 'bounce',
    timestamp: '2026-01-15 09:30:00',
    time: 1768469400,
    recipient: 'jan@example.nl',
    envelope: 'bounce-id1@bounces.shop.example',
    mime: 'Subject: a&b=c ü\r\n\r\nbody +1',
    tags: ['news', 'nl'],
  },
};

describe('formEncode', () => {
  test('one tags[]= per tag, form escaping, documented field order', () => {
    assert.equal(
      formEncode(toPayload(call)),
      'id=id1&type=bounce&timestamp=2026-01-15+09%3A30%3A00&time=1768469400&recipient=jan%40example.nl' +
        '&envelope=bounce-id1%40bounces.shop.example&mime=Subject%3A+a%26b%3Dc+%C3%BC%0D%0A%0D%0Abody+%2B1&tags[]=news&tags[]=nl',
    );
  });
  test('round-trips through URLSearchParams (what receivers use)', () => {
    const parsed = new URLSearchParams(encodeCall(call).body.toString());
    assert.equal(parsed.get('mime'), call.event.type === 'bounce' ? call.event.mime : '');
    assert.deepEqual(parsed.getAll('tags[]'), ['news', 'nl']);
  });
  test('the byte writer agrees with encodeURIComponent on every kind of character', () => {
    const reference = (text: string): string =>
      encodeURIComponent(text)
        .replace(/%20/g, '+')
        .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    let ascii = '';
    for (let c = 0; c < 128; c++) ascii += String.fromCharCode(c);
    const samples = [
      '',
      ascii,
      'Grüße, Zoë — “quotes” ½ €',
      'emoji 😀 and 𝄞 (surrogate pairs)',
      'ÿĀ߿ࠀ￿', // UTF-8 length boundaries: 2, 2, 3, 3 bytes
      'x'.repeat(70_000) + 'é', // past the reused scratch buffer
    ];
    for (const text of samples) {
      assert.equal(formEncode([['v', text]]), `v=${reference(text)}`, JSON.stringify(text.slice(0, 40)));
    }
  });
});

describe('signRequest', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const body = encodeCall(call).body;
  const req = {
    method: 'POST',
    path: '/hook?x=1',
    host: '127.0.0.1:9',
    contentType: 'application/x-www-form-urlencoded',
    body,
  };

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
    const headers = {
      host: req.host,
      date: h['Date'],
      digest: h['Digest'],
      'x-nonce': h['X-Nonce'],
      'x-copernica-id': h['X-Copernica-ID'],
      signature: h['Signature'],
    };
    assert.ok(independentVerify('POST', '/hook?x=1', headers, body, publicKey).ok);
    assert.ok(
      !independentVerify('POST', '/hook?x=2', headers, body, publicKey).ok,
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
    const headers = {
      host: req.host,
      date: h['Date'],
      digest: h['Digest'],
      'x-nonce': h['X-Nonce'],
      'x-copernica-id': h['X-Copernica-ID'],
      'content-length': String(body.length),
      'content-type': req.contentType,
      signature: h['Signature'],
    };
    assert.ok(independentVerify('POST', '/hook?x=1', headers, body, publicKey).ok);
  });
});
