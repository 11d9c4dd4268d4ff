import type { Rng } from '../random/rng.js';
import type { RequestHeaders } from '../transport/http.js';
import type { CallInfo } from './source.js';

/** What goes on the wire for one attempt (the URL comes from `target`). */
export interface AttemptRequest {
  headers: RequestHeaders;
  body: Buffer;
}

/**
 * How a run's calls become requests. The engine asks for attempt n's request
 * when it is sent (a retry is signed afresh: new Date, nonce and signature),
 * so building stays the caller's business: fire encodes and signs, replay
 * rebases recorded times first, a worker-built call is sent as built.
 */
export interface RequestMaker<C extends CallInfo> {
  /** Where the call goes; throws when no URL is configured for its kind. */
  target(call: C): URL;
  request(call: C, attempt: number, url: URL): AttemptRequest | Promise<AttemptRequest>;
  /** The call reached its goal (default: a 2xx). Replay expects what the fixture says. */
  met?(call: C, status: number | undefined): boolean;
}

/** A call that has its slot: what all its attempts share. */
export interface Outgoing<C extends CallInfo> {
  call: C;
  /** The slot's number in the run. */
  index: number;
  /** A second delivery (--duplicate). */
  duplicate: boolean;
  /** Waited before the first attempt (--delay), ms. */
  delayMs: number;
  /** The call's retry jitter stream, made when it first retries. */
  rng?: Rng;
  /** The last retry wait (decorrelated jitter grows from it). */
  lastWaitMs?: number;
  /** Resolves a caller that waits for the call's end (a replay is a sequence). */
  ended?: () => void;
}
