import { reply } from '../../mail/reply.js';
import type { Diagnose, DiagnosisContext, DsnDiagnosis, DsnReason, DsnStyle } from './types.js';

/** A reply from the internal hop the reporting MTA relays to. */
const hop = (
  c: DiagnosisContext,
  code: string,
  ext: string | undefined,
  status: string,
  text: string,
  inReplyTo: DsnDiagnosis['inReplyTo'] = 'RCPT TO',
): DsnDiagnosis => ({
  status,
  reply: reply(code, ext, text),
  inReplyTo,
  remoteMta: c.nextHop,
  remoteIp: c.nextHopIp,
});

/** The reporting MTA's own text: no server answered. */
const local = (status: string, text: string): DsnDiagnosis => ({ status, local: text, inReplyTo: 'RCPT TO' });

const domainOf = (address: string): string => address.split('@')[1]!;

/**
 * The generic wordings of each reason, as the downstream server (Postfix,
 * Dovecot LMTP, Cyrus, sendmail, rspamd, amavis, Yahoo) replies to the MTA
 * that writes the DSN; one is picked per call. Styles override where their
 * own words differ. Status and reply code follow the wording: a reply with
 * no enhanced code gets the status Postfix derives from the code (5.0.0).
 * Sources, per line: corpus = a file of the team's reference set of real
 * bounces (kept outside the project, not shipped), by its name.
 */
export const GENERIC_DIAGNOSES: Record<DsnReason, readonly Diagnose[]> = {
  userunknown: [
    // Postfix local_recipient_maps (postfix.org/LOCAL_RECIPIENT_README.html)
    (c) =>
      hop(
        c,
        '550',
        '5.1.1',
        '5.1.1',
        `<${c.recipient}>: Recipient address rejected: User unknown in local recipient table`,
      ),
    // Postfix virtual_mailbox_maps (postfix.org/VIRTUAL_README.html)
    (c) =>
      hop(
        c,
        '550',
        '5.1.1',
        '5.1.1',
        `<${c.recipient}>: Recipient address rejected: User unknown in virtual mailbox table`,
      ),
    // sendmail downstream: corpus postfix-userunknown-01.eml, rfc3464-userunknown-01.eml
    (c) => hop(c, '550', '5.1.1', '5.1.1', `<${c.recipient}>... User Unknown`),
    // Dovecot LMTP (src/lmtp/lmtp-local.c: "User doesn't exist")
    (c) => hop(c, '550', '5.1.1', '5.1.1', `<${c.recipient}> User doesn't exist: ${c.recipient}`),
  ],
  mailboxfull: [
    (c) =>
      hop(
        c,
        '552',
        '5.2.2',
        '5.2.2',
        `<${c.recipient}>: Recipient address rejected: Mailbox full, user is over quota`,
      ),
    // Dovecot quota_exceeded_message default: corpus postfix-mailboxfull-01.eml
    (c) => hop(c, '552', '5.2.2', '5.2.2', `<${c.recipient}> Quota exceeded (mailbox for user is full)`),
    // Cyrus IMAP lmtpd (imap/lmtp_err.et: "Over quota")
    (c) => hop(c, '552', '5.2.2', '5.2.2', `<${c.recipient}>... Mailbox is full / Over quota`),
    // sendmail / Messaging Server: corpus office365-mailboxfull-01.eml
    (c) => hop(c, '552', '5.2.2', '5.2.2', `<${c.recipient}>... Mailbox Full`),
  ],
  expired: [
    // Postfix smtp(8): corpus postfix-expired-01.eml
    (c) =>
      local(
        '4.4.7',
        `delivery temporarily suspended: connect to ${c.nextHop}[${c.nextHopIp}]:25: Connection timed out`,
      ),
    (c) => local('4.4.7', `connect to ${c.nextHop}[${c.nextHopIp}]:25: Connection timed out`),
    // Postfix smtp(8) greeting timeout (smtp_helo_timeout, postfix.org/postconf.5.html)
    (c) =>
      local(
        '4.4.7',
        `conversation with ${c.nextHop}[${c.nextHopIp}] timed out while receiving the initial server greeting`,
      ),
  ],
  spamdetected: [
    (c) => hop(c, '550', '5.7.1', '5.7.1', 'Message rejected as spam by content filter', 'end of DATA'),
    // corpus postfix-spamdetected-01.eml
    (c) =>
      hop(
        c,
        '554',
        '5.6.0',
        '5.6.0',
        'This message has been scored as spam with a probability of more than 90%',
        'end of DATA',
      ),
    // amavisd-new's reject (amavisd.conf $final_spam_destiny = D_REJECT)
    (c) =>
      hop(
        c,
        '554',
        '5.7.0',
        '5.7.0',
        `Reject, id=${c.fake.rng.int(10000, 99999)}-0${c.fake.rng.int(1, 9)} - spam`,
        'end of DATA',
      ),
  ],
  policyviolation: [
    (c) =>
      hop(
        c,
        '554',
        '5.7.1',
        '5.7.1',
        `Message rejected due to DMARC policy of ${domainOf(c.sender)}`,
        'end of DATA',
      ),
    // Yahoo / Verizon Media: corpus postfix-policyviolation-01.eml
    (c) =>
      hop(
        c,
        '554',
        '5.7.9',
        '5.7.9',
        'Message not accepted for policy reasons. See https://postmaster.verizonmedia.com/error-codes',
        'end of DATA',
      ),
    // OpenDMARC milter (opendmarc.conf RejectFailures, its SMFIS_REJECT text)
    (c) =>
      hop(c, '550', '5.7.1', '5.7.1', `rejected by DMARC policy for ${domainOf(c.sender)}`, 'end of DATA'),
    // Postfix header_checks REJECT with a text (postfix.org/header_checks.5.html)
    (c) => hop(c, '550', '5.7.1', '5.7.1', 'Message rejected due to local policy', 'end of DATA'),
  ],
  suspend: [
    (c) =>
      hop(
        c,
        '550',
        '5.2.1',
        '5.2.1',
        `<${c.recipient}>: Recipient address rejected: this mailbox has been suspended`,
      ),
    // Yahoo: corpus postfix-suspend-01.eml (no enhanced code: Postfix writes 5.0.0)
    (c) =>
      hop(
        c,
        '554',
        undefined,
        '5.0.0',
        `delivery error: dd Sorry your message to ${c.recipient} cannot be delivered. This account has been disabled or discontinued [#102]. - mta${c.fake.rng.int(100, 999)}.mail.${c.fake.rng.pick(['bf1', 'gq1', 'ne1'])}.yahoo.com`,
      ),
    // corpus amazonses-suspend-01.eml
    (c) =>
      hop(
        c,
        '550',
        '5.2.1',
        '5.2.1',
        `<${c.recipient}>: Recipient address rejected: User ${c.recipient} temporary locked. Please try again later!`,
      ),
    (c) =>
      hop(
        c,
        '550',
        '5.2.1',
        '5.2.1',
        `<${c.recipient}>: Recipient address rejected: mailbox currently suspended`,
      ),
  ],
  mesgtoobig: [
    (c) => hop(c, '552', '5.3.4', '5.3.4', 'Message too big for system', 'end of DATA'),
    // Postfix cleanup(8) past message_size_limit (src/smtpd/smtpd.c)
    (c) => hop(c, '552', '5.3.4', '5.3.4', 'Error: message file too big', 'end of DATA'),
    // Postfix smtpd(8) on a too large SIZE= (src/smtpd/smtpd.c)
    (c) => hop(c, '552', '5.3.4', '5.3.4', 'Message size exceeds fixed limit', 'MAIL FROM'),
  ],
  hostunknown: [
    // Postfix smtp(8): corpus postfix-hostunknown-01.eml (type=AAAA)
    (c) =>
      local(
        '5.4.4',
        `Host or domain name not found. Name service error for name=${c.nextHop} type=A: Host not found`,
      ),
    (c) =>
      local(
        '5.4.4',
        `Host or domain name not found. Name service error for name=${c.nextHop} type=AAAA: Host not found`,
      ),
    (c) =>
      local(
        '5.4.4',
        `Host or domain name not found. Name service error for name=${c.domain} type=MX: Host not found`,
      ),
  ],
};

/** The wordings a style writes a reason in: its own, else the generic ones. */
export function wordingsFor(style: DsnStyle, reason: DsnReason): readonly Diagnose[] {
  return style.diagnose?.[reason] ?? GENERIC_DIAGNOSES[reason];
}
