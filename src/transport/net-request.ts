import { answered, failed, type HttpResult, keptAnswer } from './outcome.js';
import type { HeadPrefix } from './request-head.js';

/**
 * One request on the `node:net` transport: its bytes, and what its answer
 * has come to so far. A class, so a call allocates one object and no
 * closures. Settles exactly once through `done`.
 */
export class NetRequest {
  status: number | undefined = undefined;
  retryAfter: string | undefined = undefined;
  /** Answer bytes of any kind seen, set on the first of them (the retry rule: none, and it may go again). */
  answered = false;
  responseBytes = 0;
  /** Already sent again once on a fresh socket after a reused one closed unanswered. */
  retried = false;
  settled = false;
  private answerHeaders: string[] | undefined = undefined;
  private answerBody: Buffer[] | undefined = undefined;

  /** The caller asked for `Connection: close`. */
  readonly closeAfter: boolean;

  constructor(
    readonly head: HeadPrefix,
    readonly body: Buffer,
    readonly started: number,
    private readonly max: number,
    private readonly keep: number,
    private readonly done: (result: HttpResult) => void,
  ) {
    this.closeAfter = head.close;
  }

  /** The answer's status, its Retry-After, and (with `keep`) all its headers. */
  onHeaders(status: number, retryAfter: string | undefined, headers: string[] | undefined): void {
    this.status = status;
    this.retryAfter = retryAfter;
    if (this.keep > 0 && headers !== undefined) {
      this.answerHeaders = headers;
      this.answerBody = [];
    }
  }

  /**
   * Body bytes, in a buffer the next read overwrites (kept ones are copied); false once past
   * `max` (the caller drops the socket: the status is what we came for).
   */
  onBody(chunk: Buffer, start: number, length: number): boolean {
    if (this.answerBody && this.responseBytes <= this.keep)
      this.answerBody.push(Buffer.from(chunk.subarray(start, start + length)));
    this.responseBytes += length;
    if (this.responseBytes > this.max) {
      this.complete();
      return false;
    }
    return true;
  }

  complete(): void {
    if (this.settled) return;
    this.settled = true;
    const kept =
      this.answerHeaders && this.answerBody
        ? keptAnswer(this.answerHeaders, this.answerBody, this.keep)
        : undefined;
    this.done(answered(this.started, this.status, this.retryAfter, this.responseBytes, this.max, kept));
  }

  fail(err: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.done(failed(err, this.started));
  }
}
