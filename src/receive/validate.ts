import { isIP } from 'node:net';
import { DIALECTS, type Dialect, dialectFields, isOptionalField } from '../encode/dialect.js';
import { CALL_TYPES, type CallType, isCallType, SMTP_STATES } from '../model/events.js';
import { formatTimestamp } from '../model/time.js';
import type { Fields } from './parse.js';
import type { SignatureCheck } from './types.js';

export interface Validation {
  dialect?: Dialect;
  kind?: CallType;
  problems: string[];
}

/**
 * What makes a call untrusted whatever its fields: a signature that failed,
 * or none where a key was given to verify against (the check then says
 * 'unsigned'; without a key it says 'not-checked').
 */
export function signatureProblem(signature: SignatureCheck): string | undefined {
  if (signature.result === 'failed') return `signature: ${signature.problem}`;
  if (signature.result === 'unsigned') return 'signature: no Signature header';
  return undefined;
}

const FEEDBACK_ONLY = ['mailfrom', 'rcptto'];
const WEBHOOK_ONLY = [
  'type',
  'timestamp',
  'time',
  'action',
  'envelope',
  'ip',
  'useragent',
  'referer',
  'original',
  'url',
  'emailfrom',
];

/** Every field a call of some dialect and kind has. */
const KNOWN_FIELDS = new Set(DIALECTS.flatMap((d) => CALL_TYPES.flatMap((k) => dialectFields(d, k))));

/** Which dialect a call's fields say it is in; undefined when they mix. */
export function detectDialect(fields: Fields): Dialect | 'mixed' {
  const has = (n: string): boolean => n in fields;
  const webhook = WEBHOOK_ONLY.some(has);
  const feedback = FEEDBACK_ONLY.some(has);
  if (webhook && feedback) return 'mixed';
  if (webhook) return 'smtpeter';
  return has('tags') ? 'marketing-suite' : 'smtpeter-feedback-loop';
}

/**
 * The kind of call: its `type`, else what its fields give away (a receiver
 * of a dialect without `type` tells kinds by URL; listen has one URL).
 */
function detectKind(fields: Fields): CallType | undefined {
  const type = fields['type'];
  if (typeof type === 'string' && isCallType(type)) return type;
  if ('emailfrom' in fields) return 'abuse';
  if ('original' in fields || 'url' in fields) return 'click';
  if ('ip' in fields) return 'open';
  if ('mime' in fields) return 'bounce';
  if ('state' in fields) return 'failure';
  if ('code' in fields) return 'delivery';
  return undefined;
}

/** Check a received call against the model of its (detected or insisted) dialect. */
export function validateCall(fields: Fields, insist?: Dialect): Validation {
  const problems: string[] = [];
  const detected = detectDialect(fields);
  if (detected === 'mixed') {
    const w = WEBHOOK_ONLY.filter((n) => n in fields);
    const f = FEEDBACK_ONLY.filter((n) => n in fields);
    problems.push(
      `mixes dialects: webhook field(s) ${w.join(', ')} beside feedback-loop field(s) ${f.join(', ')}`,
    );
  }
  const dialect = insist ?? (detected === 'mixed' ? undefined : detected);
  if (insist && detected !== 'mixed' && detected !== insist)
    problems.push(`fields are those of ${detected}, expected ${insist}`);
  const kind = detectKind(fields);
  if (!kind) {
    const names = Object.keys(fields);
    // Not a call of any dialect (a form body `garbage`): no dialect to name, unless insisted on.
    if (!names.some((n) => KNOWN_FIELDS.has(n))) {
      problems.push(
        `not an SMTPeter call: no field of any dialect${names.length ? ` (got ${names.map((n) => `'${n}'`).join(', ')})` : ''}`,
      );
      return { ...(insist ? { dialect: insist } : {}), problems };
    }
    problems.push('cannot tell the kind of call (no type, state, mime, code, ip, original or emailfrom)');
    return { ...(dialect ? { dialect } : {}), problems };
  }
  if (dialect) {
    const allowed = dialectFields(dialect, kind);
    for (const name of allowed) {
      if (!(name in fields) && !isOptionalField(dialect, kind, name) && name !== 'tags')
        problems.push(`missing field '${name}'`);
    }
    for (const name of Object.keys(fields)) {
      if (!allowed.includes(name)) problems.push(`unexpected field '${name}' for a ${dialect} ${kind} call`);
    }
  }
  checkValues(fields, problems);
  checkKindValues(kind, fields, problems);
  return { ...(dialect ? { dialect } : {}), kind, problems };
}

function checkValues(f: Fields, problems: string[]): void {
  const str = (n: string): string | undefined => (typeof f[n] === 'string' ? (f[n] as string) : undefined);
  if ('type' in f && !isCallType(String(f['type'])))
    problems.push(`type '${String(f['type'])}' is not one of ${CALL_TYPES.join(', ')}`);
  if ('time' in f) {
    const time = Number(f['time']);
    if (!Number.isInteger(time)) problems.push(`time '${String(f['time'])}' is not an integer`);
    else if ('timestamp' in f && f['timestamp'] !== formatTimestamp(time)) {
      problems.push(
        `timestamp '${String(f['timestamp'])}' is not time ${time} (${formatTimestamp(time)} UTC)`,
      );
    }
  }
  if ('timestamp' in f && !/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(String(f['timestamp']))) {
    problems.push(`timestamp '${String(f['timestamp'])}' is not YYYY-MM-DD HH:MM:SS`);
  }
  if ('action' in f && f['action'] !== 'failure' && f['action'] !== 'failed')
    problems.push(`action '${String(f['action'])}' is not failure or failed`);
  const state = str('state');
  if ('state' in f && !(SMTP_STATES as readonly string[]).includes(state ?? ''))
    problems.push(`state '${String(f['state'])}' is not an SMTP state`);
  if (str('code') !== undefined && !/^[245]\d\d$/.test(str('code')!))
    problems.push(`code '${str('code')}' is not an SMTP reply code`);
  if (str('extended') !== undefined && !/^[245]\.\d{1,3}\.\d{1,3}$/.test(str('extended')!)) {
    problems.push(`extended '${str('extended')}' is not an RFC 3463 status`);
  }
  // A DSN's code and Status are separate fields, and real expired DSNs mix
  // classes (550 4.4.7 QUEUE.Expired): only a sync reply must agree.
  if (str('code') && str('extended') && state !== 'bounce' && str('code')![0] !== str('extended')![0]) {
    problems.push(`code ${str('code')} and extended ${str('extended')} disagree on the class`);
  }
  if ('tags' in f) {
    const tags = f['tags'];
    if (!Array.isArray(tags)) problems.push('tags is not an array (send tags[]=...)');
    else
      for (const t of tags)
        if (/[\s;]/.test(t)) problems.push(`tag '${t}' contains white space or a semicolon`);
  }
  for (const name of ['recipient', 'envelope', 'rcptto']) {
    const v = str(name);
    if (name in f && (!v || !/^[^@\s]+@[^@\s]+$/.test(v)))
      problems.push(`${name} '${String(f[name])}' is not an e-mail address`);
  }
  // Bare LF line ends are a defect real bounces have (the page names it), not a malformed call.
  const mime = str('mime');
  if ('mime' in f && !/\r?\n\r?\n/.test(mime ?? ''))
    problems.push('mime is not a message (no header/body separator)');
}

/** The values only the later kinds have. */
function checkKindValues(kind: CallType, f: Fields, problems: string[]): void {
  const str = (n: string): string | undefined => (typeof f[n] === 'string' ? (f[n] as string) : undefined);
  if (kind === 'delivery' && str('code') && !str('code')!.startsWith('2'))
    problems.push(`code '${str('code')}' is not a 2xx reply (a delivery is an accepted message)`);
  if (kind === 'failure' && str('code') && !/^[45]/.test(str('code')!))
    problems.push(
      `code '${str('code')}' is not a 4xx or 5xx reply (a failure is a refused or delayed message)`,
    );
  if ('ip' in f && !isIP(str('ip') ?? ''))
    problems.push(`ip '${String(f['ip'])}' is not an IPv4 or IPv6 address`);
  for (const name of ['original', 'url', 'referer']) {
    if (!(name in f) || (name === 'referer' && str(name) === '')) continue;
    if (!/^https?:\/\/[^\s/]+/.test(str(name) ?? ''))
      problems.push(`${name} '${String(f[name])}' is not an http(s) URL`);
  }
  if ('emailfrom' in f && !/^[^@\s]+@[^@\s]+$/.test(str('emailfrom') ?? ''))
    problems.push(`emailfrom '${String(f['emailfrom'])}' is not an e-mail address`);
}
