import type { SimCall } from '../../model/events.js';
import { type BuiltRequest, type Targets, targetFor } from '../../run/request.js';
import type { CallSource } from '../../run/source.js';

/** The due queue as SignAhead reads it: `next()` waits for a call, `takeDue()` takes one only if it is due now. */
export interface DueCalls {
  next(): SimCall | undefined | Promise<SimCall | undefined>;
  takeDue(): SimCall | undefined;
}

/** Signs one call for one URL, off the main thread (the sign pool). */
export type Signer = (call: SimCall, url: URL) => Promise<BuiltRequest>;

/**
 * A source that starts signing the next `depth` due calls before a sender is
 * free to take them, so the sign workers have work queued while the event
 * loop is busy elsewhere (taking sends in): with signing inside the senders'
 * slots only, every slot waited for its answer from the receiver before the
 * next call was given to a worker, and the workers idled between a slot's
 * answer and the main thread's next turn. The calls in flight to the
 * receiver stay the engine's `concurrency`; what is signed ahead only waits
 * (~depth / calls per second: milliseconds) for a free sender.
 *
 * `build` answers a call signed ahead with its request when its URL is the
 * one it was signed for (a URL changed by POST /v1/webhook since is signed
 * again), anything else (retries, calls taken before) signed then.
 */
export class SignAhead implements CallSource {
  /** Calls taken from the source, in order, from `head` on. */
  private taken: SimCall[] = [];
  private head = 0;
  private readonly ahead = new Map<SimCall, { href: string; request: Promise<BuiltRequest> }>();

  constructor(
    private readonly source: DueCalls,
    private readonly sign: Signer,
    private readonly targets: Targets,
    private readonly depth: number,
  ) {}

  /** Calls taken from the source that no sender has yet. */
  get size(): number {
    return this.taken.length - this.head;
  }

  next(): SimCall | undefined | Promise<SimCall | undefined> {
    this.fill();
    if (this.head < this.taken.length) return this.take();
    // Nothing due: the reader waits for the source, and what it gets is signed when built.
    return this.source.next();
  }

  build(call: SimCall, url: URL): Promise<BuiltRequest> {
    const ahead = this.ahead.get(call);
    if (ahead) {
      this.ahead.delete(call);
      if (ahead.href === url.href) return ahead.request;
    }
    return this.sign(call, url);
  }

  /** Take the calls due now (no waiting) until `depth` are signed or signing. */
  private fill(): void {
    while (this.taken.length - this.head < this.depth) {
      const call = this.source.takeDue();
      if (call === undefined) return;
      this.taken.push(call);
      let url: URL;
      try {
        url = targetFor(call, this.targets);
      } catch {
        // No URL for its kind now: the engine finds out when it asks, as without signing ahead.
        continue;
      }
      const request = this.sign(call, url);
      // A call signed ahead that is never sent (a stop) must not fail the process.
      request.catch(() => undefined);
      this.ahead.set(call, { href: url.href, request });
    }
  }

  private take(): SimCall {
    const call = this.taken[this.head++]!;
    if (this.head === this.taken.length) {
      this.taken = [];
      this.head = 0;
    }
    return call;
  }
}
