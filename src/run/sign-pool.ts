import type { Worker } from 'node:worker_threads';
import type { SimCall } from '../model/events.js';
import { startWorker } from '../pace/precise-sleep.js';
import { portableRequest } from './portable-request.js';
import type { BuiltRequest, RequestOptions } from './request.js';

/** Main → worker: one call to encode and sign for `href`. */
export interface SignJob {
  id: number;
  call: SimCall;
  href: string;
}

/** Worker → main: the request, or why it could not be built. */
export type SignedMessage =
  | { id: number; headers: Record<string, string>; body: Uint8Array }
  | { id: number; error: string };

/**
 * Calls that arrive one at a time (serve's dispatcher: mail comes in, its
 * webhooks fall due) encoded and signed on worker threads, round robin, so
 * RSA signing uses every core instead of the one the event loop runs on.
 * fire's own runs use the build pool instead: there the workers generate
 * the calls too. Same bytes as `buildRequest` on the main thread.
 */
export class SignPool {
  private readonly workers: Worker[];
  private readonly waiting = new Map<
    number,
    { url: URL; resolve: (b: BuiltRequest) => void; reject: (e: Error) => void }
  >();
  private next = 0;
  private closed = false;

  constructor(request: RequestOptions, size: number) {
    const init = portableRequest(request);
    this.workers = Array.from({ length: Math.max(1, size) }, () => {
      const worker = startWorker(new URL('./sign-worker.js', import.meta.url), { workerData: init });
      worker.on('message', (m: SignedMessage) => this.settle(m));
      worker.on('error', (err) => this.failAll(err));
      // Only calls waiting for a worker keep the process alive (see build()).
      worker.unref();
      return worker;
    });
  }

  build(call: SimCall, url: URL): Promise<BuiltRequest> {
    if (this.closed) return Promise.reject(new Error('sign pool closed'));
    const id = this.next++;
    const worker = this.workers[id % this.workers.length]!;
    return new Promise((resolve, reject) => {
      if (this.waiting.size === 0) for (const w of this.workers) w.ref();
      this.waiting.set(id, { url, resolve, reject });
      const job: SignJob = { id, call, href: url.href };
      worker.postMessage(job);
    });
  }

  private settle(m: SignedMessage): void {
    const w = this.waiting.get(m.id);
    if (!w) return;
    this.waiting.delete(m.id);
    if (this.waiting.size === 0) for (const worker of this.workers) worker.unref();
    if ('error' in m) w.reject(new Error(m.error));
    else
      w.resolve({
        url: w.url,
        headers: m.headers,
        body: Buffer.from(m.body.buffer, m.body.byteOffset, m.body.length),
      });
  }

  private failAll(err: Error): void {
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.failAll(new Error('sign pool closed'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
