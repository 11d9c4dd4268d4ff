import { createPublicKey } from 'node:crypto';
import { createCheckContext } from '../check/build.js';
import { checksFor } from '../check/checks.js';
import { runChecks, score } from '../check/run.js';
import { type BodyFormat, FORMATS } from '../encode/body.js';
import { type Dialect, uncarriedKind } from '../encode/dialect.js';
import { UsageError } from '../model/errors.js';
import { CALL_TYPES, type CallType } from '../model/events.js';
import { checkHeader, checkJson, checkLines, checkSummary } from '../report/check-report.js';
import { colourFor } from '../report/colour.js';
import { loadPublicKey } from '../sign/keys.js';
import { LIVE_SIGNED_HEADERS } from '../sign/signer.js';
import { HttpClient } from '../transport/http.js';
import { httpUrl, oneOf } from './flags.js';
import {
  extraHeadersFrom,
  flagSettings,
  type SendFlags,
  settingLabel,
  transportFlags,
} from './send-config.js';
import { resolveSigning } from './signing.js';

export interface CheckFlags extends SendFlags {
  publicKey?: string;
  json?: boolean;
  /** `--kinds`: the later kinds the receiver handles, or `all`. */
  kinds?: string;
}

/** `--kinds delivery,open` or `all`: the kinds whose calls are checked besides failure and bounce. */
function parseKinds(text: string | undefined, dialect: Dialect): CallType[] {
  if (!text) return [];
  const names = text.trim() === 'all' ? [...CALL_TYPES] : text.split(',').map((k) => k.trim());
  return names.map((name) => {
    const kind = oneOf<CallType>('--kinds', name, CALL_TYPES);
    const refusal = uncarriedKind(dialect, kind, '--kinds');
    if (refusal) throw new UsageError(refusal);
    return kind;
  });
}

/** Signed dialects only: the feedback-loop one predates signing, so there is nothing to forge. */
export const CHECK_DIALECTS = ['smtpeter', 'marketing-suite'] as const;

/** Exit code: 0 every required check passed, 1 otherwise. UsageErrors propagate (exit 2). */
export async function checkCommand(flags: CheckFlags): Promise<number> {
  const out = process.stdout;
  const c = colourFor(out);
  const settings = await flagSettings(flags, { publicKey: flags.publicKey });
  const where = (key: 'url' | 'publicKey', flag: string): string => settingLabel(settings, key, flag);

  // --- check every input before anything is sent ---
  const urlText = settings.value<string>('url');
  if (!urlText) throw new UsageError('--url: required (the receiver to check)');
  const url = httpUrl(where('url', '--url'), urlText);
  const format = oneOf<BodyFormat>('format', settings.value<string>('format', 'form')!, FORMATS);
  const dialect = oneOf<Dialect>('dialect', settings.value<string>('dialect', 'smtpeter')!, CHECK_DIALECTS);
  const checks = checksFor(parseKinds(flags.kinds, dialect));
  const transport = transportFlags(flags);
  const extraHeaders = extraHeadersFrom(flags, settings);
  const resolved = resolveSigning(settings, dialect, true, flags.key !== undefined);
  if (!resolved.signing) throw new Error('check: signing did not resolve');
  // The baseline is what live calls carry; the documented variants are checks of their own.
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

  // --- run ---
  const info = { url: url.href, dialect, format, copernicaId: signing.copernicaId, keyId: signing.keyId };
  if (!flags.json) {
    if (resolved.notice) process.stderr.write(`${resolved.notice}\n`);
    out.write(`${checkHeader(info, c)}\n\n`);
  }
  const http = new HttpClient({
    connections: 2,
    ...transport,
  });
  try {
    const ctx = createCheckContext({
      url,
      signing,
      format,
      dialect,
      ...(Object.keys(extraHeaders).length ? { extraHeaders } : {}),
    });
    const results = await runChecks(
      checks,
      ctx,
      (req) => http.post(req.url, req.headers, req.body),
      (r) => {
        if (!flags.json) out.write(`${checkLines(r, c)}\n`);
      },
    );
    const s = score(results);
    if (flags.json) out.write(`${JSON.stringify(checkJson(info, s, results), null, 2)}\n`);
    else out.write(`\n${checkSummary(s, c)}\n`);
    return s.ok ? 0 : 1;
  } finally {
    await http.close();
  }
}
