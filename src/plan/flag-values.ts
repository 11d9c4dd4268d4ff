import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../model/errors.js';
import { parseDuration } from '../model/time.js';

/** Flag and setting values: each failure names the flag (or config key) and the bad value. */

export function positiveInt(flag: string, text: string): number {
  const n = Number(text);
  // `1e7` too: big counts are written so (`fire --dry-run -n 1e7`), and it is a whole number.
  if (!/^\d+(?:e\d+)?$/i.test(text) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`${flag}: expected a whole number of 1 or more, got '${text}'`);
  }
  return n;
}

/** A whole number from `min` to `max`; `what` says the range in the error, e.g. 'a port 0-65535'. */
export function wholeNumberIn(flag: string, text: string, min: number, max: number, what: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max)
    throw new UsageError(`${flag}: expected ${what}, got '${text}'`);
  return n;
}

export function httpUrl(flag: string, text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${flag}: '${text}' is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${flag}: '${text}' is not an http:// or https:// URL`);
  }
  // Refused, not sent as Basic auth: SMTPeter's webhook settings take no credentials, and a
  // password in a URL ends up in logs and reports; -H 'Authorization: ...' says it openly.
  if (url.username || url.password)
    throw new UsageError(
      `${flag}: '${url.protocol}//${url.host}${url.pathname}' holds a user name or password; give them as -H 'Authorization: Basic ...' instead`,
    );
  if (url.port === '0')
    throw new UsageError(`${flag}: '${text}': port 0 is not a port a receiver listens on`);
  return url;
}

/**
 * Headers the tool writes itself: framing (undici sets them from the body)
 * and the ones SMTPeter's signature covers or names. An extra header with one
 * of these names would either break the framing or sit beside the signed one
 * (two Host headers, a Date the signature does not cover), so the receiver
 * rejects the call: refused rather than silently unsigned.
 */
const OWN_HEADERS = [
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
  'content-type',
  'host',
  'date',
  'digest',
  'signature',
  'x-copernica-id',
  'x-nonce',
];

/** `Name: value` for `--header`: a token name, no CR/LF, none of the headers the tool writes. */
export function header(flag: string, text: string): [string, string] {
  const i = text.indexOf(':');
  const name = i > 0 ? text.slice(0, i).trim() : '';
  if (!name || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
    throw new UsageError(`${flag}: expected 'Name: value', got '${JSON.stringify(text).slice(1, -1)}'`);
  }
  return headerField(flag, name, text.slice(i + 1).trim());
}

/** One extra header (a flag's or a config file's), checked as `header` does. */
export function headerField(label: string, name: string, value: string): [string, string] {
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name))
    throw new UsageError(`${label}: '${JSON.stringify(name).slice(1, -1)}' is not a header name`);
  if (/[\r\n\0]/.test(value))
    throw new UsageError(`${label}: ${name}: a header value cannot hold CR, LF or NUL`);
  const lower = name.toLowerCase();
  if (OWN_HEADERS.includes(lower))
    throw new UsageError(
      `${label}: ${name} is written by smtpeter-sim itself (framing, or signed: a second one would break the call)`,
    );
  return [name, value];
}

/** `512KB`, `2MB`, `1.5 MB`, `1048576`. */
export function byteSize(flag: string, text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|k|mb|m|kib|mib)?\s*$/i.exec(text);
  if (!m) throw new UsageError(`${flag}: expected a size such as 2MB or 512KB, got '${text}'`);
  const unit = (m[2] ?? 'b').toLowerCase();
  const mult = unit.startsWith('m') ? 1024 * 1024 : unit.startsWith('k') ? 1024 : 1;
  return Math.round(Number(m[1]) * mult);
}

/**
 * `500ms`, `30s`, `2m`, `1h`. A number needs its unit (a bare `30` is not
 * guessed to be ms or s); only `0` may go without.
 */
export function duration(flag: string, text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined)
    throw new UsageError(`${flag}: expected a duration with a unit such as 500ms, 30s or 2m, got '${text}'`);
  return ms;
}

/**
 * Strict ISO 8601 as `--time` takes it: a date, or a date-time with minutes,
 * optional seconds and fraction, and an optional `Z`, `±hh:mm` or `±hh` (the
 * extended format's offsets: `±hhmm` is the basic format's). Date.parse
 * is not used: it reads `1` as 2001 and `hello 2026` as 2026, and a date-time
 * without a zone as the machine's local time; here no zone means UTC, as a
 * date alone is.
 */
const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::\d{2})?)?)?$/;

/** `--time`'s text (or a config key's) as ms since the epoch; undefined unless strict ISO 8601 in the calendar. */
function isoInstant(text: string): number | undefined {
  const m = ISO_TIME.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h = 0, mi = 0, s = 0] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((v) =>
    v === undefined ? undefined : Number(v),
  ) as [number, number, number, number?, number?, number?];
  const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const zone = m[8] ?? 'Z';
  // ±hh:mm or ±hh.
  const zoneMin = zone.length > 3 ? Number(zone.slice(-2)) : 0;
  const offsetMin = zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + zoneMin);
  if (h > 23 || mi > 59 || s > 59 || Math.abs(offsetMin) >= 24 * 60 || zoneMin > 59) return undefined;
  // setUTCFullYear, not Date.UTC: that maps years below 100 to 19xx. Either rolls 2026-02-30 over to March.
  const day = new Date(0);
  day.setUTCFullYear(y, mo - 1, d);
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) return Number.NaN;
  return day.getTime() + ((h * 60 + mi - offsetMin) * 60 + s) * 1000 + ms;
}

/**
 * `--time`: an ISO 8601 date or date-time (no zone: UTC), or `now`. A date
 * that does not exist (2026-02-30) or before 1970 (a negative Unix timestamp,
 * which no SMTPeter call carries) is refused.
 */
export function eventTime(flag: string, text: string): number | 'now' {
  if (text === 'now') return 'now';
  const ms = isoInstant(text);
  if (ms === undefined)
    throw new UsageError(
      `${flag}: expected an ISO 8601 date such as 2026-11-23 or 2026-11-23T10:00:00Z (no zone: UTC), or 'now', got '${text}'`,
    );
  if (Number.isNaN(ms))
    throw new UsageError(`${flag}: ${text.slice(0, 10)} is not a date in the calendar, got '${text}'`);
  if (ms < 0) throw new UsageError(`${flag}: must be 1970-01-01 or later (a Unix timestamp), got '${text}'`);
  return ms;
}

/**
 * A keyId (`--key-id`, config `keyId`): a DNS name, where receivers fetch its
 * key. It is written inside the Signature header's quotes, so a quote or comma
 * in it would break the header; refused, not escaped.
 */
export function keyIdName(label: string, text: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(text)) throw new UsageError(`${label}: '${text}' is not a DNS name`);
  return text;
}

export function oneOf<T extends string>(flag: string, text: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(text)) {
    throw new UsageError(`${flag}: expected one of ${allowed.join(', ')}, got '${text}'`);
  }
  return text as T;
}

/** A file the tool will read later: checked now, so nothing is half-sent. */
export function readableFile(flag: string, path: string): string {
  try {
    accessSync(path, constants.R_OK);
  } catch (err) {
    throw new UsageError(`${flag} ${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (statSync(path).isDirectory()) throw new UsageError(`${flag} ${path}: is a folder, not a file`);
  return path;
}

/**
 * A file the tool will write (a report, a log, a fixture): checked now, so a
 * run is never sent and then lost for want of a folder. A file that is there
 * must be writable and not a folder; else its folder must be there and writable.
 */
export function writableFile(flag: string, path: string): string {
  if (path.trim() === '') throw new UsageError(`${flag}: expected a file name, got an empty one`);
  const stat = statOrNone(path);
  if (stat?.isDirectory()) throw new UsageError(`${flag} ${path}: is a folder, not a file`);
  const target = stat ? path : dirname(resolve(path));
  if (!stat) {
    const folder = statOrNone(target);
    if (!folder)
      throw new UsageError(`${flag} ${path}: cannot write: folder ${dirname(path)} does not exist`);
    if (!folder.isDirectory())
      throw new UsageError(`${flag} ${path}: cannot write: ${dirname(path)} is not a folder`);
  }
  try {
    accessSync(target, constants.W_OK);
  } catch (err) {
    const what = stat ? 'the file' : `folder ${dirname(path)}`;
    throw new UsageError(
      `${flag} ${path}: cannot write ${what} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  return path;
}

/** A path's stat, or undefined when nothing is there (ENOTDIR: a file in the way of the folder). */
function statOrNone(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw err;
  }
}

/** A whole number of 0 or more. */
export function countFlag(label: string, text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n))
    throw new UsageError(`${label}: expected a whole number of 0 or more, got '${text}'`);
  return n;
}

/** 0, or a whole number of 1 or more. */
export function nonNegativeInt(flag: string, text: string): number {
  return text === '0' ? 0 : positiveInt(flag, text);
}
