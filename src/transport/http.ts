import { readFileSync } from 'node:fs';
import { Agent, type Dispatcher, errors } from 'undici';
import {
  answered,
  type ErrorKind,
  failed,
  type HttpResult,
  keptAnswer,
  type RequestHeaders,
} from './outcome.js';
import type { Transport } from './transport.js';

export type { ErrorKind, HttpResult, RequestHeaders };

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
  /** Requests written ahead on one connection before its answers (HTTP/1.1 pipelining; default 1 = none). */
  pipelining?: number;
  /**
   * Keep each answer's headers and this many bytes of its body (a log or
   * --verbose shows them). Off by default: the load path keeps nothing.
   */
  keepAnswer?: number;
}

/** What undici needs of a URL, worked out once per URL object (targets are few, calls many). */
interface Route {
  origin: string;
  path: string;
}

/**
 * One request's handler: a class, so each call allocates one small object
 * and no closures. Settles exactly once through `done`.
 */
class PostHandler {
  private status: number | undefined = undefined;
  private retryAfter: string | undefined = undefined;
  private responseBytes = 0;
  private settled = false;
  private abortRequest: ((err?: Error) => void) | undefined = undefined;
  private answer: { headers: Buffer[]; body: Buffer[]; kept: number } | undefined = undefined;

  constructor(
    private readonly started: number,
    private readonly max: number,
    private readonly done: (result: HttpResult) => void,
    private readonly keep = 0,
  ) {}

  onConnect(abort: (err?: Error) => void): void {
    this.abortRequest = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    this.status = statusCode;
    if (this.keep > 0) this.answer = { headers: rawHeaders, body: [], kept: 0 };
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
      const name = rawHeaders[i]!;
      if (name.length === 11 && name.toString('latin1').toLowerCase() === 'retry-after')
        this.retryAfter = rawHeaders[i + 1]!.toString('latin1');
    }
    return true;
  }

  // Past `max` bytes the body is dropped: the status is what we came for.
  onData(chunk: Buffer): boolean {
    this.responseBytes += chunk.length;
    if (this.answer && this.answer.kept <= this.keep) {
      this.answer.body.push(chunk);
      this.answer.kept += chunk.length;
    }
    if (this.responseBytes > this.max && !this.settled) {
      this.onComplete();
      this.abortRequest?.(new Error('response body over the limit; dropped'));
      return false;
    }
    return true;
  }

  onComplete(): void {
    if (this.settled) return;
    this.settled = true;
    const kept = this.answer
      ? keptAnswer(
          this.answer.headers.map((b) => b.toString('latin1')),
          this.answer.body,
          this.keep,
        )
      : undefined;
    this.done(answered(this.started, this.status, this.retryAfter, this.responseBytes, this.max, kept));
  }

  onError(err: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.done(failed(err, this.started));
  }
}

/** One undici Agent for a run: keep-alive pools per origin. Knows nothing of SMTPeter. */
export class HttpClient implements Transport {
  private readonly agent: Agent;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly keepAnswer: number;
  private readonly routes = new WeakMap<URL, Route>();
  /**
   * undici writes a request ahead only when it is marked idempotent (a POST
   * is not by default): with --pipelining the calls are, as autocannon and
   * wrk treat theirs. undici retries nothing either way.
   */
  private readonly pipelined: boolean;

  constructor(options: HttpOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxResponseBytes = options.maxResponseBytes ?? 64 * 1024;
    this.pipelined = (options.pipelining ?? 1) > 1;
    this.keepAnswer = options.keepAnswer ?? 0;
    const ca = options.caFile ? readFileSync(options.caFile) : undefined;
    this.agent = new Agent({
      connections: options.connections ?? 64,
      pipelining: options.pipelining ?? 1,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      connect: {
        timeout: this.timeoutMs,
        rejectUnauthorized: !options.insecure,
        ...(ca ? { ca } : {}),
      },
    });
  }

  /** POST and read the answer; never rejects (a failure is an `errorKind`). */
  post(url: URL, headers: RequestHeaders, body: Buffer): Promise<HttpResult> {
    return new Promise<HttpResult>((resolve) => this.send(url, headers, body, resolve));
  }

  /**
   * `post` with a callback: undici's `dispatch` directly (no stream or
   * promise per response), for the load loop where the client's own cost
   * per call matters. `done` is called exactly once.
   */
  send(url: URL, headers: RequestHeaders, body: Buffer, done: (result: HttpResult) => void): void {
    const handler = new PostHandler(performance.now(), this.maxResponseBytes, done, this.keepAnswer);
    let route = this.routes.get(url);
    if (route === undefined) {
      route = { origin: url.origin, path: url.pathname + url.search };
      this.routes.set(url, route);
    }
    try {
      this.agent.dispatch(
        {
          origin: route.origin,
          path: route.path,
          method: 'POST',
          headers: headers as Record<string, string>,
          body,
          headersTimeout: this.timeoutMs,
          bodyTimeout: this.timeoutMs,
          idempotent: this.pipelined,
        },
        handler as unknown as Dispatcher.DispatchHandler,
      );
    } catch (err) {
      handler.onError(err);
    }
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
