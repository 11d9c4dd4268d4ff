import { createVerify, type KeyObject } from 'node:crypto';
import { digestHeader, signingString } from './signer.js';

export interface ReceivedRequest {
  method: string;
  path: string;
  /** Header names in lower case. */
  headers: Record<string, string | undefined>;
  body: Buffer;
}

type VerifyResult = { ok: true; keyId: string; headers: string[] } | { ok: false; problem: string };

/** Parse `k="v",k2="v2"` of a Signature header. */
export function parseSignatureHeader(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of value.matchAll(/([a-zA-Z]+)="([^"]*)"/g)) out[m[1]!] = m[2]!;
  return out;
}

const REQUIRED = ['host', 'date', 'digest', 'x-nonce', 'x-copernica-id'];

/**
 * What the `listen` receiver checks, as Copernica's own verifier does:
 * digest (either case of the algorithm token), coverage, signature.
 */
export function verifyRequest(req: ReceivedRequest, publicKey: KeyObject): VerifyResult {
  const digest = req.headers['digest'];
  if (!digest) return { ok: false, problem: 'no Digest header' };
  const [alg] = digest.split('=', 1);
  if (alg?.toLowerCase() !== 'sha-256')
    return { ok: false, problem: `unsupported digest algorithm '${alg}'` };
  if (digest.slice(alg.length + 1) !== digestHeader(req.body).slice('sha-256='.length)) {
    return { ok: false, problem: 'Digest does not match the body' };
  }
  const sig = req.headers['signature'];
  if (!sig) return { ok: false, problem: 'no Signature header' };
  const params = parseSignatureHeader(sig);
  if (params['algorithm'] && params['algorithm'] !== 'rsa-sha256') {
    return { ok: false, problem: `unsupported algorithm '${params['algorithm']}'` };
  }
  if (!params['signature'] || !params['headers'])
    return { ok: false, problem: 'Signature lacks headers or signature' };
  const names = params['headers'].split(' ');
  const missing = REQUIRED.filter((n) => !names.includes(n));
  if (missing.length) return { ok: false, problem: `signature does not cover ${missing.join(', ')}` };
  const values: Record<string, string> = { '(request-target)': `${req.method.toLowerCase()} ${req.path}` };
  for (const name of names) {
    if (name === '(request-target)') continue;
    const v = req.headers[name];
    if (v === undefined) return { ok: false, problem: `signed header '${name}' is missing` };
    values[name] = v;
  }
  const ok = createVerify('sha256')
    .update(signingString(names, values))
    .verify(publicKey, params['signature'], 'base64');
  if (!ok) return { ok: false, problem: 'signature does not verify with the public key' };
  return { ok: true, keyId: params['keyId'] ?? '', headers: names };
}
