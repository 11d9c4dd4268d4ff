import { HttpClient, type HttpOptions } from './http.js';
import { NetHttpClient } from './net-client.js';
import type { Transport, TransportKind } from './transport.js';

/**
 * The run's transport: undici by default; with `net`, the `node:net` client
 * for http:// (undici still for https://). net is opt-in, not the default:
 * it measured ~10% less CPU per fire call with the same bytes on the wire
 * (docs/performance.md, issue 19 (a)), which does not outweigh what undici,
 * a kept client, does that it does not (its pipelined-retry rule, a server's
 * Keep-Alive timeout hint, non-ASCII answer headers).
 */
export function createTransport(kind: TransportKind | undefined, options: HttpOptions): Transport {
  return kind === 'net' ? new NetHttpClient(options) : new HttpClient(options);
}
