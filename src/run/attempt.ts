import type { CallResult } from '../model/results.js';
import type { HttpResult } from '../transport/http.js';
import type { AttemptRequest, Outgoing, RequestMaker } from './outgoing.js';
import type { AttemptOutcome } from './retry-policy.js';
import type { CallInfo } from './source.js';

/** Sends a request; `HttpClient.post` in a run, a fake in unit tests. */
export type Post = (url: URL, headers: AttemptRequest['headers'], body: Buffer) => Promise<HttpResult>;

/**
 * Sends a request and calls `done` once with the answer (`HttpClient.send`):
 * no promise per request, for the load loop. `failed` is for a sender that
 * can throw instead of answering (a `Post` adapted to this shape).
 */
export type Send = (
  url: URL,
  headers: AttemptRequest['headers'],
  body: Buffer,
  done: (result: HttpResult) => void,
  failed: (err: unknown) => void,
) => void;

/** One attempt's record, and what its answer says for retrying. */
export interface Attempted {
  record: CallResult;
  outcome: AttemptOutcome;
}

/**
 * One request of a call: build it for attempt `n`, send it, one record out
 * (vegeta's `hit`). Touches nothing else: retrying, counting and reporting
 * read the record. Never rejects: a request that cannot be built is an
 * `other` error that no retry can fix.
 */
export function attempt<C extends CallInfo>(
  o: Outgoing<C>,
  n: number,
  intendedAt: number,
  maker: RequestMaker<C>,
  post: Post,
  now: () => number,
): Promise<Attempted> {
  return new Promise((resolve) => attemptThen(o, n, intendedAt, maker, sendWith(post), now, resolve));
}

/** A `Post` as a `Send`. */
export function sendWith(post: Post): Send {
  return (url, headers, body, done, failed) => {
    post(url, headers, body).then(done, failed);
  };
}

/** One attempt in progress: the call, its attempt number, when it was due, where it goes. */
interface Try<C extends CallInfo> {
  o: Outgoing<C>;
  n: number;
  intendedAt: number;
  url: URL | undefined;
}

/**
 * `attempt` with a callback: `done` is called exactly once, and a request
 * built on this thread goes out in the same turn (no promise on the way).
 */
export function attemptThen<C extends CallInfo>(
  o: Outgoing<C>,
  n: number,
  intendedAt: number,
  maker: RequestMaker<C>,
  send: Send,
  now: () => number,
  done: (attempted: Attempted) => void,
): void {
  const t: Try<C> = { o, n, intendedAt, url: undefined };
  // One settled flag for the whole attempt: a build that throws, a send that throws, and an answer
  // arriving anyway still make one record.
  let settled = false;
  let doneThrew = false;
  const finish = (attempted: Attempted): void => {
    if (settled) return;
    settled = true;
    try {
      done(attempted);
    } catch (err) {
      doneThrew = true;
      throw err;
    }
  };
  const go = (url: URL, req: AttemptRequest): void => {
    try {
      sendBuilt(t, url, req, send, now, finish);
    } catch (err) {
      // Thrown by `done` itself: the caller's error, not this attempt's; otherwise a local error
      // (nothing if the attempt was already answered).
      if (doneThrew) throw err;
      finish(notSent(t, now(), err));
    }
  };
  let url: URL;
  let built: AttemptRequest | Promise<AttemptRequest>;
  try {
    url = maker.target(o.call);
    t.url = url;
    built = maker.request(o.call, n, url);
  } catch (err) {
    finish(notSent(t, now(), err));
    return;
  }
  if (built instanceof Promise)
    built.then(
      (req) => go(url, req),
      (err) => finish(notSent(t, now(), err)),
    );
  else go(url, built);
}

function sendBuilt<C extends CallInfo>(
  t: Try<C>,
  url: URL,
  req: AttemptRequest,
  send: Send,
  now: () => number,
  done: (attempted: Attempted) => void,
): void {
  const sentAt = now();
  let settled = false;
  send(
    url,
    req.headers,
    req.body,
    (res) => {
      if (settled) return;
      settled = true;
      done(answered(t, sentAt, res));
    },
    (err) => {
      if (settled) return;
      settled = true;
      done(notSent(t, now(), err));
    },
  );
}

/** The record of an answered attempt (a status, or a transport error). */
function answered<C extends CallInfo>(t: Try<C>, sentAt: number, res: HttpResult): Attempted {
  const outcome: AttemptOutcome = {};
  const record = baseRecord(t, sentAt, res.latencyMs);
  if (res.status !== undefined) {
    outcome.status = res.status;
    record.status = res.status;
  }
  if (res.errorKind) {
    outcome.errorKind = res.errorKind;
    record.errorKind = res.errorKind;
    record.error = res.error ?? res.errorKind;
  }
  if (res.retryAfter !== undefined) outcome.retryAfter = res.retryAfter;
  if (res.answer) record.answer = res.answer;
  return { record: tail(t, record), outcome };
}

/** The record of an attempt that could not be built or sent: a local `other` error. */
function notSent<C extends CallInfo>(t: Try<C>, sentAt: number, err: unknown): Attempted {
  const record = baseRecord(t, sentAt, 0);
  record.errorKind = 'other';
  record.error = (err as Error).message;
  return { record: tail(t, record), outcome: { errorKind: 'other', local: true } };
}

function baseRecord<C extends CallInfo>(t: Try<C>, sentAt: number, latencyMs: number): CallResult {
  const { call } = t.o;
  return {
    index: t.o.index,
    attempt: t.n,
    final: true,
    id: call.event.id,
    type: call.event.type,
    scenario: call.scenario,
    style: call.style,
    recipient: call.event.recipient,
    url: t.url ? hrefOf(t.url) : '',
    intendedAt: t.intendedAt,
    sentAt,
    latencyMs,
  };
}

/** The fields after the answer, in the order records have always had them. */
function tail<C extends CallInfo>(t: Try<C>, record: CallResult): CallResult {
  if (t.o.call.defects) record.defects = t.o.call.defects.kinds;
  if (t.o.duplicate) record.duplicate = true;
  if (t.n === 1 && t.o.delayMs > 0) record.delayMs = t.o.delayMs;
  return record;
}

/** `url.href` builds a string on each read; targets are few, so remember it. */
const hrefs = new WeakMap<URL, string>();
function hrefOf(url: URL): string {
  let href = hrefs.get(url);
  if (href === undefined) {
    href = url.href;
    hrefs.set(url, href);
  }
  return href;
}
