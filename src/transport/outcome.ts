import type { ErrorKind, ReceiverAnswer } from '../model/results.js';

export type { ErrorKind };

/** What one request came to: a status, or what went wrong. Both transports give the same shape. */
export interface HttpResult {
  status?: number;
  errorKind?: ErrorKind;
  error?: string;
  /** Response headers we act on (retry-after), lower-case names. */
  retryAfter?: string;
  /** Bytes of response body read. */
  responseBytes: number;
  /** With `keepAnswer`: the headers and the body's first bytes. */
  answer?: ReceiverAnswer;
  /** ms from the request being handed to the socket layer to the end of the response. */
  latencyMs: number;
}

/** Headers as a name → value record, or flat `[name, value, name, value, …]` (undici takes both). */
export type RequestHeaders = Record<string, string> | readonly string[];

const TLS_CODES =
  /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT)/;

/** Map an undici/node error to one of the report's error kinds. */
export function classifyError(err: unknown): ErrorKind {
  let e = err as { code?: string; cause?: unknown; message?: string } | undefined;
  for (let depth = 0; e && depth < 4; depth++) {
    const code = e.code ?? '';
    if (code === 'ECONNREFUSED') return 'refused';
    if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CLOSED')
      return 'reset';
    if (
      code === 'UND_ERR_CONNECT_TIMEOUT' ||
      code === 'UND_ERR_HEADERS_TIMEOUT' ||
      code === 'UND_ERR_BODY_TIMEOUT' ||
      code === 'ETIMEDOUT'
    )
      return 'timeout';
    if (code === 'UND_ERR_ABORTED') return 'aborted';
    if (TLS_CODES.test(code) || /certificate|TLS|SSL/i.test(e.message ?? '')) return 'tls';
    e = e.cause as typeof e;
  }
  return 'other';
}

export function describeError(err: unknown): string {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e.code ?? e.cause?.code;
  const message = e.cause?.message ?? e.message ?? String(err);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

/**
 * A result for an answer: its status and Retry-After (when read), the body
 * bytes counted up to `max`, the kept answer (with `keepAnswer`).
 */
export function answered(
  started: number,
  status: number | undefined,
  retryAfter: string | undefined,
  responseBytes: number,
  max: number,
  answer: ReceiverAnswer | undefined,
): HttpResult {
  const result: HttpResult = {
    responseBytes: Math.min(responseBytes, max),
    latencyMs: performance.now() - started,
  };
  if (status !== undefined) result.status = status;
  if (retryAfter !== undefined) result.retryAfter = retryAfter;
  if (answer) result.answer = answer;
  return result;
}

/** A result for a request that got no HTTP status. */
export function failed(err: unknown, started: number): HttpResult {
  return {
    errorKind: classifyError(err),
    error: describeError(err),
    responseBytes: 0,
    latencyMs: performance.now() - started,
  };
}

/** Flat header names and values as an answer: names lower-cased, the body cut at `limit` bytes. */
export function keptAnswer(headers: readonly string[], chunks: Buffer[], limit: number): ReceiverAnswer {
  const named: Record<string, string> = {};
  for (let i = 0; i + 1 < headers.length; i += 2) {
    const name = headers[i]!.toLowerCase();
    const value = headers[i + 1]!;
    named[name] = named[name] === undefined ? value : `${named[name]}, ${value}`;
  }
  const body = Buffer.concat(chunks);
  const answer: ReceiverAnswer = { headers: named, body: body.subarray(0, limit).toString('utf8') };
  if (body.length > limit) answer.truncated = true;
  return answer;
}
