import type { SimCall, WebhookEvent } from '../../model/events.js';
import type { CallResult } from '../../model/results.js';
import { flatString } from '../flat-string.js';
import { eventNumber, type ServeStore } from '../store/store.js';
import type { AttemptRecord, StoredMessage, TimelineEvent } from '../types.js';

function attemptOf(r: CallResult): AttemptRecord {
  const latencyMs = Math.round(r.latencyMs * 10) / 10;
  // The usual attempt (answered, final) in one literal: fields added afterwards go to a separate property array, kept as long as the message.
  if (r.status !== undefined && r.error === undefined && r.retryInMs === undefined)
    return { attempt: r.attempt, at: r.sentAt, url: r.url, latencyMs, status: r.status };
  const a: AttemptRecord = { attempt: r.attempt, at: r.sentAt, url: r.url, latencyMs };
  if (r.status !== undefined) a.status = r.status;
  if (r.error !== undefined) a.error = r.error;
  if (r.retryInMs !== undefined) a.retryInMs = Math.round(r.retryInMs);
  return a;
}

/** By message, then the message's timeline: the due queue orders by due time and keeps each message's order. */
function resumeOrder(a: TimelineEvent, b: TimelineEvent): number {
  if (a.messageId !== b.messageId) return a.messageId < b.messageId ? -1 : 1;
  return eventNumber(a) - eventNumber(b);
}

/**
 * Which timeline event each call in the dispatcher belongs to, and what its
 * attempts did: every event ends delivered or given up, or stays pending
 * (scheduled, retrying) in the store for the next start. Nothing is lost.
 */
export class CallBook {
  private readonly open = new Map<SimCall, TimelineEvent>();

  constructor(
    private readonly store: ServeStore,
    private readonly send: (call: SimCall, at: number) => void,
    private readonly now: () => number,
    private readonly carries: (kind: TimelineEvent['kind']) => boolean,
    private readonly onAttempt?: (event: TimelineEvent, result: CallResult) => void,
  ) {}

  /** The message a call in the dispatcher is about (its calls go out in order). */
  messageOf(call: SimCall): string | undefined {
    return this.open.get(call)?.messageId;
  }

  /** Hand the event's call to the dispatcher for its time (now, if that has passed). */
  schedule(e: TimelineEvent): void {
    this.open.set(e.call, e);
    this.send(e.call, Math.max(e.dueAt, this.now()));
  }

  /**
   * Calls pending when serve last stopped: sent again, each message's in its
   * timeline's order (the store returns them in no set order, and after a
   * long stop they are all due at once: the dispatcher keeps a message's
   * calls in the order they are handed to it).
   */
  resume(): number {
    const pending = this.store.pending().sort(resumeOrder);
    for (const e of pending) this.schedule(e);
    return pending.length;
  }

  /** The engine's report of an attempt (final or not). */
  result(call: SimCall, result: CallResult): void {
    const e = this.open.get(call);
    if (!e) return;
    // A new array of the exact length (concat; push() and spread grow it to 17 slots), kept as long as the message.
    e.attempts = e.attempts.concat(attemptOf(result));
    const ok = result.status !== undefined && result.status >= 200 && result.status < 300;
    // Stopped while waiting for a retry: still pending, the next start sends it.
    e.state = !result.final || result.givenUp === 'interrupted' ? 'retrying' : ok ? 'delivered' : 'given-up';
    if (result.final) this.open.delete(call);
    this.store.updateEvent(e);
    this.onAttempt?.(e, result);
  }

  /** A real click or open: a new event of the message, its call due now. */
  happened(m: StoredMessage, event: WebhookEvent): void {
    const e: TimelineEvent = {
      key: flatString(m.id, '/', this.store.events(m.id).length),
      messageId: m.id,
      kind: event.type,
      dueAt: this.now(),
      call: { event, scenario: event.type === 'click' ? 'clicked' : 'opened', style: 'real' },
      state: this.carries(event.type) ? 'scheduled' : 'no-webhook',
      attempts: [],
    };
    this.store.addEvent(e);
    if (e.state === 'scheduled') this.schedule(e);
  }
}
