import type { SimCall } from '../model/events.js';
import { type Dialect, type Payload, toPayload } from './dialect.js';

export const FORMATS = ['form', 'json'] as const;
export type BodyFormat = (typeof FORMATS)[number];

export interface EncodedBody {
  contentType: string;
  body: Buffer;
}

/** application/x-www-form-urlencoded value: RFC 3986 unreserved kept, space as `+`. */
function formValue(text: string): string {
  return encodeURIComponent(text)
    .replace(/%20/g, '+')
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * PHP-convention form encoding: arrays one item per `name[]=` key, so
 * `$_POST['tags']` arrives as an array.
 */
export function formEncode(payload: Payload): string {
  const parts: string[] = [];
  for (const [name, value] of payload) {
    if (Array.isArray(value)) for (const item of value) parts.push(`${name}[]=${formValue(item)}`);
    else parts.push(`${name}=${formValue(String(value))}`);
  }
  return parts.join('&');
}

export function jsonEncode(payload: Payload): string {
  return JSON.stringify(Object.fromEntries(payload));
}

export function encodeCall(
  call: SimCall,
  format: BodyFormat = 'form',
  dialect: Dialect = 'smtpeter',
): EncodedBody {
  const payload = toPayload(call, dialect);
  if (format === 'json') return { contentType: 'application/json', body: Buffer.from(jsonEncode(payload)) };
  return { contentType: 'application/x-www-form-urlencoded', body: Buffer.from(formEncode(payload)) };
}
