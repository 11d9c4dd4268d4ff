import addressparser from 'nodemailer/lib/addressparser';
import type { DsnRequest } from '../../mail/message.js';
import { isValidTag } from '../../mail/message.js';
import { ApiError } from '../errors.js';
import type { ComposeFields } from '../message/compose.js';
import { DEFAULT_OPTIONS, isAddress } from '../options.js';
import { unknownFate } from '../outcomes/fate.js';
import type { PersonalData } from '../templates/personalise.js';
import type { SendOptions } from '../types.js';

/** A template by id or name, or given whole (a template JSON, as POST /v1/template takes it). */
export type TemplateRef = string | Record<string, unknown>;

export interface SendRequest {
  recipients: string[];
  /** Absent: the From address. '' is the null sender. */
  envelope?: string;
  content:
    | { mime: string }
    | { compose: ComposeFields }
    /** `overrides`: content fields the send gives over the template's. */
    | { template: TemplateRef; overrides: Record<string, unknown> };
  /** Personalisation: `data` for everyone, each recipient's own (recipients as an object) over it. Absent: none. */
  personal?: { common: PersonalData; own: Record<string, PersonalData> };
  /** REST options; `x-smtpeter-*` headers in the message override them. */
  options: SendOptions;
}

/** The fields that make a message's content: a send's, and a template's. */
export const CONTENT_FIELDS = [
  'from',
  'to',
  'cc',
  'replyto',
  'subject',
  'text',
  'html',
  'unsubscribe',
  'extra',
  'attachments',
] as const;

const FIELDS = new Set([
  'recipient',
  'recipients',
  'envelope',
  'mime',
  ...CONTENT_FIELDS,
  'template',
  'data',
  'patch',
  'inlinecss',
  'trackclicks',
  'trackopens',
  'trackbounces',
  'preventscam',
  'images',
  'tags',
  'maxdelivertime',
  'dsn',
]);

const bad = (text: string): ApiError => new ApiError(400, text);
/** A value given, quoted for the one-line answer: in JSON's escapes when it holds a line break or other control. */
const quoted = (text: string): string => (/[\x00-\x1f\x7f]/.test(text) ? JSON.stringify(text) : `'${text}'`);

function str(body: Record<string, unknown>, name: string): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw bad(`${name}: expected a string`);
  return v;
}

/** true/false as JSON, or "true"/"false"/"1"/"0" as form fields send them. */
function flag(body: Record<string, unknown>, name: string, fallback: boolean): boolean {
  const v = body[name];
  if (v === undefined || v === null) return fallback;
  if (v === true || v === 'true' || v === '1' || v === 1) return true;
  if (v === false || v === 'false' || v === '0' || v === 0) return false;
  throw bad(`${name}: expected true or false, got ${JSON.stringify(v)}`);
}

/** A list as JSON gives it, or a comma-separated string. */
function list(v: unknown, name: string): string[] {
  if (typeof v === 'string')
    return v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  throw bad(`${name}: expected a list of strings`);
}

function recipientsOf(body: Record<string, unknown>): string[] {
  const out: string[] = [];
  const one = body['recipient'];
  if (one !== undefined) {
    if (typeof one !== 'string') throw bad('recipient: expected one address');
    out.push(one.trim());
  }
  const many = body['recipients'];
  if (many !== undefined) {
    // A list, or an object address → personalisation data.
    const addrs =
      typeof many === 'object' && many !== null && !Array.isArray(many)
        ? Object.keys(many)
        : list(many, 'recipients');
    out.push(...addrs.map((a) => a.trim()));
  }
  if (!out.length) throw bad('missing recipient: give "recipient" or "recipients"');
  for (const [i, a] of out.entries()) {
    const field = i === 0 && one !== undefined ? 'recipient' : 'recipients';
    if (!isAddress(a)) throw bad(`${field}: ${quoted(a)} is not an e-mail address`);
    const unknown = unknownFate(a);
    if (unknown) throw bad(`${field}: ${unknown}`);
  }
  return [...new Set(out)];
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `data`, and `recipients` as an object address → data; undefined when the send gives neither. */
function personalOf(body: Record<string, unknown>): SendRequest['personal'] {
  const data = body['data'];
  if (data !== undefined && !isObject(data))
    throw bad(`data: expected an object of personalisation data, got ${JSON.stringify(data)}`);
  const many = body['recipients'];
  const own: Record<string, PersonalData> = {};
  if (isObject(many))
    for (const [address, v] of Object.entries(many)) {
      if (v === null || v === true) continue; // an address with no data of its own
      if (!isObject(v))
        throw bad(
          `recipients.${address}: expected an object of personalisation data, got ${JSON.stringify(v)}`,
        );
      own[address.trim()] = v;
    }
  if (data === undefined && !Object.keys(own).length) return undefined;
  return { common: data ?? {}, own };
}

function templateOf(v: unknown): TemplateRef {
  if (typeof v === 'number' && Number.isInteger(v)) return String(v);
  if ((typeof v === 'string' && v.trim() !== '') || isObject(v)) return v;
  throw bad(`template: expected a template id, a name or a template object, got ${JSON.stringify(v)}`);
}

export function dsnOf(v: unknown): DsnRequest | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v))
    throw bad('dsn: expected an object {notify, ret, envid, orcpt}');
  const d = v as Record<string, unknown>;
  for (const k of Object.keys(d))
    if (!['notify', 'ret', 'envid', 'orcpt'].includes(k))
      throw bad(`dsn.${k}: unknown field (notify, ret, envid, orcpt)`);
  const out: DsnRequest = {};
  if (d['notify'] !== undefined) {
    const notify = list(d['notify'], 'dsn.notify').map((s) => s.toUpperCase());
    for (const n of notify)
      if (!['NEVER', 'SUCCESS', 'FAILURE', 'DELAY'].includes(n))
        throw bad(`dsn.notify: '${n}' is not NEVER, SUCCESS, FAILURE or DELAY`);
    if (notify.includes('NEVER') && notify.length > 1) throw bad('dsn.notify: NEVER goes alone');
    out.notify = notify;
  }
  if (d['ret'] !== undefined) {
    const ret = String(d['ret']).toUpperCase();
    if (ret !== 'FULL' && ret !== 'HDRS') throw bad(`dsn.ret: expected FULL or HDRS, got '${d['ret']}'`);
    out.ret = ret;
  }
  if (d['envid'] !== undefined) {
    const envid = String(d['envid']);
    if (!/^[!-~]{1,100}$/.test(envid)) throw bad('dsn.envid: 1 to 100 printable ASCII characters, no spaces');
    out.envid = envid;
  }
  if (d['orcpt'] !== undefined) {
    const orcpt = String(d['orcpt']);
    const addr = orcpt.replace(/^rfc822;\s*/i, '');
    if (!isAddress(addr)) throw bad(`dsn.orcpt: '${orcpt}' is not an address (rfc822;user@example.com)`);
    out.orcpt = `rfc822;${addr}`;
  }
  return out;
}

/** Tags: a JSON list (or comma-separated), each without white space or semicolons. */
export function tagsOf(v: unknown, name = 'tags'): string[] {
  if (v === undefined || v === null) return [];
  const tags = list(v, name);
  for (const t of tags) if (!isValidTag(t)) throw bad(`${name}: '${t}' contains white space or a semicolon`);
  return tags;
}

/** `YYYY-MM-DD hh:mm:ss` naming a real moment (no 13th month, no 31 April). */
function isRealTime(t: string): boolean {
  const ms = Date.parse(`${t.replace(' ', 'T')}Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 19) === t.replace(' ', 'T');
}

function optionsOf(body: Record<string, unknown>): SendOptions {
  const images = str(body, 'images');
  if (images !== undefined && images !== 'hosted' && images !== 'default')
    throw bad(`images: expected hosted or default, got '${images}'`);
  const maxdelivertime = str(body, 'maxdelivertime');
  if (maxdelivertime !== undefined && !/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(maxdelivertime))
    throw bad(`maxdelivertime: expected YYYY-MM-DD hh:mm:ss (UTC), got '${maxdelivertime}'`);
  if (maxdelivertime !== undefined && !isRealTime(maxdelivertime))
    throw bad(`maxdelivertime: '${maxdelivertime}' is not a time that exists`);
  const dsn = dsnOf(body['dsn']);
  return {
    trackclicks: flag(body, 'trackclicks', DEFAULT_OPTIONS.trackclicks),
    trackopens: flag(body, 'trackopens', DEFAULT_OPTIONS.trackopens),
    trackbounces: flag(body, 'trackbounces', DEFAULT_OPTIONS.trackbounces),
    preventscam: flag(body, 'preventscam', false),
    inlinecss: flag(body, 'inlinecss', false),
    ...(images ? { images } : {}),
    tags: tagsOf(body['tags']),
    ...(maxdelivertime ? { maxdelivertime } : {}),
    ...(dsn ? { dsn } : {}),
  };
}

/** Content fields, checked; a message needs From and a text or HTML part. */
export function composeOf(body: Record<string, unknown>): ComposeFields {
  const from = str(body, 'from');
  if (!from) throw bad('missing content: give "mime", or "from" with "subject" and "text" or "html"');
  // One mailbox, as the API documents: a From of several needs a Sender (RFC 5322 3.6.2), which no field gives.
  const senders = addressparser(from, { flatten: true }).length;
  if (senders > 1) throw bad(`from: expected one address, got ${senders} in ${quoted(from)}`);
  const out: ComposeFields = { from };
  for (const k of ['to', 'cc', 'replyto'] as const) {
    const v = body[k];
    if (v === undefined || v === null) continue;
    out[k] = list(v, k).join(', ');
    // nodemailer leaves an entry without an address out of the header: refused, not dropped unseen.
    const nameless = addressparser(out[k], { flatten: true }).find((a) => !a.address.includes('@'));
    if (nameless) throw bad(`${k}: ${quoted(nameless.name || nameless.address)} is not an e-mail address`);
  }
  for (const k of ['subject', 'text', 'html'] as const) {
    const v = str(body, k);
    if (v !== undefined) out[k] = v;
  }
  if (out.text === undefined && out.html === undefined)
    throw bad('missing content: give "text" or "html" (or "mime")');
  const unsub = body['unsubscribe'];
  if (unsub !== undefined) {
    if (typeof unsub !== 'object' || unsub === null)
      throw bad('unsubscribe: expected {email, url, oneclick}');
    const u = unsub as Record<string, unknown>;
    out.unsubscribe = {
      ...(typeof u['email'] === 'string' ? { email: u['email'] } : {}),
      ...(typeof u['url'] === 'string' ? { url: u['url'] } : {}),
      oneclick: flag(u, 'oneclick', false),
    };
  }
  const extra = body['extra'];
  if (extra !== undefined) {
    if (typeof extra !== 'object' || extra === null || Array.isArray(extra))
      throw bad('extra: expected {"x-name": "value"}');
    for (const [k, v] of Object.entries(extra)) {
      if (!/^x-[!-9;-~]+$/i.test(k)) throw bad(`extra: '${k}' is not an x- header name`);
      if (typeof v !== 'string' || /[\r\n]/.test(v)) throw bad(`extra.${k}: expected a one-line string`);
    }
    out.extra = extra as Record<string, string>;
  }
  const atts = body['attachments'];
  if (atts !== undefined) {
    if (!Array.isArray(atts)) throw bad('attachments: expected a list of {name, type, data | url}');
    out.attachments = atts.map((a, i) => attachmentOf(a, i));
  }
  return out;
}

function attachmentOf(a: unknown, i: number): { name: string; type?: string; data?: string; url?: string } {
  const where = `attachments[${i}]`;
  if (typeof a !== 'object' || a === null) throw bad(`${where}: expected {name, type, data | url}`);
  const { name, type, data, url } = a as Record<string, unknown>;
  if (typeof name !== 'string' || !name) throw bad(`${where}.name: missing`);
  if ((data === undefined) === (url === undefined)) throw bad(`${where}: give "data" (base64) or "url"`);
  if (data !== undefined && (typeof data !== 'string' || !/^[A-Za-z0-9+/=\s]*$/.test(data)))
    throw bad(`${where}.data: not base64`);
  if (url !== undefined && typeof url !== 'string') throw bad(`${where}.url: expected a URL`);
  return {
    name,
    ...(typeof type === 'string' ? { type } : {}),
    ...(data !== undefined ? { data: data as string } : {}),
    ...(url !== undefined ? { url: url as string } : {}),
  };
}

/** A POST /v1/send body, checked field by field; unknown fields are refused (a typo must not pass). */
export function parseSendRequest(body: Record<string, unknown>): SendRequest {
  for (const k of Object.keys(body)) if (!FIELDS.has(k)) throw bad(`unknown field '${k}'`);
  if (body['patch'] !== undefined) throw bad('patch: template patches are not modelled by serve');
  const recipients = recipientsOf(body);
  const personal = personalOf(body);
  const envelope = str(body, 'envelope');
  if (envelope !== undefined && envelope !== '' && !isAddress(envelope))
    throw bad(`envelope: ${quoted(envelope)} is not an e-mail address`);
  const mime = str(body, 'mime');
  const options = optionsOf(body);
  if (mime !== undefined) {
    for (const k of ['from', 'to', 'cc', 'replyto', 'subject', 'text', 'html', 'attachments'])
      if (body[k] !== undefined) throw bad(`${k}: give either "mime" or the fields to build one, not both`);
    if (mime.trim() === '') throw bad('mime: empty message');
    if (body['template'] !== undefined) throw bad('template: give either "mime" or a template, not both');
    if (body['data'] !== undefined)
      throw bad('data: personalisation needs a template or content fields, not "mime"');
    return { recipients, ...(envelope !== undefined ? { envelope } : {}), content: { mime }, options };
  }
  const rest = {
    recipients,
    ...(envelope !== undefined ? { envelope } : {}),
    ...(personal ? { personal } : {}),
  };
  if (body['template'] !== undefined) {
    const overrides = Object.fromEntries(
      CONTENT_FIELDS.filter((k) => body[k] !== undefined).map((k) => [k, body[k]]),
    );
    return { ...rest, content: { template: templateOf(body['template']), overrides }, options };
  }
  return { ...rest, content: { compose: composeOf(body) }, options };
}
