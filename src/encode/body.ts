import type { SimCall } from '../model/events.js';
import { type Dialect, type FieldValue, type Payload, readFields, toPayload } from './dialect.js';
import { formEncodeBuffer, formEncodeFields } from './form.js';

export const FORMATS = ['form', 'json'] as const;
export type BodyFormat = (typeof FORMATS)[number];

interface EncodedBody {
  contentType: string;
  body: Buffer;
}

/**
 * PHP-convention form encoding: arrays one item per `name[]=` key, so
 * `$_POST['tags']` arrives as an array.
 */
export function formEncode(payload: Payload): string {
  return formEncodeBuffer(payload).toString('latin1');
}

/**
 * JSON is Unicode text: it cannot carry bytes that are not UTF-8 (a captured
 * message in Latin-1...) without changing them. The plan refuses such a run
 * before the first call (captured/message-text.ts jsonCannotCarry); reaching
 * here with bytes is a bug, not something to paper over.
 */
export function jsonEncode(payload: Payload): string {
  for (const [name, value] of payload)
    if (value instanceof Uint8Array) throw new Error(`json: field '${name}' is bytes that are not UTF-8`);
  return JSON.stringify(Object.fromEntries(payload));
}

/** A call's field values, reused by every form encoding (filled and read in one go: no payload per call). */
const VALUES: Array<FieldValue | undefined> = [];

export function encodeCall(
  call: SimCall,
  format: BodyFormat = 'form',
  dialect: Dialect = 'smtpeter',
): EncodedBody {
  if (format === 'json')
    return { contentType: 'application/json', body: Buffer.from(jsonEncode(toPayload(call, dialect))) };
  const names = readFields(call, dialect, VALUES);
  const body = formEncodeFields(names, VALUES, names.length);
  VALUES.fill(undefined); // hold no call's strings past its encoding
  return { contentType: 'application/x-www-form-urlencoded', body };
}
