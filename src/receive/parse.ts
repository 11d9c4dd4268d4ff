/** A received call's fields: strings, and arrays for `name[]` keys. */
export type Fields = Record<string, string | string[] | number>;

/** PHP-style form decoding: `tags[]=a&tags[]=b` -> { tags: ['a','b'] }. */
export function parseForm(body: string): Fields {
  const out: Fields = {};
  for (const [key, value] of new URLSearchParams(body)) {
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
