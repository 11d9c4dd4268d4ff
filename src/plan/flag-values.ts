import { accessSync, constants } from 'node:fs';
import { UsageError } from '../model/errors.js';
import { parseDuration } from '../model/time.js';

/** Flag and setting values: each failure names the flag (or config key) and the bad value. */

export function positiveInt(flag: string, text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1) {
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
  return url;
}

/** `Name: value` for `--header`. */
export function header(flag: string, text: string): [string, string] {
  const i = text.indexOf(':');
  const name = i > 0 ? text.slice(0, i).trim() : '';
  if (!name || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
    throw new UsageError(`${flag}: expected 'Name: value', got '${text}'`);
  }
  return [name, text.slice(i + 1).trim()];
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
  const ms = tryDuration(text);
  if (ms === undefined)
    throw new UsageError(`${flag}: expected a duration with a unit such as 500ms, 30s or 2m, got '${text}'`);
  return ms;
}

/** A duration as `duration` reads it, or undefined (for parsers that word their own errors). */
export const tryDuration = parseDuration;

/** `--time`: an ISO date (ms since the epoch), or `now`. */
export function eventTime(flag: string, text: string): number | 'now' {
  if (text === 'now') return 'now';
  const ms = Date.parse(text);
  if (Number.isNaN(ms))
    throw new UsageError(
      `${flag}: expected an ISO date such as 2026-11-23T10:00:00Z or 'now', got '${text}'`,
    );
  return ms;
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
  return path;
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
