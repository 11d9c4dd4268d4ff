import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ConfigKey, ConfigValue, LoadedConfig } from '../config/load.js';
import { Settings } from '../config/settings.js';
import { type BodyFormat, FORMATS } from '../encode/body.js';
import { DIALECTS, type Dialect } from '../encode/dialect.js';
import { UsageError } from '../model/errors.js';
import { parseDuration } from '../model/time.js';
import { type DisorderOptions, parseDelay, parseProbability } from '../run/disorder.js';
import type { Targets } from '../run/request.js';
import {
  DEFAULT_RETRY_BASE_MS,
  DEFAULT_RETRY_MAX_MS,
  JITTERS,
  type Jitter,
  parseRetrySchedule,
  type RetryPolicy,
} from '../run/retry-policy.js';
import type { HttpOptions } from '../transport/http.js';
import type { TransportKind } from '../transport/transport.js';
import { countFlag, duration, header, headerField, httpUrl, keyIdName, oneOf } from './flag-values.js';
import { type ResolvedSigning, resolveSigning } from './signing.js';

/** Where a dry run without a URL shows its requests going (Host is signed): `smtpeter-sim listen` with its defaults. */
export const DRY_RUN_URL = 'http://127.0.0.1:8025/';

/** The flags every command that sends calls (fire, replay, check) shares. */
export interface SendFlags {
  url?: string;
  failureUrl?: string;
  bounceUrl?: string;
  deliveryUrl?: string;
  openUrl?: string;
  clickUrl?: string;
  abuseUrl?: string;
  format?: string;
  dialect?: string;
  key?: string;
  copernicaId?: string;
  keyId?: string;
  /** `--no-sign` makes this false; commands without the flag leave it undefined (signed). */
  sign?: boolean;
  signedHeaders?: string;
  digestCase?: string;
  header?: string[];
  timeout?: string;
  insecure?: boolean;
  /** `--transport undici|net`. */
  transport?: string;
  ca?: string;
  config?: string;
  retries?: string;
  retryBase?: string;
  retryMax?: string;
  retryJitter?: string;
  retrySchedule?: string;
}

/** Setting values given as flags beyond the send flags (fire's --tag, --seed, ...). */
export type ExtraSettings = Partial<Record<ConfigKey, ConfigValue | undefined>>;

/** The flags merged over a loaded config file: flags win. */
export function settingsFrom(flags: SendFlags, config: LoadedConfig, extra: ExtraSettings = {}): Settings {
  return new Settings(
    {
      url: flags.url,
      failureUrl: flags.failureUrl,
      bounceUrl: flags.bounceUrl,
      deliveryUrl: flags.deliveryUrl,
      openUrl: flags.openUrl,
      clickUrl: flags.clickUrl,
      abuseUrl: flags.abuseUrl,
      format: flags.format,
      dialect: flags.dialect,
      key: flags.key,
      copernicaId: flags.copernicaId,
      keyId: flags.keyId,
      signedHeaders: flags.signedHeaders,
      digestCase: flags.digestCase,
      retries: flags.retries,
      retryBase: flags.retryBase,
      retryMax: flags.retryMax,
      retryJitter: flags.retryJitter,
      retrySchedule: flags.retrySchedule,
      ...extra,
    },
    config,
  );
}

/** Where a setting came from, for error messages: the flag, or `file: key`. */
export function settingLabel(settings: Settings, key: ConfigKey, flag: string): string {
  const source = settings.get(key)?.source;
  return source === undefined || source === 'flag' ? flag : `${source}: ${key}`;
}

/** The HTTP client's options, and which client sends http:// calls. */
export type TransportSettings = Required<Pick<HttpOptions, 'timeoutMs'>> &
  HttpOptions & { kind?: TransportKind };

/** `--timeout`, `--insecure`, `--ca`, `--transport`: checked now (a bad --ca is exit 2, nothing sent). */
export function transportFlags(flags: SendFlags): TransportSettings {
  const timeoutMs = flags.timeout ? duration('--timeout', flags.timeout) : 10_000;
  if (!(timeoutMs > 0)) throw new UsageError(`--timeout: must be more than 0, got '${flags.timeout}'`);
  if (flags.ca) caCertificate(flags.ca);
  return {
    timeoutMs,
    ...(flags.insecure ? { insecure: true } : {}),
    ...(flags.transport ? { kind: flags.transport as TransportKind } : {}),
    ...(flags.ca ? { caFile: flags.ca } : {}),
  };
}

/** `--ca FILE`: readable, and a PEM (or DER) certificate, not a key or anything else. */
function caCertificate(path: string): void {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new UsageError(
      `--ca ${path}: cannot read CA file (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  try {
    new X509Certificate(bytes);
  } catch {
    throw new UsageError(`--ca ${path}: not a certificate (expected a PEM 'BEGIN CERTIFICATE' block)`);
  }
}

/** `--header` flags, then the config's `headers`, each checked (see headerField). */
export function extraHeadersFrom(flags: SendFlags, settings: Settings): Record<string, string> {
  const extraHeaders = Object.fromEntries((flags.header ?? []).map((h) => header('--header', h)));
  const configured = settings.value<Record<string, string>>('headers') ?? {};
  const label = settingLabel(settings, 'headers', '--header');
  for (const [name, value] of Object.entries(configured)) {
    const [n, v] = headerField(label, name, value);
    extraHeaders[n] = v;
  }
  return extraHeaders;
}

/** Everything fire and replay need to encode, sign and send, from flags and config. */
export interface SendPlan {
  settings: Settings;
  format: BodyFormat;
  dialect: Dialect;
  extraHeaders: Record<string, string>;
  /** `--url` and the per-kind `--failure-url`, `--bounce-url`, ... (or config); may be empty. */
  targets: Targets;
  transport: TransportSettings;
  retry: RetryPolicy;
  /** Signing for one dialect, resolved once per dialect (a bad key is a UsageError). */
  signingFor(dialect: Dialect): ResolvedSigning;
}

/**
 * Flags and config → settings, encoding, targets, transport and signing, each
 * checked (UsageError naming the flag or the config file) before anything is sent.
 */
export function sendPlan(flags: SendFlags, settings: Settings): SendPlan {
  const format = oneOf<BodyFormat>('format', settings.value<string>('format', 'form')!, FORMATS);
  const dialect = oneOf<Dialect>('dialect', settings.value<string>('dialect', 'smtpeter')!, DIALECTS);
  if (flags.signedHeaders) oneOf('--signed-headers', flags.signedHeaders, ['live', 'documented']);
  if (flags.digestCase) oneOf('--digest-case', flags.digestCase, ['lower', 'upper']);
  const transport = transportFlags(flags);
  const retry = retryPolicyFrom(settings);
  const extraHeaders = extraHeadersFrom(flags, settings);
  const targets: Targets = {};
  for (const [key, flag] of [
    ['url', '--url'],
    ['failureUrl', '--failure-url'],
    ['bounceUrl', '--bounce-url'],
    ['deliveryUrl', '--delivery-url'],
    ['openUrl', '--open-url'],
    ['clickUrl', '--click-url'],
    ['abuseUrl', '--abuse-url'],
  ] as const) {
    const s = settings.get<string>(key);
    if (s) targets[key] = httpUrl(settingLabel(settings, key, flag), s.value);
  }
  checkKeyId(settings);
  const signings = new Map<Dialect, ResolvedSigning>();
  const signingFor = (d: Dialect): ResolvedSigning => {
    let s = signings.get(d);
    if (!s) {
      s = resolveSigning(settings, d, flags.sign !== false, flags.key !== undefined);
      signings.set(d, s);
    }
    return s;
  };
  return { settings, format, dialect, extraHeaders, targets, transport, retry, signingFor };
}

/** `--key-id` or config `keyId`, checked now (signing reads it later, per dialect). */
export function checkKeyId(settings: Settings): void {
  parsed(settings, 'keyId', '--key-id', keyIdName);
}

/** A setting's text parsed by `parse`, which throws a UsageError naming `label`. */
function parsed<T>(
  settings: Settings,
  key: ConfigKey,
  flag: string,
  parse: (label: string, text: string) => T,
): T | undefined {
  const text = settings.value<string>(key);
  return text === undefined ? undefined : parse(settingLabel(settings, key, flag), text);
}

/**
 * --retries, --retry-base, --retry-max, --retry-jitter, --retry-schedule (or
 * their config keys). Exponential backoff with full jitter from 500ms, at
 * most 30s a wait, unless a schedule is given: then its steps, as many retries
 * as it has unless --retries caps them.
 */
function retryPolicyFrom(settings: Settings): RetryPolicy {
  const positive = (label: string, text: string): number => {
    const ms = duration(label, text);
    if (!(ms > 0)) throw new UsageError(`${label}: must be more than 0, got '${text}'`);
    return ms;
  };
  const retries = parsed(settings, 'retries', '--retries', countFlag);
  const baseMs = parsed(settings, 'retryBase', '--retry-base', positive);
  const maxMs = parsed(settings, 'retryMax', '--retry-max', positive);
  const jitter = parsed(settings, 'retryJitter', '--retry-jitter', (label, text) =>
    oneOf<Jitter>(label, text, JITTERS),
  );
  const schedule = parsed(settings, 'retrySchedule', '--retry-schedule', (label, text) => {
    const s = parseRetrySchedule(text, parseDuration);
    if (typeof s === 'string') throw new UsageError(`${label}: ${s}`);
    return s;
  });
  if (schedule) {
    if (baseMs !== undefined || jitter !== undefined)
      throw new UsageError(
        `${settingLabel(settings, baseMs !== undefined ? 'retryBase' : 'retryJitter', baseMs !== undefined ? '--retry-base' : '--retry-jitter')}: goes with exponential backoff, not with --retry-schedule`,
      );
    return {
      retries: Math.min(retries ?? schedule.delaysMs.length, schedule.delaysMs.length),
      backoff: schedule,
      maxMs: maxMs ?? Number.POSITIVE_INFINITY,
    };
  }
  if (maxMs !== undefined && baseMs !== undefined && maxMs < baseMs)
    throw new UsageError(`--retry-max: is below --retry-base (${maxMs}ms < ${baseMs}ms)`);
  return {
    retries: retries ?? 0,
    backoff: {
      kind: 'exponential',
      baseMs: baseMs ?? DEFAULT_RETRY_BASE_MS,
      jitter: jitter ?? 'full',
    },
    maxMs: maxMs ?? DEFAULT_RETRY_MAX_MS,
  };
}

/** --duplicate, --reorder and (fire's, with `withDelay`) --delay, or their config keys. */
export function disorderFrom(settings: Settings, withDelay: boolean): DisorderOptions {
  const out: DisorderOptions = {};
  const duplicate = settings.value<string>('duplicate');
  if (duplicate !== undefined) {
    const p = parseProbability(duplicate);
    if (typeof p === 'string')
      throw new UsageError(`${settingLabel(settings, 'duplicate', '--duplicate')}: ${p}`);
    if (p > 0) out.duplicate = p;
  }
  const reorder = settings.value<string>('reorder');
  if (reorder !== undefined) {
    const n = countFlag(settingLabel(settings, 'reorder', '--reorder'), reorder);
    if (n > 1) out.reorder = n;
  }
  const delay = withDelay ? settings.value<string>('delay') : undefined;
  if (delay !== undefined) {
    const d = parseDelay(delay, parseDuration);
    if (typeof d === 'string') throw new UsageError(`${settingLabel(settings, 'delay', '--delay')}: ${d}`);
    out.delay = d;
  }
  return out;
}
