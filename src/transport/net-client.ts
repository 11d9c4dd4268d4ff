import { HttpClient, type HttpOptions } from './http.js';
import { type ConnectionOwner, NetConnection, TransportError } from './net-connection.js';
import { NetRequest } from './net-request.js';
import { failed, type HttpResult, type RequestHeaders } from './outcome.js';
import { type HeadPrefix, type HeadStart, headStart, requestHead } from './request-head.js';
import type { Transport } from './transport.js';

/** An idle socket is closed after this long, as undici's keepAliveTimeout default. */
const IDLE_MS = 4000;

/**
 * One origin's sockets: at most `max`, each with up to `pipelining`
 * requests in flight; a request finding no room waits in a queue.
 */
class OriginPool implements ConnectionOwner {
  readonly all = new Set<NetConnection>();
  /** Sockets with room for a request, the last freed on top. */
  private readonly ready: NetConnection[] = [];
  private readonly queue: NetRequest[] = [];
  private drained: (() => void) | undefined = undefined;

  constructor(
    private readonly port: number,
    private readonly host: string,
    private readonly max: number,
    private readonly pipelining: number,
    private readonly keepHeaders: boolean,
  ) {}

  /** Write `req` on a socket with room, a new one (always, when `fresh`), or queue it. */
  dispatch(req: NetRequest, fresh = false): void {
    if (!fresh) {
      const ready = this.ready;
      while (ready.length > 0) {
        const conn = ready[ready.length - 1]!;
        if (conn.closing) {
          ready.pop();
          conn.ready = false;
          continue;
        }
        conn.write(req);
        if (conn.busy >= this.pipelining || conn.closing) {
          ready.pop();
          conn.ready = false;
        }
        return;
      }
    }
    if (fresh || this.all.size < this.max) {
      const conn = new NetConnection(this.port, this.host, this, this.keepHeaders);
      this.all.add(conn);
      conn.write(req);
      if (conn.busy < this.pipelining && !conn.closing) this.makeReady(conn);
      return;
    }
    this.queue.push(req);
  }

  /**
   * Open sockets up to `max` before any request, as wrk and autocannon
   * connect before their clock starts; resolves to those connected (a failed
   * one is gone, and a request opens it again as before).
   */
  async open(): Promise<number> {
    const opening: Promise<boolean>[] = [];
    while (this.all.size < this.max && !this.stopping) {
      const conn = new NetConnection(this.port, this.host, this, this.keepHeaders);
      this.all.add(conn);
      this.makeReady(conn);
      opening.push(
        conn.connected().then((ok) => {
          conn.openedAhead = ok;
          return ok;
        }),
      );
    }
    return (await Promise.all(opening)).filter(Boolean).length;
  }

  free(conn: NetConnection): void {
    const next = this.queue.shift();
    if (next !== undefined) conn.write(next);
    if (!conn.ready && conn.busy < this.pipelining && !conn.closing) this.makeReady(conn);
    if (this.drained && this.idle()) this.drained();
  }

  /**
   * A socket went. A request on it that had no byte of its answer goes once
   * more on a fresh socket when the socket had been reused: a server closing
   * an idle keep-alive socket as the request went out never saw it. Anything
   * else fails with the socket's error. (undici 7 narrows that race instead:
   * it waits one setImmediate before reusing an idle socket, then fails the
   * request at the head of the pipeline and sends those behind it again.)
   */
  closed(conn: NetConnection, orphans: NetRequest[], err: Error | undefined): void {
    this.all.delete(conn);
    if (conn.ready) {
      conn.ready = false;
      this.ready.splice(this.ready.indexOf(conn), 1);
    }
    const retryable = (conn.answered > 0 || conn.openedAhead) && !(err instanceof TransportError);
    for (const req of orphans) {
      if (retryable && !req.answered && !req.retried && !this.stopping) {
        req.retried = true;
        this.dispatch(req, true);
      } else req.fail(err ?? new TransportError('UND_ERR_SOCKET', 'other side closed'));
    }
    while (this.queue.length > 0 && this.all.size < this.max) this.dispatch(this.queue.shift()!);
    if (this.drained && this.idle()) this.drained();
  }

  private makeReady(conn: NetConnection): void {
    conn.ready = true;
    this.ready.push(conn);
  }

  stopping = false;

  idle(): boolean {
    if (this.queue.length > 0) return false;
    for (const conn of this.all) if (conn.busy > 0) return false;
    return true;
  }

  /** Resolves once nothing is queued or in flight. */
  whenIdle(): Promise<void> {
    if (this.idle()) return Promise.resolve();
    return new Promise((resolve) => {
      this.drained = resolve;
    });
  }

  /** Fail what waits, drop every socket (what is in flight fails with `err`). */
  drop(err: Error): void {
    this.stopping = true;
    for (const req of this.queue.splice(0)) req.fail(err);
    for (const conn of this.all) conn.drop(err);
  }

  /** One sweep: time out stalled sockets, close long-idle ones. */
  sweep(periodMs: number, timeoutMs: number): void {
    for (const conn of this.all) {
      if (conn.busy > 0) {
        if (++conn.stalled * periodMs >= timeoutMs) conn.timedOut();
      } else if (++conn.idle * periodMs >= IDLE_MS) conn.drop();
    }
  }
}

/** What a URL needs, worked out once per URL object (targets are few, calls many). */
interface Route {
  pool: OriginPool;
  start: HeadStart;
}

/**
 * A keep-alive HTTP/1.1 client on `node:net` sockets for plain http://
 * targets, writing what undici writes (see request-head.ts) for less CPU
 * per request; https:// URLs go through undici (`HttpClient`). Same
 * options and results as `HttpClient`.
 */
export class NetHttpClient implements Transport {
  private readonly pools = new Map<string, OriginPool>();
  private readonly routes = new WeakMap<URL, Route>();
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly keepAnswer: number;
  private readonly connections: number;
  private readonly pipelining: number;
  private readonly sweeper: NodeJS.Timeout;
  private tls: HttpClient | undefined = undefined;
  private ended = false;

  constructor(private readonly options: HttpOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxResponseBytes = options.maxResponseBytes ?? 64 * 1024;
    this.keepAnswer = options.keepAnswer ?? 0;
    this.connections = options.connections ?? 64;
    this.pipelining = Math.max(1, options.pipelining ?? 1);
    // Timeouts by sweeps, not a timer per request: a few per timeout, at most one a second.
    const period = Math.max(10, Math.min(1000, this.timeoutMs / 4));
    this.sweeper = setInterval(() => {
      for (const pool of this.pools.values()) pool.sweep(period, this.timeoutMs);
    }, period);
    this.sweeper.unref();
  }

  post(url: URL, headers: RequestHeaders, body: Buffer): Promise<HttpResult> {
    return new Promise<HttpResult>((resolve) => this.send(url, headers, body, resolve));
  }

  send(url: URL, headers: RequestHeaders, body: Buffer, done: (result: HttpResult) => void): void {
    if (url.protocol !== 'http:') {
      this.tlsClient().send(url, headers, body, done);
      return;
    }
    const started = performance.now();
    if (this.ended) {
      done(failed(new TransportError('UND_ERR_DESTROYED', 'The client is destroyed'), started));
      return;
    }
    let route = this.routes.get(url);
    if (route === undefined) {
      route = { pool: this.poolFor(url), start: headStart(url) };
      this.routes.set(url, route);
    }
    let head: HeadPrefix;
    try {
      head = requestHead(route.start, headers, body.length);
    } catch (err) {
      done(failed(err, started));
      return;
    }
    route.pool.dispatch(new NetRequest(head, body, started, this.maxResponseBytes, this.keepAnswer, done));
  }

  /** Connect to `url`'s origin ahead of the calls (http:// only; https:// connects as undici does, on demand). */
  async open(url: URL): Promise<number> {
    if (url.protocol !== 'http:' || this.ended) return 0;
    return this.poolFor(url).open();
  }

  async close(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await Promise.all([...this.pools.values()].map((pool) => pool.whenIdle()));
    this.stop(new TransportError('UND_ERR_CLOSED', 'The client is closed'));
    await this.tls?.close();
  }

  async destroy(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.stop(new TransportError('UND_ERR_ABORTED', 'run interrupted'));
    await this.tls?.destroy();
  }

  private stop(err: Error): void {
    clearInterval(this.sweeper);
    for (const pool of this.pools.values()) pool.drop(err);
  }

  private poolFor(url: URL): OriginPool {
    let pool = this.pools.get(url.origin);
    if (pool === undefined) {
      const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
      pool = new OriginPool(
        Number(url.port) || 80,
        host,
        this.connections,
        this.pipelining,
        this.keepAnswer > 0,
      );
      this.pools.set(url.origin, pool);
    }
    return pool;
  }

  private tlsClient(): HttpClient {
    this.tls ??= new HttpClient(this.options);
    return this.tls;
  }
}
