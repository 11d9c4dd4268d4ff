import type { SimCall } from '../model/events.js';

/**
 * The three payload shapes Copernica has used for the same events. A dialect
 * is a mapping applied at encoding time, never a second set of generators.
 */
export const DIALECTS = ['smtpeter', 'smtpeter-feedback-loop', 'marketing-suite'] as const;
export type Dialect = (typeof DIALECTS)[number];

export interface DialectInfo {
  name: Dialect;
  label: string;
  failureFields: readonly string[];
  bounceFields: readonly string[];
  /** Fields a call may lack (the failure's code/extended/description). */
  optional: readonly string[];
  signedByDefault: boolean;
  /** X-Copernica-ID default when signed. */
  defaultCopernicaId: string;
}

export const DIALECT_INFO: Record<Dialect, DialectInfo> = {
  smtpeter: {
    name: 'smtpeter',
    label: 'SMTPeter webhooks (2017 on)',
    failureFields: [
      'id',
      'type',
      'timestamp',
      'time',
      'recipient',
      'action',
      'state',
      'code',
      'extended',
      'description',
      'tags',
    ],
    bounceFields: ['id', 'type', 'timestamp', 'time', 'recipient', 'envelope', 'mime', 'tags'],
    optional: ['code', 'extended', 'description'],
    signedByDefault: true,
    defaultCopernicaId: 'environment-1234',
  },
  'smtpeter-feedback-loop': {
    name: 'smtpeter-feedback-loop',
    label: 'SMTPeter feedback loops (before 2017)',
    failureFields: ['id', 'recipient', 'state', 'code', 'extended', 'description'],
    bounceFields: ['id', 'recipient', 'mailfrom', 'rcptto', 'mime'],
    optional: ['code', 'extended', 'description'],
    signedByDefault: false,
    defaultCopernicaId: 'environment-1234',
  },
  'marketing-suite': {
    name: 'marketing-suite',
    label: 'Copernica Marketing Suite / Publisher feedback loops',
    failureFields: ['id', 'recipient', 'state', 'code', 'extended', 'description', 'tags'],
    bounceFields: ['id', 'recipient', 'mailfrom', 'rcptto', 'mime', 'tags'],
    optional: ['code', 'extended', 'description'],
    signedByDefault: true,
    defaultCopernicaId: 'account-1234',
  },
};

export function isDialect(name: string): name is Dialect {
  return (DIALECTS as readonly string[]).includes(name);
}

/** One field of a payload: a string, the integer `time`, or the tags array. */
export type FieldValue = string | number | readonly string[];
export type Payload = Array<readonly [string, FieldValue]>;

/** The fields of a call in a dialect, in its documented order; absent optionals omitted. */
export function toPayload(call: SimCall, dialect: Dialect = 'smtpeter'): Payload {
  const event = call.event as unknown as Record<string, FieldValue | undefined>;
  const info = DIALECT_INFO[dialect];
  const names = call.event.type === 'failure' ? info.failureFields : info.bounceFields;
  const out: Payload = [];
  for (const name of names) {
    let value: FieldValue | undefined;
    if (name === 'rcptto') value = event['envelope'];
    else if (name === 'mailfrom') value = call.mailfrom ?? '';
    else value = event[name];
    if (value === undefined) continue;
    out.push([name, value]);
  }
  return out;
}
