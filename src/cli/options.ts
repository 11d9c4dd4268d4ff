import { type Command, Option } from 'commander';
import { collect, nonEmpty } from './flags.js';

/**
 * Flags several commands share, each declared once here. A command picks the
 * ones it takes and may reword a description or narrow the choices.
 */
interface OptionSpec {
  flags: string;
  description: string;
  choices?: readonly string[];
  repeatable?: boolean;
  /** An empty value is refused (it would otherwise read as not given). */
  nonEmpty?: boolean;
}

const DIALECT_CHOICES = ['smtpeter', 'smtpeter-feedback-loop', 'marketing-suite'] as const;

const SHARED_OPTIONS = {
  // --- what fire generates, and generate writes ---
  type: {
    flags: '--type <type>',
    description: 'only calls of this webhook type',
    choices: ['failure', 'bounce', 'delivery', 'open', 'click', 'abuse'],
  },
  scenario: {
    flags: '--scenario <name>',
    description: 'one scenario (see `smtpeter-sim scenarios`)',
    nonEmpty: true,
  },
  style: {
    flags: '--style <name>',
    description: 'write in this provider/MTA style, e.g. gmail, postfix, exchange',
    nonEmpty: true,
  },
  seed: { flags: '--seed <seed>', description: 'reproduce the same events byte for byte', nonEmpty: true },
  time: {
    flags: '--time <iso|now>',
    description:
      'event time of the first call: ISO 8601 such as 2026-11-23 or 2026-11-23T10:00:00+01:00 (no zone: UTC), or now',
    nonEmpty: true,
  },
  tag: { flags: '--tag <tag>', description: 'tag of the message (repeatable)', repeatable: true },
  recipient: { flags: '--recipient <address>', description: 'recipient address', nonEmpty: true },
  domain: { flags: '--domain <domain>', description: 'recipient domain', nonEmpty: true },
  audience: {
    flags: '--audience <audience>',
    description:
      'whose list the recipients are on: consumer and company domains weighted as there (default: global)',
    choices: ['global', 'nl', 'de', 'us'],
  },
  defects: {
    flags: '--defects <share>',
    description:
      'give this share of bounces a real-world defect (truncated multipart, malformed Final-Recipient, bare LF, ...): 5%, 0.05, 100%',
    nonEmpty: true,
  },
  // --- how fire, replay and check send ---
  url: { flags: '--url <url>', description: 'receiver URL for every call' },
  'failure-url': { flags: '--failure-url <url>', description: 'receiver URL for failure calls' },
  'bounce-url': { flags: '--bounce-url <url>', description: 'receiver URL for bounce calls' },
  'delivery-url': { flags: '--delivery-url <url>', description: 'receiver URL for delivery calls' },
  'open-url': { flags: '--open-url <url>', description: 'receiver URL for open calls' },
  'click-url': { flags: '--click-url <url>', description: 'receiver URL for click calls' },
  'abuse-url': { flags: '--abuse-url <url>', description: 'receiver URL for abuse calls' },
  header: {
    flags: '-H, --header <header>',
    description: "extra request header 'Name: value' (repeatable)",
    repeatable: true,
  },
  format: {
    flags: '--format <format>',
    description: 'body encoding (default: form)',
    choices: ['form', 'json'],
  },
  dialect: {
    flags: '--dialect <dialect>',
    description: 'payload shape (default: smtpeter)',
    choices: DIALECT_CHOICES,
  },
  key: { flags: '--key <file>', description: 'RSA private key (PEM) to sign with' },
  'copernica-id': {
    flags: '--copernica-id <id>',
    description: 'X-Copernica-ID value (default: environment-1234)',
    nonEmpty: true,
  },
  'key-id': {
    flags: '--key-id <id>',
    description:
      "Signature keyId (default: the key folder's current selector, smtpeter1._domainkey.copernica.com until `keys rotate`)",
    nonEmpty: true,
  },
  'no-sign': { flags: '--no-sign', description: 'send unsigned calls' },
  'signed-headers': {
    flags: '--signed-headers <set>',
    description: 'header set the signature covers (default: live)',
    choices: ['live', 'documented'],
  },
  'digest-case': {
    flags: '--digest-case <case>',
    description: 'Digest prefix sha-256= (live) or SHA-256= (documented) (default: lower)',
    choices: ['lower', 'upper'],
  },
  timeout: { flags: '--timeout <duration>', description: 'per-request timeout (default: 10s)' },
  insecure: { flags: '--insecure', description: 'accept any TLS certificate' },
  transport: {
    flags: '--transport <kind>',
    description:
      'HTTP client for http:// URLs: net (keep-alive HTTP/1.1 on node:net sockets, less CPU per request) or undici; https:// always uses undici (default: net for fire, undici for replay and check)',
    choices: ['undici', 'net'],
  },
  ca: { flags: '--ca <file>', description: 'trust this CA certificate (PEM)' },
  config: { flags: '--config <file>', description: 'config file (default: search from the current folder)' },
  retries: {
    flags: '--retries <n>',
    description:
      'retry a call this many times on refused/reset/timeout/network errors, 5xx, 429 and 408 (default: 0; with --retry-schedule: the schedule length)',
  },
  'retry-base': {
    flags: '--retry-base <duration>',
    description: 'exponential backoff: first delay before jitter (default: 500ms)',
  },
  'retry-max': {
    flags: '--retry-max <duration>',
    description:
      'longest wait before a retry, Retry-After included (default: 30s; none with --retry-schedule)',
  },
  'retry-jitter': {
    flags: '--retry-jitter <kind>',
    description: 'exponential backoff jitter, drawn from --seed (default: full)',
    choices: ['full', 'decorrelated'],
  },
  'retry-schedule': {
    flags: '--retry-schedule <schedule>',
    description:
      "a mail platform's retry ladder (1m 5m 15m 30m 1h 2h 4h 8h 16h 24h) time-compressed: real[:FACTOR] (FACTOR default: 600, 1m → 100ms), or a list such as 100ms,1s,5s",
  },
  duplicate: {
    flags: '--duplicate <p>',
    description:
      'deliver a call twice with this probability (0.05 or 5%): same body and event id, freshly signed; drawn from --seed',
  },
  reorder: {
    flags: '--reorder <n>',
    description:
      "shuffle calls within windows of n (a message's bounce and failure calls can swap); drawn from --seed",
  },
  // --- the DNS responder that publishes the signing keys ---
  'dns-port': {
    flags: '--dns-port <port>',
    description:
      'serve the signing keys as DNS TXT records on 127.0.0.1, UDP and TCP (5353 for dns; 0 = any free port)',
  },
  'dns-zone': {
    flags: '--dns-zone <file>',
    description: 'more TXT records for the DNS responder, one a line: name TXT "text"',
  },
} as const satisfies Record<string, OptionSpec>;

export type SharedOption = keyof typeof SHARED_OPTIONS;

/** What to generate: fire and generate both take these. */
export const GENERATE_OPTIONS: readonly SharedOption[] = [
  'type',
  'scenario',
  'style',
  'seed',
  'time',
  'tag',
  'recipient',
  'domain',
  'audience',
  'defects',
];

/** Where calls go: one URL for all, or one per kind (SMTPeter configures one per webhook). */
export const URL_OPTIONS: readonly SharedOption[] = [
  'url',
  'failure-url',
  'bounce-url',
  'delivery-url',
  'open-url',
  'click-url',
  'abuse-url',
];

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
    const spec: OptionSpec = SHARED_OPTIONS[name];
    const o = overrides[name];
    const option = new Option(spec.flags, o?.description ?? spec.description);
    const choices = o?.choices ?? spec.choices;
    if (choices) option.choices(choices);
    if (spec.repeatable) option.argParser(collect);
    if (spec.nonEmpty) option.argParser(nonEmpty(option.long!));
    cmd.addOption(option);
  }
  return cmd;
}
