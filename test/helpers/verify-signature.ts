import { createHash, createVerify, type KeyObject } from 'node:crypto';

/**
 * An independent draft-cavage verifier for the tests: it rebuilds the
 * signing string from the headers that arrived, using only node:crypto,
 * never the project's signing module.
 */
export function independentVerify(
  method: string,
  path: string,
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
  publicKey: KeyObject,
): { ok: boolean; why?: string; covered: string[] } {
  const h = (name: string): string | undefined => {
    const v = headers[name.toLowerCase()];
    return Array.isArray(v) ? v.join(', ') : v;
  };
  const digest = h('digest') ?? '';
  const expected = createHash('sha256').update(body).digest('base64');
  if (!/^sha-256=/i.test(digest) || digest.slice(8) !== expected)
    return { ok: false, why: `digest ${digest} != ${expected}`, covered: [] };
  const sig = h('signature') ?? '';
  const params = Object.fromEntries([...sig.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
  const covered: string[] = (params['headers'] ?? '').split(' ');
  const lines = covered.map((name) =>
    name === '(request-target)' ? `(request-target): ${method.toLowerCase()} ${path}` : `${name}: ${h(name)}`,
  );
  const ok = createVerify('RSA-SHA256')
    .update(lines.join('\n'))
    .verify(publicKey, params['signature'] ?? '', 'base64');
  return ok ? { ok, covered } : { ok, why: 'RSA signature does not verify', covered };
}
