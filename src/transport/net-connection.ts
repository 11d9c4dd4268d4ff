import { connect, type Socket } from 'node:net';
import { AnswerParser, type AnswerReader } from './answer-parser.js';
import type { NetRequest } from './net-request.js';
import { lengthLine, writeRequest } from './request-head.js';
import { TransportError } from './transport-error.js';

export { TransportError };

/** What a connection tells the pool that owns it. */
export interface ConnectionOwner {
  /** An answer ended and the socket stays: room for another request. */
  free(conn: NetConnection): void;
  /** The socket is gone; `orphans` were written on it and their answers did not end. */
  closed(conn: NetConnection, orphans: NetRequest[], err: Error | undefined): void;
}

/** A socket's read buffer: a webhook answer fits many times; a longer one is read in pieces. */
const READ_BYTES = 16 * 1024;

/** Bodies up to this size go out in one buffer with their head (a webhook's form body is well under). */
const COPY_BODY_BYTES = 16 * 1024;

/**
 * One keep-alive socket: requests written in order (several ahead with
 * pipelining), answers read with `AnswerParser` and matched to them first
 * in, first out, as autocannon's client does.
 */
export class NetConnection implements AnswerReader {
  /** Written and not yet answered in full, oldest first. */
  readonly inFlight: NetRequest[] = [];
  /** Answers that ended on this socket (above 0: it is being reused). */
  answered = 0;
  /** Sweeps without progress while requests are in flight / while idle. */
  stalled = 0;
  idle = 0;
  /** Takes no more requests (an answer or the caller said close, or it is going). */
  closing = false;
  /** In the pool's stack of sockets with room. */
  ready = false;
  /** Opened and connected before any request (`open`): it sat idle, so a server may close it as it would a reused one. */
  openedAhead = false;
  private readonly socket: Socket;
  private readonly parser: AnswerParser;
  private error: Error | undefined = undefined;

  constructor(
    port: number,
    host: string,
    private readonly owner: ConnectionOwner,
    /** Answers' headers are kept (`keepAnswer`), not only read. */
    keepHeaders: boolean,
  ) {
    this.parser = new AnswerParser(this, keepHeaders);
    // As undici connects: no Nagle delay, TCP keep-alive probes after 60 s. Answers are read
    // into one buffer of the socket's own and parsed at once (the parser copies what it keeps):
    // no buffer per read and no stream machinery on the way, as with 'data' events.
    const read = Buffer.allocUnsafe(READ_BYTES);
    this.socket = connect({
      port,
      host,
      noDelay: true,
      keepAlive: true,
      keepAliveInitialDelay: 60_000,
      onread: {
        buffer: read,
        callback: (length) => {
          this.onData(read, length);
          return true;
        },
      },
    });
    this.socket.on('end', () => this.onEnd());
    this.socket.on('error', (err) => {
      this.error ??= err;
    });
    this.socket.on('close', () => this.onClose());
  }

  /** Resolves true once connected, false if the socket went first. */
  connected(): Promise<boolean> {
    const socket = this.socket;
    if (!socket.connecting) return Promise.resolve(!socket.destroyed);
    return new Promise((resolve) => {
      const done = (ok: boolean) => () => {
        socket.off('connect', yes);
        socket.off('close', no);
        resolve(ok);
      };
      const yes = done(true);
      const no = done(false);
      socket.once('connect', yes);
      socket.once('close', no);
    });
  }

  get busy(): number {
    return this.inFlight.length;
  }

  /**
   * Head and body in one write, as undici writes a buffer body (it corks the
   * two). A small request is copied into one buffer first: a single buffer
   * takes the stream's short path (no writev, no string chunk), less work and
   * garbage per call than the copy costs.
   */
  write(req: NetRequest): void {
    this.inFlight.push(req);
    this.stalled = 0;
    this.idle = 0;
    if (req.closeAfter) this.closing = true;
    const socket = this.socket;
    const { head, body } = req;
    if (body.length <= COPY_BODY_BYTES) {
      socket.write(writeRequest(head, body));
      return;
    }
    socket.cork();
    socket.write(head.bytes);
    socket.write(lengthLine(body.length), 'latin1');
    socket.write(body);
    socket.uncork();
  }

  /** Drop the socket; what is in flight fails with `err` (a timeout, an interrupt). */
  drop(err?: Error): void {
    this.closing = true;
    if (err) this.error ??= err;
    this.parser.halt();
    this.socket.destroy();
  }

  /** No progress for the timeout: undici's connect, headers or body timeout. */
  timedOut(): void {
    const first = this.inFlight[0];
    if (this.socket.connecting)
      this.drop(new TransportError('UND_ERR_CONNECT_TIMEOUT', 'Connect Timeout Error'));
    else if (first?.status !== undefined)
      this.drop(new TransportError('UND_ERR_BODY_TIMEOUT', 'Body Timeout Error'));
    else this.drop(new TransportError('UND_ERR_HEADERS_TIMEOUT', 'Headers Timeout Error'));
  }

  /** `length` bytes read into `chunk` (overwritten by the next read). */
  private onData(chunk: Buffer, length: number): void {
    if (this.closing && this.inFlight.length === 0) return;
    this.stalled = 0;
    // Any byte of an answer, not only a whole head: the receiver has the request, so it must not go again.
    const head = this.inFlight[0];
    if (head !== undefined) head.answered = true;
    const err = this.parser.execute(chunk, 0, length);
    if (err !== undefined) this.drop(err);
  }

  onAnswerHead(status: number, retryAfter: string | undefined, headers: string[] | undefined): void {
    const req = this.inFlight[0];
    if (req === undefined) {
      this.drop(new TransportError('UND_ERR_SOCKET', 'answer to no request'));
      return;
    }
    req.answered = true;
    req.onHeaders(status, retryAfter, headers);
  }

  onAnswerBody(chunk: Buffer, start: number, length: number): boolean {
    const req = this.inFlight[0];
    // Past the limit the request has its result: drop the socket and the rest of the body.
    if (req && !req.onBody(chunk, start, length)) {
      this.drop();
      return false;
    }
    return true;
  }

  onAnswerEnd(keepAlive: boolean, more: boolean): void {
    const req = this.inFlight.shift();
    if (req === undefined) return;
    // More of this read to parse: it is the next pipelined request's answer beginning.
    const next = this.inFlight[0];
    if (next !== undefined && more) next.answered = true;
    this.answered++;
    // The socket's fate first: the caller's next request (sent from `complete`) finds it ready.
    if (!keepAlive || req.closeAfter) this.drop();
    else if (!this.closing) this.owner.free(this);
    req.complete();
  }

  /** The server closed its side: an answer read to the socket's end ends here. */
  private onEnd(): void {
    this.closing = true;
    if (this.inFlight.length > 0) this.parser.finish();
  }

  private onClose(): void {
    this.closing = true;
    const orphans = this.inFlight.filter((r) => !r.settled);
    this.inFlight.length = 0;
    this.owner.closed(this, orphans, this.error);
  }
}
