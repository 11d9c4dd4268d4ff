import { createPublicKey, type KeyObject } from 'node:crypto';
import { Resolver } from 'node:dns/promises';
import type { KeySource } from './verifying-receiver.js';

/**
 * The key in a DKIM TXT record, read the way Copernica's verifier library
 * reads it: split on ';', then on '=', nothing trimmed. A record with
 * spaces after the semicolons has no 'p' for it.
 */
export function copernicaVerifierKey(txt: string): KeyObject | undefined {
  const tags = new Map(
    txt.split(';').map((part) => {
      const at = part.indexOf('=');
      return [part.slice(0, at), part.slice(at + 1)] as const;
    }),
  );
  const p = tags.get('p');
  if (tags.get('k') !== 'rsa' || !p) return undefined;
  return createPublicKey({ key: Buffer.from(p, 'base64'), format: 'der', type: 'spki' });
}

/** How a receiver under test treats keyIds and the keys it fetched. */
export interface KeyPolicy {
  /** Accept only keyIds under this domain (`copernica.com`), as Copernica tells receivers to. */
  pinDomain?: string;
  /** Keep a fetched key this long per keyId (0: ask DNS on every call, as Copernica's verifier does). */
  maxAgeMs: number;
  /** The classic mistake: keep the first key fetched for every keyId, whatever the selector. */
  oneKeyForever?: boolean;
  /** The pin as `endsWith(domain)`, without the dot before it. */
  sloppyPin?: boolean;
}

/**
 * Keys the way a receiver in production gets them, written here with
 * node:dns only: a TXT query at the keyId through a resolver pointed at
 * `server`, the record read as Copernica's verifier reads it (split on ';'
 * and '=', nothing trimmed).
 */
export function dnsKeySource(server: string, policy: KeyPolicy): KeySource & { lookups: string[] } {
  const resolver = new Resolver({ timeout: 2000, tries: 1 });
  resolver.setServers([server]);
  const cache = new Map<string, { key: KeyObject; at: number }>();
  let first: KeyObject | undefined;
  const lookups: string[] = [];
  const source = async (keyId: string): Promise<KeyObject | string> => {
    const suffix = policy.sloppyPin ? policy.pinDomain : `.${policy.pinDomain}`;
    if (policy.pinDomain && !keyId.endsWith(suffix!)) return `keyId ${keyId} not under ${policy.pinDomain}`;
    if (policy.oneKeyForever && first) return first;
    const hit = cache.get(keyId);
    if (hit && Date.now() - hit.at < policy.maxAgeMs) return hit.key;
    // Calls that arrive together under a new selector share one lookup.
    let pending = inFlight.get(keyId);
    if (!pending) {
      pending = fetchKey(keyId).finally(() => inFlight.delete(keyId));
      inFlight.set(keyId, pending);
    }
    return pending;
  };
  const inFlight = new Map<string, Promise<KeyObject | string>>();
  const fetchKey = async (keyId: string): Promise<KeyObject | string> => {
    lookups.push(keyId);
    let txt: string;
    try {
      txt = (await resolver.resolveTxt(keyId)).map((chunks) => chunks.join(''))[0] ?? '';
    } catch (err) {
      return `no key at ${keyId} (${(err as NodeJS.ErrnoException).code})`;
    }
    const key = copernicaVerifierKey(txt);
    if (!key) return `no k=rsa and p= in the record at ${keyId}`;
    cache.set(keyId, { key, at: Date.now() });
    first ??= key;
    return key;
  };
  return Object.assign(source, { lookups });
}
