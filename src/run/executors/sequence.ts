import type { SendEngine } from '../send-engine.js';
import type { CallInfo } from '../source.js';

/** A call of a sequence and when it is due (ms since the epoch; 0 or past: now). */
export interface SequencedCall<C> {
  call: C;
  dueAt: number;
  duplicate?: boolean;
}

/**
 * One call at a time, in order, each waiting for the previous one to end,
 * retries included (replay: a sequence, not a load test). `next(i)` is asked
 * only when call i may go, so its due time can depend on when earlier calls
 * ended (a fixture file's recorded spacing starts when the file does).
 * Returns the calls started (the one in flight at a stop included).
 */
export async function runSequence<C extends CallInfo>(
  engine: SendEngine<C>,
  count: number,
  next: (i: number) => SequencedCall<C>,
  deps: {
    now: () => number;
    sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
    signal?: AbortSignal;
  },
): Promise<number> {
  let i = 0;
  for (; i < count; i++) {
    if (engine.stopped) break;
    const { call, dueAt, duplicate } = next(i);
    const wait = dueAt - deps.now();
    if (wait > 0) await deps.sleep(wait, deps.signal);
    if (engine.stopped) break;
    // A stop ends the wait for this call at once: the call in flight is the drain's.
    await Promise.race([
      engine.start(call, i, dueAt > 0 ? dueAt : deps.now(), duplicate ?? false, true),
      engine.whenStopped,
    ]);
  }
  return i;
}
