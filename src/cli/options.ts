import { type Command, Option } from 'commander';
import { collect } from './flags.js';

/**
 * Flags several commands share, each declared once here. A command picks the
 * ones it takes and may reword a description or narrow the choices.
 */
interface OptionSpec {
  flags: string;
  description: string;
  choices?: readonly string[];
  default?: string;
  repeatable?: boolean;
}

const DIALECT_CHOICES = ['smtpeter', 'smtpeter-feedback-loop', 'marketing-suite'] as const;

const SEND_OPTIONS = {
  url: { flags: '--url <url>', description: 'receiver URL for every call' },
  'failure-url': { flags: '--failure-url <url>', description: 'receiver URL for failure calls' },
  'bounce-url': { flags: '--bounce-url <url>', description: 'receiver URL for bounce calls' },
  header: {
    flags: '-H, --header <header>',
    description: "extra request header 'Name: value' (repeatable)",
    repeatable: true,
  },
  format: {
    flags: '--format <format>',
    description: 'body encoding (default form)',
    choices: ['form', 'json'],
  },
  dialect: {
    flags: '--dialect <dialect>',
    description: 'payload shape (default smtpeter)',
    choices: DIALECT_CHOICES,
  },
  key: { flags: '--key <file>', description: 'RSA private key (PEM) to sign with' },
  'copernica-id': {
    flags: '--copernica-id <id>',
    description: 'X-Copernica-ID value (default environment-1234)',
  },
  'key-id': {
    flags: '--key-id <id>',
    description: 'Signature keyId (default smtpeter-sim._domainkey.copernica.com)',
  },
  'no-sign': { flags: '--no-sign', description: 'send unsigned calls' },
  'signed-headers': {
    flags: '--signed-headers <list>',
    description: 'header set the signature covers',
    choices: ['live', 'documented'],
  },
  'digest-case': {
    flags: '--digest-case <case>',
    description: 'sha-256= (live) or SHA-256= (documented)',
    choices: ['lower', 'upper'],
  },
  timeout: { flags: '--timeout <duration>', description: 'per-request timeout, e.g. 5s', default: '10s' },
  insecure: { flags: '--insecure', description: 'accept any TLS certificate' },
  ca: { flags: '--ca <file>', description: 'trust this CA certificate (PEM)' },
  config: { flags: '--config <file>', description: 'config file (default: search from the current folder)' },
  retries: {
    flags: '--retries <n>',
    description:
      'retry a call this many times on refused/reset/timeout/network errors, 5xx, 429 and 408 (default 0; with --retry-schedule: the schedule length)',
  },
  'retry-base': {
    flags: '--retry-base <duration>',
    description: 'exponential backoff: first delay before jitter (default 500ms)',
  },
  'retry-max': {
    flags: '--retry-max <duration>',
    description:
      'longest wait before a retry, Retry-After included (default 30s; none with --retry-schedule)',
  },
  'retry-jitter': {
    flags: '--retry-jitter <kind>',
    description: 'backoff jitter, seeded by --seed (default full)',
    choices: ['full', 'decorrelated'],
  },
  'retry-schedule': {
    flags: '--retry-schedule <schedule>',
    description:
      "a mail platform's retry ladder (1m 5m 15m 30m 1h 2h 4h 8h 16h 24h) time-compressed: real[:FACTOR] (default 600: 1m → 100ms), or a list such as 100ms,1s,5s",
  },
  duplicate: {
    flags: '--duplicate <p>',
    description:
      'deliver a call twice with this probability (0.05 or 5%): same body and event id, freshly signed; seeded',
  },
  reorder: {
    flags: '--reorder <n>',
    description: "shuffle calls within windows of n (a message's bounce and failure calls can swap); seeded",
  },
} as const satisfies Record<string, OptionSpec>;

export type SharedOption = keyof typeof SEND_OPTIONS;

/** The retry flags fire and replay both take. */
export const RETRY_OPTIONS: readonly SharedOption[] = [
  'retries',
  'retry-base',
  'retry-max',
  'retry-jitter',
  'retry-schedule',
];

/** SMTPeter's redeliveries and out-of-order deliveries, which fire and replay both imitate. */
export const DISORDER_OPTIONS: readonly SharedOption[] = ['duplicate', 'reorder'];

/** Add shared options to `cmd`, in the order given, each reworded by `overrides` where asked. */
export function addSharedOptions(
  cmd: Command,
  names: readonly SharedOption[],
  overrides: Partial<Record<SharedOption, { description?: string; choices?: readonly string[] }>> = {},
): Command {
  for (const name of names) {
    const spec: OptionSpec = SEND_OPTIONS[name];
    const o = overrides[name];
    const option = new Option(spec.flags, o?.description ?? spec.description);
    const choices = o?.choices ?? spec.choices;
    if (choices) option.choices(choices);
    if (spec.default !== undefined) option.default(spec.default);
    if (spec.repeatable) option.argParser(collect);
    cmd.addOption(option);
  }
  return cmd;
}
