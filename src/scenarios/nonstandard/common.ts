import { reply, type SmtpReply } from '../../mail/reply.js';
import { rfc5322Date } from '../../mime/headers.js';
import type { Fake } from '../../random/fake.js';
import type { NonstandardInput } from './types.js';

/** The Received line SMTPeter's bounce MX adds when the bounce arrives. */
export function arrivalReceived(input: NonstandardInput, fromHost: string, ip: string): string {
  const { fake } = input;
  return `from ${fromHost} (${fromHost} [${ip}]) by bounce${fake.rng.int(1, 4)}.smtpeter.com with ESMTP${fake.rng.pick(['', 'S'])} id ${fake.rng.alnum(12)} for <${input.message.envelope}>; ${rfc5322Date(input.receivedAt)}`;
}

/**
 * What the internal mail store says when it refuses a recipient the edge
 * MTA had accepted. Wordings of common servers behind a relay; each keeps
 * the status code and phrase Sisimai keys on.
 */
export function storeReply(
  reason: 'userunknown' | 'mailboxfull',
  rcpt: string,
  fake: Fake,
  form: 'any' | 'bracketed' = 'any',
): SmtpReply {
  const bracketed = (r: SmtpReply): boolean => form === 'any' || r.lines.join(' ').startsWith('<');
  return fake.rng.pick(storeReplies(reason, rcpt).filter(bracketed));
}

function storeReplies(reason: 'userunknown' | 'mailboxfull', rcpt: string): SmtpReply[] {
  if (reason === 'userunknown') {
    return [
      reply('550', '5.1.1', `<${rcpt}>: Recipient address rejected: User unknown in virtual mailbox table`),
      reply('550', '5.1.1', `<${rcpt}>... User unknown`),
      // corpus gmx-userunknown-01.eml
      reply('550', '5.1.1', `<${rcpt}>... User Unknown`),
      reply('550', '5.1.1', `<${rcpt}>: Recipient address rejected: User unknown in local recipient table`),
      reply('550', '5.1.1', `${rcpt}: unknown user`),
    ];
  }
  return [
    reply('552', '5.2.2', `<${rcpt}>: Recipient address rejected: Mailbox full`),
    reply('552', '5.2.2', `<${rcpt}>... Mailbox full`),
    // sendmail / Messaging Server behind GMX: corpus gmx-mailboxfull-01.eml
    reply('552', '5.2.2', `<${rcpt}>... Mailbox Full`),
    reply('552', '5.2.2', `${rcpt} Quota exceeded (mailbox for user is full)`),
  ];
}

/** Internal relay host names and RFC 1918 addresses behind a company's MX. */
export function internalHost(domain: string, fake: Fake): { host: string; ip: string } {
  return {
    host: `${fake.rng.pick(['mailstore', 'mbox', 'imap', 'exch', 'mail'])}${fake.rng.int(1, 9)}.${fake.rng.pick(['int', 'corp', 'lan'])}.${domain}`,
    ip: `10.${fake.rng.int(0, 255)}.${fake.rng.int(0, 255)}.${fake.rng.int(1, 254)}`,
  };
}

/** A public-looking IPv4 for the bounce's sending host. */
export function publicIp(fake: Fake): string {
  return `${fake.rng.pick([46, 62, 77, 81, 85, 91, 178, 185, 193, 212, 213, 217])}.${fake.rng.int(0, 255)}.${fake.rng.int(0, 255)}.${fake.rng.int(1, 254)}`;
}
