import type { CallType } from './events.js';

/**
 * The records the send engine emits: one per attempt (vegeta's results).
 * Metrics, the live line, the log and the reports read them; nothing writes
 * into them but the engine. Kept apart from the engine so readers import
 * data, not the loop.
 */

/** How a request failed without an answer. */
/** How an attempt failed without an answer; `aborted`: cut off by the run's stop (Ctrl-C, --grace spent). */
export type ErrorKind = 'refused' | 'reset' | 'timeout' | 'tls' | 'aborted' | 'other';

/** Why a failed call stopped: the answer cannot improve, retries ran out, or the run was stopped. */
export type GivenUp = 'not-retryable' | 'exhausted' | 'interrupted';

/** The one "delivered" rule: a 2xx answer. */
export const isSuccessStatus = (status: number | undefined): boolean =>
  status !== undefined && status >= 200 && status < 300;

/**
 * One attempt of a call, or its end. A call without retries has one result
 * (attempt 1, final).
 */
export interface CallResult {
  /** The call's slot in the run (dropped and unsent calls have slots too). */
  index: number;
  /** 1 for the first request, 2 for the first retry, ... */
  attempt: number;
  /** The call's last result: its outcome is settled. */
  final: boolean;
  /** Not final: the wait before the next attempt, ms. */
  retryInMs?: number;
  /** Final and not delivered: why no further attempt. */
  givenUp?: GivenUp;
  /**
   * The run stopped while this call waited for a retry: no request was made
   * for this result (status and error are the last attempt's).
   */
  cancelled?: boolean;
  /** A second delivery of a call (--duplicate). */
  duplicate?: boolean;
  /** Extra wait before the first attempt (--delay), ms; the intended send time includes it. */
  delayMs?: number;
  id: string;
  type: CallType;
  scenario: string;
  style: string;
  /** Real-world defects the bounce's message was given (defects/kinds.ts). */
  defects?: readonly string[];
  recipient: string;
  url: string;
  /** When it should have gone out / did go out, ms since the epoch. */
  intendedAt: number;
  sentAt: number;
  status?: number;
  errorKind?: ErrorKind;
  error?: string;
  /** From the actual send. */
  latencyMs: number;
  /** What the receiver answered (its headers and the start of its body), when a reader asked for it. */
  answer?: ReceiverAnswer;
}

/** The receiver's answer as seen: headers (lower-case names) and the first KB or so of the body. */
export interface ReceiverAnswer {
  headers: Record<string, string>;
  /** The body's first bytes as UTF-8 text (cut at `bodyLimit`). */
  body: string;
  /** The body was longer than what is kept. */
  truncated?: true;
}

export const isOk = (r: CallResult): boolean => isSuccessStatus(r.status);

/** A planned call that could not start: too many requests already in flight. */
export interface DroppedCall {
  index: number;
  intendedAt: number;
  /** `in-flight`: max in flight reached; `late`: the schedule ended before it could start. */
  reason: 'in-flight' | 'late';
}

/** A call that had its slot but was never sent: the run stopped during its --delay. */
export interface UnsentCall {
  index: number;
  intendedAt: number;
  delayMs: number;
  reason: 'interrupted';
}
