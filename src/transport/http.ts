import { readFileSync } from 'node:fs';
import { Agent, type Dispatcher, errors } from 'undici';

/** What went wrong with a request that got no HTTP status. */
export type ErrorKind = 'refused' | 'reset' | 'timeout' | 'tls' | 'other';
export const ERROR_KINDS: readonly ErrorKind[] = ['refused', 'reset', 'timeout', 'tls', 'other'];

export interface HttpResult {
  status?: number;
  errorKind?: ErrorKind;
  error?: string;
  /** Response headers we act on (retry-after), lower-case names. */
  retryAfter?: string;
  /** Bytes of response body read. */
  responseBytes: number;
  /** ms from the request being handed to the socket layer to the end of the response. */
  latencyMs: number;
}

export interface HttpOptions {
  /** Connections per origin. */
  connections?: number;
  /** Headers and body timeout, ms. */
  timeoutMs?: number;
  /** Accept any TLS certificate. */
  insecure?: boolean;
  /** Extra CA certificate file (PEM) to trust. */
  caFile?: string;
  /** Response bytes kept at most (a huge body is read and dropped past this). */
  maxResponseBytes?: number;
}

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
      code === 'ETIMEDOUT' ||
      code === 'UND_ERR_ABORTED'
    )
      return 'timeout';
    if (TLS_CODES.test(code) || /certificate|TLS|SSL/i.test(e.message ?? '')) return 'tls';
    e = e.cause as typeof e;
  }
  return 'other';
}

/** One undici Agent for a run: keep-alive pools per origin. Knows nothing of SMTPeter. */
export class HttpClient {
  private readonly agent: Agent;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;

  constructor(options: HttpOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxResponseBytes = options.maxResponseBytes ?? 64 * 1024;
    const ca = options.caFile ? readFileSync(options.caFile) : undefined;
    this.agent = new Agent({
      connections: options.connections ?? 64,
      pipelining: 1,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      connect: {
        timeout: this.timeoutMs,
        rejectUnauthorized: !options.insecure,
        ...(ca ? { ca } : {}),
      },
    });
  }

  /**
   * POST and read the answer. Uses undici's `dispatch` directly (no stream
   * per response): at load the client's own cost per call matters.
   */
  post(url: URL, headers: Record<string, string>, body: Buffer): Promise<HttpResult> {
    const started = performance.now();
    const max = this.maxResponseBytes;
    return new Promise<HttpResult>((resolve) => {
      let status: number | undefined;
      let retryAfter: string | undefined;
      let responseBytes = 0;
      let settled = false;
      let abortRequest: ((err?: Error) => void) | undefined;
      const fail = (err: unknown): void => {
        if (settled) return;
        settled = true;
        resolve({
          errorKind: classifyError(err),
          error: describeError(err),
          responseBytes: 0,
          latencyMs: performance.now() - started,
        });
      };
      const succeed = (): void => {
        if (settled) return;
        settled = true;
        resolve({
          ...(status !== undefined ? { status } : {}),
          responseBytes: Math.min(responseBytes, max),
          latencyMs: performance.now() - started,
          ...(retryAfter !== undefined ? { retryAfter } : {}),
        });
      };
      try {
        this.agent.dispatch(
          {
            origin: url.origin,
            path: url.pathname + url.search,
            method: 'POST',
            headers,
            body,
            headersTimeout: this.timeoutMs,
            bodyTimeout: this.timeoutMs,
          },
          {
            onConnect: (abort: (err?: Error) => void) => {
              abortRequest = abort;
            },
            onHeaders: (statusCode: number, rawHeaders: Buffer[]) => {
              status = statusCode;
              for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
                if (
                  rawHeaders[i]!.length === 11 &&
                  rawHeaders[i]!.toString('latin1').toLowerCase() === 'retry-after'
                )
                  retryAfter = rawHeaders[i + 1]!.toString('latin1');
              }
              return true;
            },
            // Past `max` bytes the body is dropped: the status is what we came for.
            onData: (chunk: Buffer) => {
              responseBytes += chunk.length;
              if (responseBytes > max && !settled) {
                succeed();
                abortRequest?.(new Error('response body over the limit; dropped'));
                return false;
              }
              return true;
            },
            onComplete: () => succeed(),
            onError: (err: Error) => fail(err),
          } as unknown as Dispatcher.DispatchHandler,
        );
      } catch (err) {
        fail(err);
      }
    });
  }

  private ended = false;

  async close(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.agent.close();
  }

  /** Drop in-flight requests at once (interrupt after the grace period). */
  async destroy(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.agent.destroy(new errors.RequestAbortedError('run interrupted'));
  }
}

function describeError(err: unknown): string {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e.code ?? e.cause?.code;
  const message = e.cause?.message ?? e.message ?? String(err);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}
