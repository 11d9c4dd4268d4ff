import { rfc5322Date } from '../../mime/headers.js';
import type { AutoReplyInput } from './types.js';

/** The Received line SMTPeter's bounce MX adds when the reply arrives. */
export function arrivalReceived(
  input: Pick<AutoReplyInput, 'fake' | 'message' | 'receivedAt'>,
  fromHost: string,
  ip: string,
): string {
  const { fake } = input;
  return `from ${fromHost} (${fromHost} [${ip}]) by bounce${fake.rng.int(1, 4)}.smtpeter.com with ESMTPS id ${fake.rng.alnum(12)} for <${input.message.envelope}>; ${rfc5322Date(input.receivedAt)}`;
}
