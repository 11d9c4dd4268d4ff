import { SEEDED_EPOCH } from '../../src/generate/events.js';
import { parseBody } from '../../src/receive/parse.js';
import type { ReceivedCall } from '../../src/receive/types.js';
import { validateCall } from '../../src/receive/validate.js';

/** A ReceivedCall as the server would record it, from an encoded body. */
export function receivedCall(seq: number, contentType: string, body: Buffer): ReceivedCall {
  const parsed = parseBody(contentType, body);
  const validation = parsed.ok ? validateCall(parsed.fields) : { problems: [parsed.problem] };
  return {
    seq,
    receivedAt: SEEDED_EPOCH,
    method: 'POST',
    path: '/hook',
    headers: { 'content-type': contentType },
    rawHeaders: ['Host', 'x', 'Content-Type', contentType],
    httpVersion: '1.1',
    body,
    ...(parsed.ok ? { fields: parsed.fields, format: parsed.format } : {}),
    validation,
    // A listen without a key to verify against, as most are.
    signature: { result: 'not-checked', digest: 'absent' },
    summary: '',
    answered: 200,
  };
}
