import { HttpClient, type HttpOptions } from './http.js';
import { NetHttpClient } from './net-client.js';
import type { Transport, TransportKind } from './transport.js';

/**
 * The run's transport: by default (and with `net`) the `node:net` client for
 * http:// and undici for https://; with `undici`, undici for everything.
 * net is the default because it measured ~10% less CPU per fire call with
 * the same bytes on the wire (docs/performance.md, issue 19 (a)).
 */
export function createTransport(kind: TransportKind | undefined, options: HttpOptions): Transport {
  return kind === 'undici' ? new HttpClient(options) : new NetHttpClient(options);
}
