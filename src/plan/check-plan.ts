import { createPublicKey } from 'node:crypto';
import type { Settings } from '../config/settings.js';
import { type BodyFormat, FORMATS } from '../encode/body.js';
import { type Dialect, uncarriedKind } from '../encode/dialect.js';
import { UsageError } from '../model/errors.js';
import { CALL_TYPES, type CallType } from '../model/events.js';
import type { SigningConfig } from '../run/request.js';
import { loadPublicKey } from '../sign/keys.js';
import { LIVE_SIGNED_HEADERS } from '../sign/signer.js';
import { dnsPort } from './dns-plan.js';
import { httpUrl, oneOf } from './flag-values.js';
import {
  checkKeyId,
  extraHeadersFrom,
  type SendFlags,
  settingLabel,
  type TransportSettings,
  transportFlags,
} from './send-plan.js';
import { resolveSigning } from './signing.js';

export interface CheckFlags extends SendFlags {
  publicKey?: string;
  dnsPort?: string;
  json?: boolean;
  /** `--kinds`: the later kinds the receiver handles, or `all`. */
  kinds?: string;
}

/** Signed dialects only: the feedback-loop one predates signing, so there is nothing to forge. */
const CHECK_DIALECTS = ['smtpeter', 'marketing-suite'] as const;

/** `--kinds delivery,open` or `all`: the kinds whose calls are checked besides failure and bounce. */
function parseKinds(text: string | undefined, dialect: Dialect): CallType[] {
  if (!text) return [];
  const names = text.trim() === 'all' ? [...CALL_TYPES] : text.split(',').map((k) => k.trim());
  return names.map((name) => {
    if (!(CALL_TYPES as readonly string[]).includes(name))
      throw new UsageError(
        `--kinds: expected kinds among ${CALL_TYPES.join(', ')} (comma-separated), or all, got '${name}'`,
      );
    const kind = name as CallType;
    const refusal = uncarriedKind(dialect, kind, '--kinds');
    if (refusal) throw new UsageError(refusal);
    return kind;
  });
}

/** A conformance check of one receiver, every input checked. */
interface CheckPlan {
  url: URL;
  format: BodyFormat;
  dialect: Dialect;
  /** The kinds whose calls are checked besides failure and bounce (`--kinds`). */
  kinds: CallType[];
  transport: TransportSettings;
  extraHeaders: Record<string, string>;
  /** The baseline every check starts from: what live calls carry. */
  signing: SigningConfig;
  /** A line for stderr: which key signs. */
  notice?: string;
  /** `--dns-port`: the responder the keyId checks publish on. */
  dnsPort?: number;
  json: boolean;
}

/** Flags and settings → the check's plan; a UsageError names the flag or config key. */
export function planCheck(flags: CheckFlags, settings: Settings): CheckPlan {
  const where = (key: 'url' | 'publicKey', flag: string): string => settingLabel(settings, key, flag);
  const urlText = settings.value<string>('url');
  if (!urlText) throw new UsageError('--url: required (the receiver to check)');
  const url = httpUrl(where('url', '--url'), urlText);
  const format = oneOf<BodyFormat>('format', settings.value<string>('format', 'form')!, FORMATS);
  const dialect = oneOf<Dialect>('dialect', settings.value<string>('dialect', 'smtpeter')!, CHECK_DIALECTS);
  const kinds = parseKinds(flags.kinds, dialect);
  const transport = transportFlags(flags);
  const extraHeaders = extraHeadersFrom(flags, settings);
  checkKeyId(settings);
  const resolved = resolveSigning(settings, dialect, true, flags.key !== undefined);
  if (!resolved.signing) throw new Error('check: signing did not resolve');
  // The documented variants are checks of their own.
  const signing = { ...resolved.signing, headers: LIVE_SIGNED_HEADERS, digestCase: 'lower' as const };
  const publicKeyPath = settings.value<string>('publicKey');
  if (publicKeyPath) {
    const flag = where('publicKey', '--public-key');
    const expected = loadPublicKey(publicKeyPath, flag).export({ type: 'spki', format: 'der' });
    const actual = createPublicKey(signing.privateKey).export({ type: 'spki', format: 'der' });
    if (!expected.equals(actual))
      throw new UsageError(
        `${flag} ${publicKeyPath}: not the public half of the signing key (the receiver would refuse every call)`,
      );
  }
  return {
    url,
    format,
    dialect,
    kinds,
    transport,
    extraHeaders,
    signing,
    ...(resolved.notice ? { notice: resolved.notice } : {}),
    ...(flags.dnsPort !== undefined ? { dnsPort: dnsPort(flags.dnsPort) } : {}),
    json: flags.json ?? false,
  };
}
