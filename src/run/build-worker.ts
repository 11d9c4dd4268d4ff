import { parentPort, workerData } from 'node:worker_threads';
import { EventGenerator, eventClock } from '../generate/events.js';
import { systemClock } from '../model/time.js';
import {
  type BatchMessage,
  type BuildWorkerInit,
  CALL_FIELDS,
  type JobMessage,
  WARM_UP_INSTANCE,
} from './build-pool.js';
import { StringPacker } from './packed-strings.js';
import { requestFromPortable } from './portable-request.js';
import { buildRequest, type RequestOptions, type Targets, targetFor } from './request.js';
import { lowerThreadPriority } from './thread-priority.js';

/**
 * Worker side of the build pool: scenario instances `from..to` of the run's
 * generator, each call encoded and signed with the same code the main thread
 * uses (so the bytes are the same), packed into one transferable batch.
 */
const init = workerData as BuildWorkerInit;
const { clockBase, ...generate } = init.generate;
const generator = new EventGenerator({ ...generate, clock: eventClock(clockBase, systemClock) });
const targets: Targets = {};
for (const [key, href] of Object.entries(init.targets) as Array<[keyof Targets, string | undefined]>)
  if (href) targets[key] = new URL(href);
const options: RequestOptions = requestFromPortable(init.request);

const WARM_UP_INSTANCES = 2000;
const WARM_UP_MS = 500;
/** Signed runs: the signing path too, for this long (a signature is ~0.3 ms of CPU: a few hundred calls). */
const SIGNED_WARM_UP_MS = 150;
const WARM_UP_JOB = 32;

// Nice 10: when both can run, the main thread gets ~90% of a shared core (CFS weights 1024 to 110).
if (init.yieldToSender) lowerThreadPriority(10);
warmUp();

parentPort!.on('message', (job: JobMessage) => {
  const batch = buildBatch(job, options);
  const { strings } = batch;
  parentPort!.postMessage(batch, [
    batch.bytes,
    batch.ends.buffer as ArrayBuffer,
    strings.text,
    strings.callEnds.buffer as ArrayBuffer,
    strings.fieldEnds.buffer as ArrayBuffer,
  ]);
});

/** Scenario instances `from..to`, each call built with `request`, packed into one transferable batch. */
function buildBatch(job: JobMessage, request: RequestOptions): BatchMessage {
  const started = performance.now();
  let packer: StringPacker | undefined;
  const fields: string[] = [];
  const bodies: Buffer[] = [];
  let headerNames: string[] | undefined;
  let total = 0;
  for (let i = job.from; i < job.to; i++) {
    for (const call of generator.instance(i)) {
      const req = buildRequest(call, targetFor(call, targets), request);
      // Every call of a run has the same header names in the same order (the options decide them).
      headerNames ??= Object.keys(req.headers);
      packer ??= new StringPacker(CALL_FIELDS + headerNames.length);
      fields.length = 0;
      fields.push(
        call.event.id,
        call.event.type,
        call.event.recipient,
        call.scenario,
        call.style,
        call.defects?.kinds.join(',') ?? '',
      );
      for (const name of headerNames) {
        const value = req.headers[name];
        if (value === undefined) throw new Error(`a call without the ${name} header`);
        fields.push(value);
      }
      packer.push(fields);
      bodies.push(req.body);
      total += req.body.length;
    }
  }
  // One buffer of its own (never a slice of Node's shared pool), so it can be transferred.
  const bytes = new Uint8Array(new ArrayBuffer(total));
  const ends = new Uint32Array(bodies.length);
  let at = 0;
  for (let k = 0; k < bodies.length; k++) {
    bytes.set(bodies[k]!, at);
    at += bodies[k]!.length;
    ends[k] = at;
  }
  return {
    job: job.job,
    instances: job.to - job.from,
    count: bodies.length,
    headerNames: headerNames ?? [],
    strings: (packer ?? new StringPacker(CALL_FIELDS)).pack(),
    bytes: bytes.buffer,
    ends,
    busyMs: performance.now() - started,
  };
}

/**
 * Generation runs several times slower until the JIT has seen a couple of
 * thousand calls. Build (unsigned, then drop) batches of an index range the
 * run never reads, so a run's first second is not its slowest: up to
 * WARM_UP_INSTANCES, or WARM_UP_MS of wall time on a busy machine; then, in
 * a signed run, signed batches for SIGNED_WARM_UP_MS (signing, and a signed
 * call's headers in the batch, are code the unsigned ones never reach).
 */
function warmUp(): void {
  const { signing, ...unsigned } = options;
  const warm = (request: RequestOptions, instances: number, ms: number, from: number): number => {
    const started = performance.now();
    let i = 0;
    for (; i < instances && performance.now() - started < ms; i += WARM_UP_JOB)
      buildBatch({ job: -1, from: from + i, to: from + i + WARM_UP_JOB }, request);
    return from + i;
  };
  const next = warm(unsigned, WARM_UP_INSTANCES, WARM_UP_MS, WARM_UP_INSTANCE);
  if (signing) warm(options, WARM_UP_INSTANCES, SIGNED_WARM_UP_MS, next);
}
