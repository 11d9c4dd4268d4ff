/** A received call's fields: strings, and arrays for `name[]` keys. */
export type Fields = Record<string, string | string[] | number>;

import { isUtf8 } from 'node:buffer';

const HEX = /^[0-9A-Fa-f]{2}$/;

/**
 * One form-encoded key or value: `+` a space, `%XX` a byte. The bytes are
 * UTF-8 text when they are UTF-8; otherwise (a captured message carried as
 * its own bytes, Latin-1 say) one character per byte, never U+FFFD, as PHP's
 * `$_POST` keeps them and as the MIME reader reads 8-bit text.
 */
function formComponent(raw: string): string {
  const plus = raw.replace(/\+/g, ' ');
  if (!plus.includes('%')) return plus;
  const bytes = Buffer.allocUnsafe(plus.length);
  let n = 0;
  for (let i = 0; i < plus.length; i++) {
    const hex = plus.slice(i + 1, i + 3);
    if (plus[i] === '%' && HEX.test(hex)) {
      bytes[n++] = Number.parseInt(hex, 16);
      i += 2;
    } else n += bytes.write(plus[i]!, n, 'utf8');
  }
  const out = bytes.subarray(0, n);
  return isUtf8(out) ? out.toString('utf8') : out.toString('latin1');
}

/**
 * A form body's name/value pairs in order, as URLSearchParams gives them but
 * for bytes that are not UTF-8 (kept, one character per byte). The one form
 * decoder: listen's calls and serve's REST bodies both read with it.
 */
export function formPairs(body: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const pair of body.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    pairs.push([
      formComponent(eq < 0 ? pair : pair.slice(0, eq)),
      eq < 0 ? '' : formComponent(pair.slice(eq + 1)),
    ]);
  }
  return pairs;
}

/** PHP-style form decoding: `tags[]=a&tags[]=b` -> { tags: ['a','b'] }. */
export function parseForm(body: string): Fields {
  const out: Fields = {};
  for (const [key, value] of formPairs(body)) {
    if (key.endsWith('[]')) {
      const name = key.slice(0, -2);
      const prev = out[name];
      out[name] = Array.isArray(prev) ? [...prev, value] : [value];
    } else {
      out[key] = value;
    }
  }
  return out;
}

type ParsedBody = { ok: true; fields: Fields; format: 'form' | 'json' } | { ok: false; problem: string };

export function parseBody(contentType: string | undefined, body: Buffer): ParsedBody {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded')
    return { ok: true, fields: parseForm(body.toString('utf8')), format: 'form' };
  if (type === 'application/json') {
    try {
      const value: unknown = JSON.parse(body.toString('utf8'));
      if (!value || typeof value !== 'object' || Array.isArray(value))
        return { ok: false, problem: 'JSON body is not an object' };
      return { ok: true, fields: value as Fields, format: 'json' };
    } catch (err) {
      return { ok: false, problem: `JSON body does not parse: ${(err as Error).message}` };
    }
  }
  return { ok: false, problem: `unsupported Content-Type '${contentType ?? ''}'` };
}
