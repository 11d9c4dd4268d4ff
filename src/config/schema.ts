import { FORMATS } from '../encode/body.js';
import { DIALECTS } from '../encode/dialect.js';
import { JITTERS } from '../run/retry-policy.js';

/** Each key's JSON Schema; its description is what the one-line error says the value must be. */
const text = { type: 'string', minLength: 1, description: 'a non-empty string' } as const;
/** Retries (fire and replay) and delivery disorder (fire): the flags' syntax, checked when used. */
const scalar = {
  anyOf: [{ type: 'string', minLength: 1 }, { type: 'number' }],
  description: 'a number or a non-empty string',
} as const;
const TAGS = 'an array of tags: strings without white space or a semicolon (SMTPeter forbids both)';
const oneOf = (values: readonly string[]) => ({ enum: values, description: `one of ${values.join(', ')}` });

const PROPERTIES = {
  url: text,
  failureUrl: text,
  bounceUrl: text,
  deliveryUrl: text,
  openUrl: text,
  clickUrl: text,
  abuseUrl: text,
  format: oneOf(FORMATS),
  dialect: oneOf(DIALECTS),
  key: text,
  publicKey: text,
  copernicaId: text,
  keyId: text,
  tags: {
    type: 'array',
    // As --tag checks them (isValidTag): a file's bad tag is named with the file, not as a flag.
    items: { type: 'string', pattern: '^[^\\s;]+$', description: TAGS },
    description: TAGS,
  },
  headers: {
    type: 'object',
    additionalProperties: { type: 'string', description: 'an object of header names to string values' },
    description: 'an object of header names to values',
  },
  seed: { ...scalar, anyOf: [{ type: 'string', pattern: '\\S' }, { type: 'number' }] },
  signedHeaders: oneOf(['live', 'documented']),
  digestCase: oneOf(['lower', 'upper']),
  retries: scalar,
  retryBase: scalar,
  retryMax: scalar,
  retryJitter: oneOf(JITTERS),
  retrySchedule: scalar,
  duplicate: scalar,
  reorder: scalar,
  delay: scalar,
} as const;

export type ConfigKey = keyof typeof PROPERTIES;

/** Keys a config file may set, in the order `smtpeter-sim config` lists them. */
export const CONFIG_KEYS = Object.keys(PROPERTIES) as ConfigKey[];

/** JSON Schema of a config file's contents (package.json's `smtpeter-sim` key, `.smtpeter-simrc`, ...). */
export const CONFIG_SCHEMA = {
  type: 'object',
  properties: PROPERTIES,
  additionalProperties: false,
} as const;
