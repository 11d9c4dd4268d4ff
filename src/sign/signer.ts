import { createHash, createSign, type KeyObject, randomFillSync } from 'node:crypto';

/** Headers live calls most likely sign (see README "Signing"). */
export const LIVE_SIGNED_HEADERS = [
  '(request-target)',
  'host',
  'date',
  'x-copernica-id',
  'digest',
  'x-nonce',
] as const;
/** The longer list Copernica's documentation shows. */
export const DOCUMENTED_SIGNED_HEADERS = [
  '(request-target)',
  'host',
  'date',
  'content-length',
  'content-type',
  'x-copernica-id',
  'digest',
  'x-nonce',
] as const;

interface SignOptions {
  privateKey: KeyObject;
  keyId: string;
  copernicaId: string;
  /** Names (lower case) the signature covers, in order. */
  headers?: readonly string[];
  /** `lower`: `sha-256=` (what live calls carry); `upper`: `SHA-256=` (the docs). */
  digestCase?: 'lower' | 'upper';
}

interface RequestToSign {
  method: string;
  /** Path with query, e.g. `/hooks/smtpeter?x=1`. */
  path: string;
  host: string;
  contentType: string;
  body: Buffer;
  /** Override Date and nonce (tests, replays of a captured call). */
  date?: Date;
  nonce?: string;
}

/** `SHA-256=<base64>` (RFC 3230 instance digest) of the body. */
export function digestHeader(body: Buffer, digestCase: 'lower' | 'upper' = 'lower'): string {
  const b64 = createHash('sha256').update(body).digest('base64');
  return `${digestCase === 'upper' ? 'SHA-256' : 'sha-256'}=${b64}`;
}

/** The draft-cavage signing string: one `name: value` line per header, `\n`-joined. */
export function signingString(names: readonly string[], values: Record<string, string>): string {
  return names.map((name) => `${name}: ${values[name]}`).join('\n');
}

/**
 * Every header SMTPeter puts on a call, signed per draft-cavage-http-
 * signatures (rsa-sha256). Returns header names in their usual casing.
 */
export function signRequest(req: RequestToSign, options: SignOptions): Record<string, string> {
  const names = options.headers ?? LIVE_SIGNED_HEADERS;
  const values: Record<string, string> = {
    '(request-target)': `${req.method.toLowerCase()} ${req.path}`,
    host: req.host,
    date: req.date ? req.date.toUTCString() : httpDateNow(),
    'content-length': String(req.body.length),
    'content-type': req.contentType,
    'x-copernica-id': options.copernicaId,
    digest: digestHeader(req.body, options.digestCase),
    'x-nonce': req.nonce ?? freshNonce(),
  };
  for (const name of names) {
    if (!(name in values)) throw new Error(`cannot sign unknown header '${name}'`);
  }
  const signature = createSign('sha256')
    .update(signingString(names, values))
    .sign(options.privateKey, 'base64');
  return {
    Date: values['date']!,
    'X-Copernica-ID': values['x-copernica-id']!,
    Digest: values['digest']!,
    'X-Nonce': values['x-nonce']!,
    Signature: `keyId="${options.keyId}",algorithm="rsa-sha256",headers="${names.join(' ')}",signature="${signature}"`,
  };
}

/** CSPRNG bytes for nonces, drawn 256 nonces at a time: one call into OpenSSL per 256 signed calls, not one each. */
const noncePool = Buffer.alloc(16 * 256);
let nonceAt = noncePool.length;
/** 16 random bytes as 32 hex digits, as `randomBytes(16).toString('hex')`. */
function freshNonce(): string {
  if (nonceAt === noncePool.length) {
    randomFillSync(noncePool);
    nonceAt = 0;
  }
  const nonce = noncePool.toString('hex', nonceAt, nonceAt + 16);
  nonceAt += 16;
  return nonce;
}

let dateSecond = Number.NaN;
let dateText = '';
/** The current time as an HTTP Date (whole seconds), formatted once a second however many calls ask. */
export function httpDateNow(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(second * 1000).toUTCString();
  }
  return dateText;
}
