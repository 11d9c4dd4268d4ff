import { parentPort, workerData } from 'node:worker_threads';
import type { SimCall } from '../model/events.js';
import { type PortableRequest, requestFromPortable } from './portable-request.js';
import { buildRequest } from './request.js';
import type { SignedMessage, SignJob } from './sign-pool.js';

/**
 * Worker side of the sign pool: a batch of calls from the main thread
 * encoded and signed with the same code the main thread would use, so the
 * bytes are the same; the batch goes back as one message, the bodies as
 * transferred buffers.
 */
const options = requestFromPortable(workerData as PortableRequest);
/** The few target URLs, parsed once each (every call of a kind goes to the same one). */
const urls = new Map<string, URL>();

function urlOf(href: string): URL {
  let url = urls.get(href);
  if (!url) {
    if (urls.size >= 64) urls.clear();
    url = new URL(href);
    urls.set(href, url);
  }
  return url;
}

parentPort!.on('message', (jobs: SignJob[]) => {
  const out: SignedMessage[] = [];
  const transfer: ArrayBuffer[] = [];
  for (const job of jobs) {
    try {
      const built = buildRequest(job.call as SimCall, urlOf(job.href), options);
      // A copy with a buffer of its own: the encoder's body may be a view on a reused slab.
      const body = new Uint8Array(built.body);
      out.push({ id: job.id, headers: built.headers, body });
      transfer.push(body.buffer);
    } catch (err) {
      out.push({ id: job.id, error: (err as Error).message });
    }
  }
  parentPort!.postMessage(out, transfer);
});
