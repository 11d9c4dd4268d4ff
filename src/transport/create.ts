import { HttpClient, type HttpOptions } from './http.js';
import { NetHttpClient } from './net-client.js';
import type { Transport, TransportKind } from './transport.js';

/** The run's transport: undici for everything, or `node:net` for http:// (undici still for https://). */
export function createTransport(kind: TransportKind | undefined, options: HttpOptions): Transport {
  return kind === 'net' ? new NetHttpClient(options) : new HttpClient(options);
}
