import type { Settings } from '../config/settings.js';
import { UsageError } from '../model/errors.js';
import { seedFromString } from '../random/rng.js';
import { loadOutcomes } from '../serve/outcomes/rules.js';
import { realRetries, type ServeOptions } from '../serve/serve.js';
import { tlsFromFiles } from '../serve/smtp/certificate.js';
import { byteSize, wholeNumberIn } from './flag-values.js';
import { defectShare } from './message-flags.js';
import { type SendFlags, sendPlan, settingLabel } from './send-plan.js';

export interface ServeFlags extends SendFlags {
  host?: string;
  apiPort?: string;
  smtpPort?: string;
  token?: string;
  smtpUser?: string;
  smtpPass?: string;
  tlsCert?: string;
  tlsKey?: string;
  timeScale?: string;
  seed?: string;
  outcomes?: string;
  defects?: string;
  verifyWebhooks?: boolean;
  maxSize?: string;
  keep?: string;
  signWorkers?: string;
  dataDir?: string;
  log?: string;
}

export interface ServePlan {
  options: ServeOptions;
  /** Which key signs, when the default pair is used (a line for stderr). */
  notice?: string;
  log?: string;
}

const port = (flag: string, text: string): number =>
  wholeNumberIn(flag, text, 0, 65535, 'a port 0-65535 (0 = any free port)');

/** A flag that, when given, must say something. */
function given(flag: string, value: string | undefined): string | undefined {
  if (value !== undefined && value.trim() === '')
    throw new UsageError(`${flag}: expected a value, got an empty one`);
  return value;
}

/**
 * Flags and settings → the library's serve options, every one checked
 * (UsageError naming the flag) before anything listens. Webhook retries
 * default to the real ladder on serve's clock, unless retry flags say otherwise.
 */
export function planServe(flags: ServeFlags, settings: Settings): ServePlan {
  const send = sendPlan(flags, settings);
  const { signing, notice } = send.signingFor(send.dialect);
  const timeScale = flags.timeScale === undefined ? 600 : Number(flags.timeScale);
  if (!(timeScale > 0) || !Number.isFinite(timeScale))
    throw new UsageError(
      `--time-scale: expected a factor above 0 (600: an hour takes 6 s), got '${flags.timeScale}'`,
    );
  if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined))
    throw new UsageError(
      `${flags.tlsCert ? '--tls-key' : '--tls-cert'}: give --tls-cert and --tls-key together`,
    );
  const token = given('--token', flags.token);
  const smtpUser = given('--smtp-user', flags.smtpUser);
  const smtpPass = given('--smtp-pass', flags.smtpPass);
  const retryGiven = ['retries', 'retrySchedule', 'retryBase'].some(
    (k) => settings.value(k as 'retries') !== undefined,
  );
  // Alone, --retry-max caps the ladder's waits; --retry-jitter has no backoff of its own to shape.
  if (!retryGiven && settings.value('retryJitter') !== undefined)
    throw new UsageError(
      `${settingLabel(settings, 'retryJitter', '--retry-jitter')}: goes with exponential backoff (--retries or --retry-base), not with serve's retry ladder`,
    );
  const retry = retryGiven
    ? send.retry
    : settings.value('retryMax') !== undefined
      ? { ...realRetries(timeScale), maxMs: send.retry.maxMs }
      : undefined;
  const options: ServeOptions = {
    host: flags.host ?? '127.0.0.1',
    apiPort: port('--api-port', flags.apiPort ?? '8026'),
    smtpPort: port('--smtp-port', flags.smtpPort ?? '2525'),
    credentials: {
      ...(token ? { token } : {}),
      ...(smtpUser ? { smtpUser } : {}),
      ...(smtpPass ? { smtpPass } : {}),
    },
    ...(flags.tlsCert && flags.tlsKey ? { tls: tlsFromFiles(flags.tlsCert, flags.tlsKey) } : {}),
    timeScale,
    ...(flags.seed !== undefined ? { seed: seedFromString(flags.seed) } : {}),
    ...(flags.outcomes ? { rules: loadOutcomes(flags.outcomes) } : {}),
    ...(flags.defects !== undefined ? { defects: defectShare(flags.defects) } : {}),
    targets: send.targets,
    request: {
      format: send.format,
      dialect: send.dialect,
      extraHeaders: send.extraHeaders,
      ...(signing ? { signing } : {}),
    },
    ...(retry ? { retry } : {}),
    http: {
      timeoutMs: send.transport.timeoutMs,
      ...(send.transport.insecure ? { insecure: true } : {}),
      ...(send.transport.caFile ? { caFile: send.transport.caFile } : {}),
    },
    verifyWebhooks: flags.verifyWebhooks !== false,
    ...(flags.maxSize ? { maxSize: byteSize('--max-size', flags.maxSize) } : {}),
    ...(flags.keep
      ? { keep: wholeNumberIn('--keep', flags.keep, 1, 100_000_000, 'a number of messages, 1 or more') }
      : {}),
    ...(flags.signWorkers
      ? {
          signWorkers: wholeNumberIn(
            '--sign-workers',
            flags.signWorkers,
            0,
            64,
            'a number of threads, 0-64 (0 = sign on the event loop)',
          ),
        }
      : {}),
    ...(flags.dataDir ? { dataDir: flags.dataDir } : {}),
  };
  return { options, ...(notice ? { notice } : {}), ...(flags.log ? { log: flags.log } : {}) };
}
