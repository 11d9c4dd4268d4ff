import { parentPort, workerData } from 'node:worker_threads';
import type { SimCall } from '../model/events.js';
import { type PortableRequest, requestFromPortable } from './portable-request.js';
import { buildRequest } from './request.js';
import type { SignedMessage, SignJob } from './sign-pool.js';

/**
 * Worker side of the sign pool: a call from the main thread encoded and
 * signed with the same code the main thread would use, so the bytes are the
 * same; the body goes back as its own transferred buffer. One answer per
 * call, as soon as it is signed: answering a batch at once left the worker
 * idle until the calls it had signed came back from the receiver (see
 * docs/performance.md, serve).
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

parentPort!.on('message', (job: SignJob) => {
  let out: SignedMessage;
  try {
    const built = buildRequest(job.call as SimCall, urlOf(job.href), options);
    // A copy with a buffer of its own: the encoder's body may be a view on a reused slab.
    const body = new Uint8Array(built.body);
    out = { id: job.id, headers: built.headers, body };
    parentPort!.postMessage(out, [body.buffer]);
  } catch (err) {
    out = { id: job.id, error: (err as Error).message };
    parentPort!.postMessage(out);
  }
});
