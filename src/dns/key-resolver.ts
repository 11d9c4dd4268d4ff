import { createPublicKey, type KeyObject } from 'node:crypto';
import { Resolver } from 'node:dns/promises';

/** The public key of a keyId, or why there is none (a line for the call's problems). */
export type KeyResolver = (keyId: string) => Promise<KeyObject | string>;

/** Copernica's production rule: keys come from under this domain only. */
const TRUSTED_DOMAIN = 'copernica.com';

/**
 * The key in a DKIM TXT record (RFC 6376 3.6.1 tag list: white space
 * around tags is allowed here, as a tolerant receiver should allow it;
 * what the responder publishes has none, for Copernica's own verifier).
 */
export function dkimPublicKey(txt: string): KeyObject | string {
  const tags = new Map<string, string>();
  for (const part of txt.split(';')) {
    const at = part.indexOf('=');
    if (at > 0) tags.set(part.slice(0, at).trim(), part.slice(at + 1).replace(/\s+/g, ''));
  }
  if ((tags.get('k') ?? 'rsa') !== 'rsa') return `the DKIM record is k=${tags.get('k')}, not rsa`;
  const p = tags.get('p');
  if (!p) return 'the DKIM record has no p= (a revoked or unreadable key)';
  try {
    return createPublicKey({ key: Buffer.from(p, 'base64'), format: 'der', type: 'spki' });
  } catch {
    return 'the DKIM record p= is not a public key';
  }
}

/**
 * Keys as Copernica's verifier gets them: a TXT query at the keyId on
 * every call (so a rotation is seen at once), through `server` (host:port),
 * and only for keyIds under copernica.com (a look-alike is refused before
 * any query).
 */
export function dnsKeyResolver(server: string, timeoutMs = 2000): KeyResolver {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 2 });
  resolver.setServers([server]);
  return async (keyId) => {
    const name = keyId.toLowerCase().replace(/\.$/, '');
    if (!name.endsWith(`.${TRUSTED_DOMAIN}`)) return `keyId '${keyId}' is not under ${TRUSTED_DOMAIN}`;
    let records: string[][];
    try {
      records = await resolver.resolveTxt(name);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return code === 'ENOTFOUND'
        ? `no key published at ${keyId} (NXDOMAIN: retired, or never published)`
        : `DNS lookup of ${keyId} failed (${code ?? 'error'})`;
    }
    const dkim = records.map((chunks) => chunks.join('')).find((txt) => /^\s*v=DKIM1\b|(^|;)\s*p=/.test(txt));
    return dkim === undefined ? `no DKIM record at ${keyId}` : dkimPublicKey(dkim);
  };
}
