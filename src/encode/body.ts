import type { SimCall } from '../model/events.js';
import { type Dialect, type FieldValue, type Payload, readFields, toPayload } from './dialect.js';
import { type FormValue, formEncodeBuffer, formEncodeFields } from './form.js';

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
const VALUES: Array<FormValue | undefined> = [];

/**
 * A sync failure's description as its wording's template (model/pieced-text.ts),
 * while it still spells the event's description: the encoder writes the
 * template's pieces as stored bytes. Anything that replaced the description
 * (a check, a fixture) left a different string: that one is escaped whole.
 */
function withDescriptionPieces(call: SimCall, names: readonly string[]): void {
  const text = call.descriptionText;
  if (text === undefined) return;
  for (let i = 0; i < names.length; i++)
    if (names[i] === 'description') {
      if (VALUES[i] === text.text) VALUES[i] = text;
      return;
    }
}

export function encodeCall(
  call: SimCall,
  format: BodyFormat = 'form',
  dialect: Dialect = 'smtpeter',
): EncodedBody {
  if (format === 'json')
    return { contentType: 'application/json', body: Buffer.from(jsonEncode(toPayload(call, dialect))) };
  const names = readFields(call, dialect, VALUES as Array<FieldValue | undefined>);
  withDescriptionPieces(call, names);
  const body = formEncodeFields(names, VALUES, names.length);
  // Hold no call's strings past its encoding. A loop: Array.prototype.fill is a C++ builtin here.
  for (let i = 0; i < names.length; i++) VALUES[i] = undefined;
  return { contentType: 'application/x-www-form-urlencoded', body };
}
