import { HttpClient, type HttpOptions } from './http.js';
import { NetHttpClient } from './net-client.js';
import type { Transport, TransportKind } from './transport.js';

/**
 * The run's transport: with `net`, the `node:net` client for http:// (undici
 * still for https://); otherwise undici. fire's plan asks for `net` unless
 * told otherwise: on its load path the net client measured 15-25% less CPU
 * a call with the same bytes on the wire, enough for issue 19's (a) and (c)
 * targets (docs/performance.md). replay and check, one call at a time and
 * showing the receiver's answers, keep undici, which also reads a server's
 * Keep-Alive timeout hint and non-ASCII answer headers.
 */
export function createTransport(kind: TransportKind | undefined, options: HttpOptions): Transport {
  return kind === 'net' ? new NetHttpClient(options) : new HttpClient(options);
}
