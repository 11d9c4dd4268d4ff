import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createCheckContext } from '../check/build.js';
import { CHECKS } from '../check/checks.js';
import { runChecks, score } from '../check/run.js';
import { loadConfig } from '../config/load.js';
import { Settings } from '../config/settings.js';
import { type BodyFormat, FORMATS } from '../encode/body.js';
import type { Dialect } from '../encode/dialect.js';
import { UsageError } from '../model/errors.js';
import { checkHeader, checkJson, checkLines, checkSummary } from '../report/check-report.js';
import { colourFor } from '../report/colour.js';
import { loadPublicKey } from '../sign/keys.js';
import { LIVE_SIGNED_HEADERS } from '../sign/signer.js';
import { HttpClient } from '../transport/http.js';
import { duration, header, httpUrl, oneOf } from './flags.js';
import { resolveSigning } from './signing.js';

export interface CheckFlags {
  url?: string;
  key?: string;
  publicKey?: string;
  copernicaId?: string;
  keyId?: string;
  dialect?: string;
  format?: string;
  header?: string[];
  timeout?: string;
  insecure?: boolean;
  ca?: string;
  json?: boolean;
  config?: string;
}

/** Signed dialects only: the feedback-loop one predates signing, so there is nothing to forge. */
export const CHECK_DIALECTS = ['smtpeter', 'marketing-suite'] as const;

/** Exit code: 0 every required check passed, 1 otherwise. UsageErrors propagate (exit 2). */
export async function checkCommand(flags: CheckFlags): Promise<number> {
  const out = process.stdout;
  const c = colourFor(out);
  const config = await loadConfig(process.cwd(), flags.config);
  const settings = new Settings(
    {
      url: flags.url,
      format: flags.format,
      dialect: flags.dialect,
      key: flags.key,
      publicKey: flags.publicKey,
      copernicaId: flags.copernicaId,
      keyId: flags.keyId,
    },
    config,
  );
  const where = (key: 'url' | 'publicKey', flag: string): string => {
    const source = settings.get(key)?.source;
    return source === 'flag' ? flag : `${source}: ${key}`;
  };

  // --- check every input before anything is sent ---
  const urlText = settings.value<string>('url');
  if (!urlText) throw new UsageError('--url: required (the receiver to check)');
  const url = httpUrl(where('url', '--url'), urlText);
  const format = oneOf<BodyFormat>('format', settings.value<string>('format', 'form')!, FORMATS);
  const dialect = oneOf<Dialect>('dialect', settings.value<string>('dialect', 'smtpeter')!, CHECK_DIALECTS);
  const timeoutMs = flags.timeout ? duration('--timeout', flags.timeout) : 10_000;
  if (timeoutMs <= 0) throw new UsageError(`--timeout: must be more than 0, got '${flags.timeout}'`);
  if (flags.ca) {
    try {
      readFileSync(flags.ca);
    } catch (err) {
      throw new UsageError(
        `--ca ${flags.ca}: cannot read CA file (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }
  const extraHeaders = Object.fromEntries((flags.header ?? []).map((h) => header('--header', h)));
  Object.assign(extraHeaders, settings.value<Record<string, string>>('headers') ?? {});
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
    timeoutMs,
    ...(flags.insecure ? { insecure: true } : {}),
    ...(flags.ca ? { caFile: flags.ca } : {}),
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
      CHECKS,
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
