import type { HttpResult, RequestHeaders } from './outcome.js';

/** Which HTTP client sends a run's plain http:// calls (https:// always goes through undici); fire defaults to net, replay and check to undici. */
export type TransportKind = 'undici' | 'net';

export const TRANSPORT_KINDS: readonly TransportKind[] = ['undici', 'net'];

/**
 * What the engine, replay and check send through: undici's `HttpClient`, or
 * the `node:net` one (`NetHttpClient`). Knows nothing of SMTPeter.
 */
export interface Transport {
  /** POST and read the answer; never rejects (a failure is an `errorKind`). */
  post(url: URL, headers: RequestHeaders, body: Buffer): Promise<HttpResult>;
  /** `post` with a callback (no promise per request); `done` is called exactly once. */
  send(url: URL, headers: RequestHeaders, body: Buffer, done: (result: HttpResult) => void): void;
  /**
   * Open the connections a run may use to `url`'s origin before its first
   * call, as wrk and autocannon do (an open run's first calls would
   * otherwise wait for connects); resolves to those connected. Optional: a
   * transport without it connects on demand.
   */
  open?(url: URL): Promise<number>;
  /** Let requests in flight end, then close every socket. */
  close(): Promise<void>;
  /** Drop in-flight requests at once (interrupt after the grace period). */
  destroy(): Promise<void>;
}
