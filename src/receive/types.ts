import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Fields } from './parse.js';
import type { Validation } from './validate.js';

export type SignatureCheck =
  | { result: 'verified'; keyId: string }
  | { result: 'failed'; problem: string }
  | { result: 'unsigned' }
  | { result: 'not-checked'; digest: 'ok' | 'mismatch' | 'absent' };

/** Everything the receiver learnt of one request. */
export interface ReceivedCall {
  seq: number;
  receivedAt: number;
  method: string;
  path: string;
  /** Lower-case names, as they arrived. */
  headers: Record<string, string>;
  /** Header names and values alternately, in their original case and order. */
  rawHeaders?: string[];
  httpVersion?: string;
  body: Buffer;
  fields?: Fields;
  format?: 'form' | 'json';
  validation: Validation;
  signature: SignatureCheck;
  summary: string;
  answered: number;
}

/** Routes served beside the webhook on the receiver's port (the live page and its API). */
export interface ReceiverRoutes {
  /** Answer a GET/HEAD these routes own; false when the path is not theirs. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** Hear of a new call (e.g. to tell every open page). */
  publish(call: ReceivedCall): void;
  close(): void;
}
