import type { SimCall } from '../../model/events.js';
import type { CallSource } from '../../run/source.js';

interface Entry {
  at: number;
  seq: number;
  call: SimCall;
}

/** setTimeout's longest wait; a later call is looked at again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Calls waiting for their time, as a source the send engine reads: `next()`
 * answers when the earliest call is due, and `undefined` once closed. A
 * binary heap by due time (then arrival), one timer for the earliest.
 *
 * With an `orderKey` (serve: the message id), a call is not handed out while
 * an earlier call with the same key is on its first attempt: it waits until
 * that attempt is `answered`. At a high --time-scale a message's open is due
 * a millisecond after its delivery, and the engine's concurrent senders would
 * otherwise let the open reach the receiver first, which SMTPeter's hours
 * between the two never do. A retry does not hold later calls back (SMTPeter
 * does not either: a failing delivery webhook does not delay the open's).
 */
export class DueQueue implements CallSource {
  private readonly heap: Entry[] = [];
  /** Due calls no reader has taken yet, from `readyHead` on (a head index: shift() is O(n) on a long backlog). */
  private ready: SimCall[] = [];
  private readyHead = 0;
  private readonly waiters: ((call: SimCall | undefined) => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private seq = 0;
  private closed = false;

  /** Keys with a call on its first attempt, each with the calls held behind it, in order. */
  private readonly held = new Map<string, SimCall[]>();
  private heldCount = 0;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly orderKey?: (call: SimCall) => string | undefined,
  ) {}

  get size(): number {
    return this.heap.length + this.ready.length - this.readyHead + this.heldCount;
  }

  /** `call`'s first attempt has its answer (or error): the next call held behind it may go. */
  answered(call: SimCall): void {
    const key = this.orderKey?.(call);
    if (key === undefined) return;
    const behind = this.held.get(key);
    if (behind === undefined) return;
    const next = behind.shift();
    if (next === undefined) {
      this.held.delete(key);
      return;
    }
    this.heldCount--;
    if (!this.closed) this.handOut(next);
  }

  push(call: SimCall, at: number): void {
    if (this.closed) return;
    this.heapPush({ at, seq: this.seq++, call });
    this.release();
  }

  next(): SimCall | undefined | Promise<SimCall | undefined> {
    if (this.readyHead < this.ready.length) return this.takeReady();
    if (this.closed) return undefined;
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.release();
    });
  }

  /** No more calls: waiting readers get `undefined`; calls not yet due stay unsent (they are stored). */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  private takeReady(): SimCall {
    const call = this.ready[this.readyHead++]!;
    if (this.readyHead === this.ready.length) {
      this.ready = [];
      this.readyHead = 0;
    } else if (this.readyHead > 1024 && this.readyHead * 2 > this.ready.length) {
      this.ready = this.ready.slice(this.readyHead);
      this.readyHead = 0;
    }
    return call;
  }

  /** Hand every due call to a waiting reader (or keep it ready); set the timer for the next. */
  private release(): void {
    const now = this.now();
    while (this.heap.length && this.heap[0]!.at <= now) {
      const { call } = this.heapPop()!;
      const key = this.orderKey?.(call);
      if (key !== undefined) {
        const behind = this.held.get(key);
        if (behind !== undefined) {
          behind.push(call);
          this.heldCount++;
          continue;
        }
        this.held.set(key, []);
      }
      this.handOut(call);
    }
    const first = this.heap[0];
    if (!first || !this.waiters.length) return;
    if (this.timer && this.timerAt <= first.at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = first.at;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Number.POSITIVE_INFINITY;
        this.release();
      },
      Math.min(MAX_TIMER_MS, Math.max(0, first.at - now)),
    );
  }

  private handOut(call: SimCall): void {
    const w = this.waiters.shift();
    if (w) w(call);
    else this.ready.push(call);
  }

  private heapPush(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private heapPop(): Entry | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (!h.length || !last) return top;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && before(h[l]!, h[m]!)) m = l;
      if (r < h.length && before(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
    return top;
  }
}

const before = (a: Entry, b: Entry): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq);
