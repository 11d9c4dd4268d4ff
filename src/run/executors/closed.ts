import type { CallFeed } from '../call-feed.js';
import type { SendEngine } from '../send-engine.js';
import type { CallInfo } from '../source.js';

export interface ClosedExecution {
  concurrency: number;
  /** Calls at most (Infinity: until the feed, the duration or a stop ends it). */
  count: number;
  /** Start no call at or after this instant (ms since the epoch). */
  endAt: number;
  now: () => number;
}

/**
 * The closed model (k6's constant VUs): `concurrency` senders, each sending
 * its next call as soon as the previous one is answered. A sender waits for
 * its call's delay and first answer; retries go to the retry queue. A stop
 * returns at once: the calls in flight are the drain's (its grace period),
 * not a wait for the receiver's answer here.
 */
export async function runClosed<C extends CallInfo>(
  engine: SendEngine<C>,
  feed: CallFeed<C>,
  x: ClosedExecution,
): Promise<void> {
  let next = 0;
  const sender = async (): Promise<void> => {
    while (next < x.count && !engine.stopped && x.now() < x.endAt) {
      const index = next++;
      let d = feed.next();
      if (d instanceof Promise) {
        d = await d;
        if (engine.stopped || x.now() >= x.endAt) return;
      }
      if (!d) return;
      await engine.start(d.item, index, x.now(), d.duplicate);
    }
  };
  await Promise.race([Promise.all(Array.from({ length: x.concurrency }, sender)), engine.whenStopped]);
}
