import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { EventGenerator, SEEDED_EPOCH } from '../../src/generate/events.js';
import { buildRequest, type RequestOptions } from '../../src/run/request.js';
import { SignPool } from '../../src/run/sign-pool.js';
import { LIVE_SIGNED_HEADERS } from '../../src/sign/signer.js';
import { independentVerify } from '../helpers/verify-signature.js';

test('the sign pool gives the bytes the main thread gives, signed so that they verify', async () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const options: RequestOptions = {
    format: 'form',
    dialect: 'smtpeter',
    signing: {
      privateKey,
      keyId: 'k._domainkey.example',
      copernicaId: 'env-9',
      headers: LIVE_SIGNED_HEADERS,
    },
  };
  const calls = new EventGenerator({ seed: 4, clock: () => SEEDED_EPOCH }).take(40);
  const url = new URL('http://127.0.0.1:9/hook');
  const pool = new SignPool(options, 2);
  try {
    const built = await Promise.all(calls.map((c) => pool.build(c, url)));
    built.forEach((b, i) => {
      const here = buildRequest(calls[i]!, url, options);
      assert.deepEqual(b.body, here.body, `call ${i}: body`);
      assert.deepEqual(Object.keys(b.headers).sort(), Object.keys(here.headers).sort());
      const lower: Record<string, string> = { host: '127.0.0.1:9' };
      for (const [k, v] of Object.entries(b.headers)) lower[k.toLowerCase()] = v;
      const verified = independentVerify('POST', '/hook', lower, b.body, publicKey);
      assert.ok(verified.ok, verified.why);
    });
    const broken = { ...calls[0]!, event: { ...calls[0]!.event, type: 'nonsense' } } as never;
    await assert.rejects(pool.build(broken, url));
  } finally {
    await pool.close();
  }
  await assert.rejects(pool.build(calls[0]!, url), /sign pool closed/);
});
