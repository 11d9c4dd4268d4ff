import type { AppliedDefects, SimCall, WebhookEvent } from '../model/events.js';

/** What the load engine reads of a call: where it goes, and what the report and log say of it. */
export interface CallInfo {
  event: Pick<WebhookEvent, 'id' | 'type' | 'recipient'>;
  scenario: string;
  style: string;
  /** Defects the bounce's message was given (only their names travel with a prepared call). */
  defects?: Pick<AppliedDefects, 'kinds'>;
}

/** A call built elsewhere (a worker thread): its request is ready to send. */
export interface PreparedCall extends CallInfo {
  request: {
    /** Flat `[name, value, …]`, in the order `buildRequest` gives them. */
    headers: readonly string[];
    body: Buffer;
  };
}

/**
 * Calls read one at a time. `next()` may answer later (calls built on
 * worker threads); `undefined` means there are no more.
 */
export interface CallSource {
  next(): SimCall | PreparedCall | undefined | Promise<SimCall | PreparedCall | undefined>;
}

export const isPrepared = (call: SimCall | PreparedCall): call is PreparedCall => 'request' in call;
