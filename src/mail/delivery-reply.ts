import type { DeliveryEvent } from '../model/events.js';
import type { Rng } from '../random/rng.js';
import { callBase } from './call-events.js';
import type { OriginalMessage } from './message.js';
import { frontendServer } from './microsoft.js';
import { reply, replyDescription, type SmtpReply } from './reply.js';

/**
 * What each receiving server answers to the final dot of a message it
 * accepts, in its own words (replies as seen in MTA delivery logs):
 *
 * - Gmail: `250 2.0.0 OK  1700000000 a1-20020a05...si1234567qkb.123 - gsmtp`
 *   (two spaces after OK, the Unix time, Google's trace id).
 * - Microsoft (Outlook.com and 365 tenants): `250 2.6.0 <message-id>
 *   [InternalId=..., Hostname=...] N bytes in S, R KB/sec Queued mail for delivery`.
 * - Yahoo / AOL: `250 ok dirdel` (no enhanced code).
 * - Postfix: `250 2.0.0 Ok: queued as 4Xyz...` (long queue id, Postfix 2.9+).
 * - Exim: `250 OK id=1rXyZa-000AbC-De` (no enhanced code unless configured).
 * - Sendmail: `250 2.0.0 4BKAbcde012345 Message accepted for delivery`.
 * - qmail: `250 ok 1700000000 qp 12345`.
 * - Comcast: `250 2.0.0 <22-character id> mail accepted for delivery`.
 */
export const DELIVERY_STYLES = [
  'gmail',
  'outlook',
  'office365',
  'yahoo',
  'postfix',
  'exim',
  'sendmail',
  'qmail',
  'comcast',
] as const;
export type DeliveryStyle = (typeof DELIVERY_STYLES)[number];

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function fromAlphabet(rng: Rng, alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[rng.int(0, alphabet.length - 1)];
  return out;
}

/** Google's trace id: `a1-20020a05620a0e4100b0077d7f2b9f2asi4937366qkb.349`. */
function gmailTraceId(rng: Rng): string {
  const host = `${fromAlphabet(rng, LOWER, 1)}${rng.int(1, 99)}`;
  const blob = `20020a05${rng.hex(4)}${rng.hex(8)}b00${rng.hex(11)}`;
  return `${host}-${blob}si${rng.int(1_000_000, 9_999_999)}${fromAlphabet(rng, LOWER, 3)}.${rng.int(1, 999)}`;
}

/** Postfix's long queue id (base-52 time and inode, `z` between). */
function postfixQueueId(rng: Rng): string {
  const b52 = 'BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789';
  return `4${fromAlphabet(rng, b52, 9)}z${fromAlphabet(rng, b52, rng.int(4, 6))}`;
}

/** Classic Exim message id: 6-6-2 base-62. */
function eximId(rng: Rng): string {
  return `1${fromAlphabet(rng, BASE62, 5)}-${fromAlphabet(rng, BASE62, 6)}-${fromAlphabet(rng, BASE62, 2)}`;
}

/** Sendmail queue id: year/month/day/hour letters, minutes, seconds, sequence, pid. */
function sendmailId(rng: Rng, at: number): string {
  const d = new Date(at);
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwx';
  const two = (n: number): string => String(n).padStart(2, '0');
  return (
    letters[(d.getUTCFullYear() - 1900) % 60] +
    letters[d.getUTCMonth()]! +
    letters[d.getUTCDate()]! +
    letters[d.getUTCHours()]! +
    two(d.getUTCMinutes()) +
    two(d.getUTCSeconds()) +
    fromAlphabet(rng, letters, 1) +
    String(rng.int(10000, 999999)).padStart(6, '0')
  );
}

/** The reply `style`'s server gives when it accepts `msg` at `at` (ms). */
export function acceptReply(style: DeliveryStyle, msg: OriginalMessage, rng: Rng, at: number): SmtpReply {
  const unix = Math.floor(at / 1000);
  switch (style) {
    case 'gmail':
      return reply('250', '2.0.0', `OK  ${unix} ${gmailTraceId(rng)} - gsmtp`);
    case 'outlook':
    case 'office365': {
      const bytes = rng.int(9_000, 60_000);
      const seconds = rng.int(20, 400) / 1000;
      const rate = (bytes / 1024 / seconds).toFixed(3);
      return reply(
        '250',
        '2.6.0',
        `${msg.messageId} [InternalId=${rng.int(10_000_000_000_000, 99_999_999_999_999)}, Hostname=${frontendServer(rng)}] ${bytes} bytes in ${seconds.toFixed(3)}, ${rate} KB/sec Queued mail for delivery`,
      );
    }
    case 'yahoo':
      return reply('250', undefined, 'ok dirdel');
    case 'postfix':
      return reply('250', '2.0.0', `Ok: queued as ${postfixQueueId(rng)}`);
    case 'exim':
      return reply('250', undefined, `OK id=${eximId(rng)}`);
    case 'sendmail':
      return reply('250', '2.0.0', `${sendmailId(rng, at)} Message accepted for delivery`);
    case 'qmail':
      return reply('250', undefined, `ok ${unix} qp ${rng.int(1000, 99999)}`);
    case 'comcast':
      return reply('250', '2.0.0', `${rng.alnum(22)} mail accepted for delivery`);
  }
}

/** The delivery call for `msg`, accepted at `at` (ms) with `accepted`. */
export function deliveryEvent(msg: OriginalMessage, at: number, accepted: SmtpReply): DeliveryEvent {
  const { id, timestamp, time, recipient, tags } = callBase(msg, at);
  const event: DeliveryEvent = {
    id,
    type: 'delivery',
    timestamp,
    time,
    recipient,
    code: accepted.code,
    description: replyDescription(accepted),
    tags,
  };
  if (accepted.extended) event.extended = accepted.extended;
  return event;
}
