import type { KeyObject } from 'node:crypto';
import { createPublicKey } from 'node:crypto';
import type { Settings } from '../config/settings.js';
import { DIALECT_INFO, type Dialect } from '../encode/dialect.js';
import { UsageError } from '../model/errors.js';
import type { SigningConfig } from '../run/request.js';
import { ensureDefaultKeyPair, loadPrivateKey } from '../sign/keys.js';
import { DOCUMENTED_SIGNED_HEADERS, LIVE_SIGNED_HEADERS } from '../sign/signer.js';

export const DEFAULT_KEY_ID = 'smtpeter-sim._domainkey.copernica.com';

export interface ResolvedSigning {
  signing?: SigningConfig;
  publicKey?: KeyObject;
  /** A line for stderr: which key signs, where its public half is. */
  notice?: string;
}

/**
 * Decide whether and how calls are signed: `--no-sign`, the dialect's
 * default, `--key`/config key, or the generated default pair.
 */
export function resolveSigning(
  settings: Settings,
  dialect: Dialect,
  sign: boolean,
  keyFlagGiven: boolean,
): ResolvedSigning {
  const info = DIALECT_INFO[dialect];
  const keyPath = settings.value<string>('key');
  // Feedback loops predate signing: sign only when a key is asked for.
  if (!sign || (!info.signedByDefault && !keyFlagGiven && !keyPath)) return {};
  let privateKey: KeyObject;
  let notice: string | undefined;
  if (keyPath) {
    privateKey = loadPrivateKey(keyPath, settings.get('key')?.source === 'flag' ? '--key' : 'config key');
  } else {
    const pair = ensureDefaultKeyPair();
    privateKey = loadPrivateKey(pair.privateKeyPath);
    notice = `${pair.created ? 'generated a key pair; ' : ''}signing with ${pair.privateKeyPath} (public key: ${pair.publicKeyPath})`;
  }
  const signedHeadersName = settings.value<string>('signedHeaders', 'live');
  const copernicaId = settings.value<string>('copernicaId', info.defaultCopernicaId)!;
  if (/[\r\n]/.test(copernicaId)) throw new UsageError('--copernica-id: must be one line');
  return {
    signing: {
      privateKey,
      keyId: settings.value<string>('keyId', DEFAULT_KEY_ID)!,
      copernicaId,
      headers: signedHeadersName === 'documented' ? DOCUMENTED_SIGNED_HEADERS : LIVE_SIGNED_HEADERS,
      digestCase: settings.value<'lower' | 'upper'>('digestCase', 'lower')!,
    },
    publicKey: createPublicKey(privateKey),
    ...(notice ? { notice } : {}),
  };
}
