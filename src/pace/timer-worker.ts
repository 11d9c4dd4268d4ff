import { parentPort, workerData } from 'node:worker_threads';

/**
 * Worker side of the precise sleeper: blocks in Atomics.wait (a futex with
 * a sub-millisecond timeout) until the deadline the main thread wrote, then
 * wakes it with a message. Slot 0 counts requests, slot 1 asks it to stop;
 * the deadline is in ms of the monotonic clock (process.hrtime).
 */
const control = new Int32Array(workerData.buffer as SharedArrayBuffer, 0, 2);
const deadline = new Float64Array(workerData.buffer as SharedArrayBuffer, 8, 1);
const clock = (): number => Number(process.hrtime.bigint()) / 1e6;

let seen = 0;
for (;;) {
  Atomics.wait(control, 0, seen);
  if (Atomics.load(control, 1) !== 0) break;
  seen = Atomics.load(control, 0);
  for (;;) {
    const remaining = deadline[0]! - clock();
    if (remaining <= 0) break;
    // Woken early by a newer request: wait for its deadline instead.
    if (Atomics.wait(control, 0, seen, remaining) !== 'timed-out') seen = Atomics.load(control, 0);
    if (Atomics.load(control, 1) !== 0) break;
  }
  if (Atomics.load(control, 1) !== 0) break;
  parentPort!.postMessage(seen);
}
