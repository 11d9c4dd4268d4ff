/**
 * Calls waiting for their next attempt, off the send schedule: a mail
 * platform's retry queue is not its send schedule, and a waiting call is not
 * in flight. After a stop nothing in the queue is sent: each waiting call is
 * handed back at once to end with its last answer.
 */
export class RetryQueue {
  /** Calls waiting right now. */
  waiting = 0;

  constructor(
    /** Wait `ms`; resolves at once when `signal` aborts. */
    private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>,
    private readonly signal?: AbortSignal,
  ) {}

  /** After `delayMs`, `due()`; if the run stops first, `cancelled()` instead, at once. */
  add(delayMs: number, due: () => void, cancelled: () => void): void {
    this.waiting++;
    void this.sleep(delayMs, this.signal).then(() => {
      this.waiting--;
      if (this.signal?.aborted) cancelled();
      else due();
    });
  }
}
