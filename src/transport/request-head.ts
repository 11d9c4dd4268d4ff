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
}

export function headStart(url: URL): HeadStart {
  return { requestLine: `POST ${url.pathname}${url.search} HTTP/1.1\r\n`, hostLine: `host: ${url.host}\r\n` };
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
 * headers in their order and case, `content-length` last. As undici does, a
 * caller's Host replaces the URL's in place, its Content-Length and
 * Connection are not written as given (the length must match the body;
 * `Connection: close` asks for the socket to be closed after the answer).
 */
export function requestHead(
  start: HeadStart,
  headers: RequestHeaders,
  length: number,
): { head: string; close: boolean } {
  let host = start.hostLine;
  let close = false;
  let rest = '';
  const add = (name: string, value: string): void => {
    checkName(name);
    if (BAD_VALUE.test(value)) throw new InvalidRequest(`invalid ${name} header`);
    const lower = name.length === 4 || name.length === 10 || name.length === 14 ? name.toLowerCase() : '';
    if (lower === 'host') host = `host: ${value}\r\n`;
    else if (lower === 'content-length') {
      if (Number(value) !== length) throw new InvalidRequest('request body does not match content-length');
    } else if (lower === 'connection') close = /(^|,)\s*close\s*(,|$)/i.test(value);
    else rest += `${name}: ${value}\r\n`;
  };
  if (Array.isArray(headers)) {
    const flat = headers as readonly string[];
    for (let i = 0; i + 1 < flat.length; i += 2) add(flat[i]!, flat[i + 1]!);
  } else {
    const record = headers as Record<string, string>;
    for (const name in record) if (record[name] !== undefined) add(name, record[name]!);
  }
  const connection = close ? 'connection: close\r\n' : 'connection: keep-alive\r\n';
  return { head: `${start.requestLine}${host}${connection}${rest}content-length: ${length}\r\n\r\n`, close };
}
