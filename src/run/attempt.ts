import type { CallResult } from '../model/results.js';
import type { HttpResult } from '../transport/http.js';
import type { AttemptRequest, Outgoing, RequestMaker } from './outgoing.js';
import type { AttemptOutcome } from './retry-policy.js';
import type { CallInfo } from './source.js';

/** Sends a request; `HttpClient.post` in a run, a fake in unit tests. */
export type Post = (url: URL, headers: AttemptRequest['headers'], body: Buffer) => Promise<HttpResult>;

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
export async function attempt<C extends CallInfo>(
  o: Outgoing<C>,
  n: number,
  intendedAt: number,
  maker: RequestMaker<C>,
  post: Post,
  now: () => number,
): Promise<Attempted> {
  let url: URL | undefined;
  let outcome: AttemptOutcome;
  let sentAt: number;
  let latencyMs = 0;
  let error: string | undefined;
  let answer: CallResult['answer'];
  try {
    url = maker.target(o.call);
    const built = maker.request(o.call, n, url);
    // A request built on this thread goes out in the same turn (no await, no microtask).
    const req = built instanceof Promise ? await built : built;
    sentAt = now();
    const res = await post(url, req.headers, req.body);
    latencyMs = res.latencyMs;
    outcome = {};
    if (res.status !== undefined) outcome.status = res.status;
    if (res.errorKind) {
      outcome.errorKind = res.errorKind;
      error = res.error ?? res.errorKind;
    }
    if (res.retryAfter !== undefined) outcome.retryAfter = res.retryAfter;
    answer = res.answer;
  } catch (err) {
    sentAt = now();
    outcome = { errorKind: 'other', local: true };
    error = (err as Error).message;
  }
  const { call } = o;
  const record: CallResult = {
    index: o.index,
    attempt: n,
    final: true,
    id: call.event.id,
    type: call.event.type,
    scenario: call.scenario,
    style: call.style,
    recipient: call.event.recipient,
    url: url ? hrefOf(url) : '',
    intendedAt,
    sentAt,
    latencyMs,
  };
  if (outcome.status !== undefined) record.status = outcome.status;
  if (outcome.errorKind) {
    record.errorKind = outcome.errorKind;
    record.error = error ?? outcome.errorKind;
  }
  if (call.defects) record.defects = call.defects.kinds;
  if (answer) record.answer = answer;
  if (o.duplicate) record.duplicate = true;
  if (n === 1 && o.delayMs > 0) record.delayMs = o.delayMs;
  return { record, outcome };
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
