import { Worker } from 'node:worker_threads';
import { encodeCall } from '../encode/body.js';
import type { SimCall } from '../model/events.js';
import type { BuiltRequest, RequestOptions, SigningConfig } from './request.js';

/**
 * RSA-2048 signing costs ~0.4 ms a call: at load it runs on worker threads
 * so signed throughput scales with cores. Encoding stays on the main thread;
 * only the body bytes cross over. Builds the same request `buildRequest` does.
 */
export class SignPool {
  private readonly workers: { worker: Worker; pending: number }[] = [];
  private readonly waiting = new Map<
    number,
    { resolve: (headers: Record<string, string>) => void; reject: (err: Error) => void }
  >();
  private nextId = 0;
  /** Sum of time the workers spent signing, ms. */
  busyMs = 0;

  constructor(
    size: number,
    signing: SigningConfig,
    private readonly options: RequestOptions,
  ) {
    const keyPem = signing.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    for (let i = 0; i < size; i++) {
      const worker = new Worker(new URL('./sign-worker.js', import.meta.url), {
        workerData: {
          keyPem,
          keyId: signing.keyId,
          copernicaId: signing.copernicaId,
          ...(signing.headers ? { headers: [...signing.headers] } : {}),
          ...(signing.digestCase ? { digestCase: signing.digestCase } : {}),
        },
      });
      const slot = { worker, pending: 0 };
      worker.on('message', (msg: { id: number; headers: Record<string, string>; busyMs: number }) => {
        slot.pending--;
        this.busyMs += msg.busyMs;
        const waiter = this.waiting.get(msg.id);
        this.waiting.delete(msg.id);
        waiter?.resolve(msg.headers);
      });
      // A dead worker fails every call waiting on the pool (each becomes an 'other' error).
      worker.on('error', (err) => {
        for (const w of this.waiting.values()) w.reject(err);
        this.waiting.clear();
      });
      this.workers.push(slot);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** Calls waiting for a signature. */
  get queued(): number {
    return this.waiting.size;
  }

  async build(call: SimCall, url: URL): Promise<BuiltRequest> {
    const { contentType, body } = encodeCall(call, this.options.format, this.options.dialect);
    let slot = this.workers[0]!;
    for (const w of this.workers) if (w.pending < slot.pending) slot = w;
    slot.pending++;
    const id = this.nextId++;
    const signed = await new Promise<Record<string, string>>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      // A copy of just the body: cloning a view sends its whole ArrayBuffer (a shared slab or pool).
      const bytes = new Uint8Array(body);
      slot.worker.postMessage({
        id,
        req: { method: 'POST', path: url.pathname + url.search, host: url.host, contentType, body: bytes },
      });
    });
    const base: Record<string, string> = {
      'Content-Type': contentType,
      'Content-Length': String(body.length),
      'User-Agent': this.options.userAgent ?? 'smtpeter-sim',
    };
    return { url, headers: { ...base, ...signed, ...this.options.extraHeaders }, body };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}
