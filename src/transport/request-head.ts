import type { RequestHeaders } from './outcome.js';

/** A request undici would refuse (a header it does not let a caller set, a name that is not a token, a CR or LF in a value). */
export class InvalidRequest extends Error {
  readonly code = 'UND_ERR_INVALID_ARG';
}

/** What a request head is built from, worked out once per URL. */
export interface HeadStart {
  /** `POST /path?query HTTP/1.1\r\n`. */
  requestLine: string;
  /** `host: 127.0.0.1:8080\r\n`, as undici writes it from the URL. */
  hostLine: string;
  /** The last head built for this URL: a run's calls repeat the same headers, the length aside. */
  last: HeadPrefix | undefined;
}

/** A request's head but its `content-length` line, for one list of headers. */
export interface HeadPrefix {
  /** The caller's headers it was built from, flat. */
  readonly from: readonly string[];
  /** Where in `from` the caller's Content-Length value is (-1: none): checked against each body, not compared. */
  readonly lengthAt: number;
  /** Request line, host, connection, the caller's headers. */
  readonly bytes: Buffer;
  /** The caller asked for `Connection: close`. */
  readonly close: boolean;
}

export function headStart(url: URL): HeadStart {
  return {
    requestLine: `POST ${url.pathname}${url.search} HTTP/1.1\r\n`,
    hostLine: `host: ${url.host}\r\n`,
    last: undefined,
  };
}

const BAD_VALUE = /[\r\n\0]/;
/** An HTTP token (RFC 9110 §5.6.2): what undici accepts as a header name. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Framing undici does not let a caller set (the body is written with a Content-Length, on a kept socket). */
const REFUSED = new Set(['transfer-encoding', 'keep-alive', 'upgrade', 'expect']);
/** Names already checked: a run's calls carry the same few, so each is tested once. */
const tokens = new Set<string>();

function checkName(name: string): void {
  if (tokens.has(name)) return;
  if (!TOKEN.test(name)) throw new InvalidRequest('invalid header key');
  if (REFUSED.has(name.toLowerCase())) throw new InvalidRequest(`invalid ${name} header`);
  if (tokens.size >= 256) tokens.clear();
  tokens.add(name);
}

/**
 * A POST's head, byte for byte what undici 7 writes for the same call (a
 * buffer body, keep-alive): request line, `host`, `connection`, the caller's
 * headers in their order and case, `content-length` last (written with the
 * body: `writeRequest`). As undici does, a caller's Host replaces the URL's
 * in place, its Content-Length and Connection are not written as given (the
 * length must match the body; `Connection: close` asks for the socket to be
 * closed after the answer). The head of the last call's headers is kept:
 * the same headers (the length aside) give the same head, checked once.
 */
export function requestHead(start: HeadStart, headers: RequestHeaders, length: number): HeadPrefix {
  const last = start.last;
  if (last !== undefined && sameHeaders(last, headers, length)) return last;
  const from: string[] = [];
  if (Array.isArray(headers)) {
    const flat = headers as readonly string[];
    for (let i = 0; i + 1 < flat.length; i += 2) from.push(flat[i]!, flat[i + 1]!);
  } else {
    const record = headers as Record<string, string>;
    for (const name in record) if (record[name] !== undefined) from.push(name, record[name]!);
  }
  const head = buildHead(start, from, length);
  start.last = head.lengthAt === -2 ? undefined : head;
  return head;
}

function buildHead(start: HeadStart, from: string[], length: number): HeadPrefix {
  let host = start.hostLine;
  let close = false;
  let rest = '';
  let lengthAt = -1;
  for (let i = 0; i < from.length; i += 2) {
    const name = from[i]!;
    const value = from[i + 1]!;
    checkName(name);
    if (BAD_VALUE.test(value)) throw new InvalidRequest(`invalid ${name} header`);
    const lower = name.length === 4 || name.length === 10 || name.length === 14 ? name.toLowerCase() : '';
    if (lower === 'host') host = `host: ${value}\r\n`;
    else if (lower === 'content-length') {
      if (Number(value) !== length) throw new InvalidRequest('request body does not match content-length');
      // Two of them: not kept for the next call (only one place is checked against the body there).
      lengthAt = lengthAt === -1 ? i + 1 : -2;
    } else if (lower === 'connection') close = /(^|,)\s*close\s*(,|$)/i.test(value);
    else rest += `${name}: ${value}\r\n`;
  }
  const connection = close ? 'connection: close\r\n' : 'connection: keep-alive\r\n';
  return {
    from,
    lengthAt,
    bytes: Buffer.from(`${start.requestLine}${host}${connection}${rest}`, 'latin1'),
    close,
  };
}

/** `headers` are those `head` was built from, and any Content-Length among them is the body's. */
function sameHeaders(head: HeadPrefix, headers: RequestHeaders, length: number): boolean {
  const { from, lengthAt } = head;
  if (Array.isArray(headers)) {
    const flat = headers as readonly string[];
    if ((flat.length & ~1) !== from.length) return false;
    for (let i = 0; i < from.length; i++)
      if (i === lengthAt ? Number(flat[i]) !== length : flat[i] !== from[i]) return false;
    return true;
  }
  const record = headers as Record<string, string>;
  let i = 0;
  for (const name in record) {
    const value = record[name];
    if (value === undefined) continue;
    if (i + 1 >= from.length || from[i] !== name) return false;
    if (i + 1 === lengthAt ? Number(value) !== length : from[i + 1] !== value) return false;
    i += 2;
  }
  return i === from.length;
}

const LENGTH_NAME = Buffer.from('content-length: ', 'latin1');

/** The whole request in one buffer: the head, its `content-length` line, the body. */
export function writeRequest(head: HeadPrefix, body: Buffer): Buffer {
  const length = body.length;
  let digits = 1;
  for (let n = length; n >= 10; n = Math.floor(n / 10)) digits++;
  const prefix = head.bytes;
  const bytes = Buffer.allocUnsafe(prefix.length + LENGTH_NAME.length + digits + 4 + length);
  prefix.copy(bytes, 0);
  let at = prefix.length;
  LENGTH_NAME.copy(bytes, at);
  at += LENGTH_NAME.length + digits;
  for (let n = length, i = at - 1; i >= at - digits; i--, n = Math.floor(n / 10)) bytes[i] = 48 + (n % 10);
  bytes[at] = 13;
  bytes[at + 1] = 10;
  bytes[at + 2] = 13;
  bytes[at + 3] = 10;
  body.copy(bytes, at + 4);
  return bytes;
}

/** The `content-length` line and the empty line after it, for a head written apart from its body. */
export const lengthLine = (length: number): string => `content-length: ${length}\r\n\r\n`;
