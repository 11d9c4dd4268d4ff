import { reply, replyOneLine, replyWire } from '../../mail/reply.js';
import { rfc5322Date } from '../../mime/headers.js';
import { multipartBody, renderMessage } from '../../mime/multipart.js';
import { bounceReceived, envelopeIdField, returnedOriginal } from './common.js';
import type { Diagnose, DiagnosisContext, DsnDiagnosis, DsnInput, DsnReason, DsnStyle } from './types.js';

/**
 * Sendmail only writes a Diagnostic-Code when a remote server replied, so
 * every reason here is a reply from the internal hop (itself sendmail,
 * hence the `<rcpt>... text` wording).
 */
const hop = (
  c: DiagnosisContext,
  status: string,
  code: string,
  text: string,
  inReplyTo: DsnDiagnosis['inReplyTo'] = 'RCPT TO',
): DsnDiagnosis => ({
  status,
  reply: reply(code, status.startsWith('4.4.') ? '4.3.0' : status, text),
  inReplyTo,
  remoteMta: c.nextHop,
  remoteIp: c.nextHopIp,
});

/*
 * Sources: sendmail's own texts (sendmail/parseaddr.c, deliver.c: "User
 * unknown", "Host unknown (Name server: ...)"), corpus sendmail-*.eml,
 * messagingserver-userunknown-01.eml, courier-userunknown-01.eml.
 */
const SENDMAIL_DIAGNOSES: Partial<Record<DsnReason, readonly Diagnose[]>> = {
  userunknown: [
    (c) => hop(c, '5.1.1', '550', `<${c.recipient}>... User unknown`),
    (c) => hop(c, '5.1.1', '550', `<${c.recipient}>... User Unknown`),
    (c) => hop(c, '5.1.1', '550', `<${c.recipient}>... No such user here`),
  ],
  mailboxfull: [
    (c) => hop(c, '5.2.2', '552', `<${c.recipient}>... Mailbox full`),
    (c) => hop(c, '5.2.2', '552', `<${c.recipient}>... Mailbox is full`),
    (c) => hop(c, '5.2.2', '552', `<${c.recipient}>... Disc quota exceeded`),
  ],
  // The hop deferred until the queue lifetime ran out: sendmail reports
  // 4.4.7 with the last temporary reply as the diagnostic.
  expired: [(c) => hop(c, '4.4.7', '451', 'Temporary system failure. Please try again later.')],
  suspend: [
    (c) => hop(c, '5.2.1', '550', `<${c.recipient}>... This mailbox has been suspended`),
    (c) => hop(c, '5.2.1', '550', `<${c.recipient}>... This mailbox is disabled`),
    (c) => hop(c, '5.2.1', '550', `<${c.recipient}>... User suspended`),
  ],
  // One text: the domain's name servers had no host by that name.
  hostunknown: [
    (c) =>
      hop(c, '5.1.2', '550', `<${c.recipient}>... Host unknown (Name server: ${c.domain}: host not found)`),
  ],
};

/** Sendmail's queue id: `r9G5FZh9018575` (time in base 60, then the pid). */
function queueId(input: DsnInput): string {
  const { rng } = input.fake;
  return `${rng.alnum(8)}${rng.int(100000, 999999)}`;
}

/** Sendmail 8.x's DSN ("Returned mail: see transcript for details"). */
export const sendmailStyle: DsnStyle = {
  name: 'sendmail',
  label: 'Sendmail 8.x',
  reportingHost: (domain, fake) => `${fake.rng.pick(['mail', 'mx', 'relay', 'smtp'])}.${domain}`,
  diagnose: SENDMAIL_DIAGNOSES,
  build(input: DsnInput): string {
    const { message: msg, diagnosis: d, reportingHost: host } = input;
    const qid = queueId(input);
    const epoch = Math.floor(input.now / 1000);
    const boundary = `${qid}.${epoch}/${host}`;
    const { host: client, ip: clientIp } = msg.mta;
    const arrival = rfc5322Date(input.arrivedAt);
    const now = rfc5322Date(input.now);
    const r = d.reply!;
    const sent = d.inReplyTo === 'RCPT TO' ? `RCPT To:<${msg.recipient}>` : 'DATA';
    const expired = d.status === '4.4.7';
    const transcript =
      `... while talking to ${d.remoteMta}.:\r\n` +
      `>>> ${sent}\r\n` +
      replyWire(r)
        .map((l) => `<<< ${l}\r\n`)
        .join('') +
      (expired
        ? `<${msg.recipient}>... Deferred: ${replyOneLine(r)}\r\n` +
          'Message could not be delivered for 5 days\r\nMessage will be deleted from queue\r\n'
        : sent === 'DATA'
          ? '554 5.0.0 Service unavailable\r\n'
          : `${replyOneLine(r)}\r\n`);
    // Sendmail writes no headers at all on the first part.
    const text =
      `The original message was received at ${arrival}\r\n` +
      `from ${client} [${clientIp}]\r\n\r\n` +
      '   ----- The following addresses had permanent fatal errors -----\r\n' +
      `<${msg.recipient}>\r\n` +
      `    (reason: ${replyOneLine(r)})\r\n\r\n` +
      '   ----- Transcript of session follows -----\r\n' +
      transcript;
    const status =
      envelopeIdField(msg) +
      `Reporting-MTA: dns; ${host}\r\n` +
      `Received-From-MTA: DNS; ${client}\r\n` +
      `Arrival-Date: ${arrival}\r\n\r\n` +
      `Final-Recipient: RFC822; ${msg.recipient}\r\n` +
      'Action: failed\r\n' +
      `Status: ${d.status}\r\n` +
      `Remote-MTA: DNS; ${d.remoteMta}\r\n` +
      `Diagnostic-Code: SMTP; ${replyOneLine(r)}\r\n` +
      `Last-Attempt-Date: ${now}\r\n`;
    const original = returnedOriginal(input);
    const body = multipartBody(
      boundary,
      [
        { headers: [], body: text },
        { headers: [['Content-Type', 'message/delivery-status']], body: status },
        { headers: [['Content-Type', original.type]], body: original.body },
      ],
      'This is a MIME-encapsulated message',
    );
    return renderMessage(
      [
        ['Return-Path', '<>'],
        ['Received', bounceReceived(input, host)],
        ['Received', `from localhost (localhost) by ${host} (8.15.2/8.15.2) id ${qid}; ${now}`],
        ['Date', now],
        ['From', `Mail Delivery Subsystem <MAILER-DAEMON@${host}>`],
        [
          'Message-Id',
          `<${new Date(input.now).toISOString().replace(/\D/g, '').slice(0, 12)}.${qid}@${host}>`,
        ],
        ['To', `<${msg.envelope}>`],
        ['MIME-Version', '1.0'],
        ['Content-Type', `multipart/report; report-type=delivery-status; boundary="${boundary}"`],
        ['Subject', 'Returned mail: see transcript for details'],
        ['Auto-Submitted', 'auto-generated (failure)'],
      ],
      body,
    );
  },
};
