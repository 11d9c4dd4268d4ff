import { reply, replyOneLine } from '../../mail/reply.js';
import { wrapText } from '../../mime/body.js';
import { rfc5322Date } from '../../mime/headers.js';
import { multipartBody, renderMessage } from '../../mime/multipart.js';
import { bounceReceived, envelopeIdField, returnedOriginal } from './common.js';
import type { Diagnose, DiagnosisContext, DsnDiagnosis, DsnInput, DsnReason, DsnStyle } from './types.js';

/**
 * Exim 4.9x writes `Status: 5.0.0` for every failed address (deliver.c has
 * it hard-coded) and a Diagnostic-Code only when a remote host answered.
 * So the Exim gateway here relays to an internal hop that is itself Exim,
 * whose replies carry no RFC 3463 code: with one, a bounce analyser takes
 * the code from the reply and disagrees with the Status field.
 */
const hop = (
  c: DiagnosisContext,
  code: string,
  text: string,
  inReplyTo: DsnDiagnosis['inReplyTo'] = 'RCPT TO',
): DsnDiagnosis => ({
  status: '5.0.0',
  reply: reply(code, undefined, text),
  inReplyTo,
  remoteMta: c.nextHop,
  remoteIp: c.nextHopIp,
});

/*
 * Sources: cPanel's Exim replies ("No Such User Here", the SpamAssassin
 * reject text), Exim's own defaults (spec.txt: "Unrouteable address",
 * "Message size exceeds maximum permitted"), RFC 5321 4.2.3 example texts,
 * corpus exim-*.eml.
 */
const EXIM_DIAGNOSES: Record<DsnReason, readonly Diagnose[]> = {
  userunknown: [
    (c) => hop(c, '550', 'No Such User Here'),
    (c) => hop(c, '550', 'Unknown user'),
    (c) => hop(c, '550', 'No such person at this address'),
  ],
  mailboxfull: [
    (c) => hop(c, c.fake.rng.pick(['552', '550']), 'Mailbox quota exceeded'),
    (c) => hop(c, '552', 'Mailbox is full'),
    (c) => hop(c, '552', 'Requested mail action aborted: exceeded storage allocation'),
  ],
  // The hop kept deferring; after the retry rules gave up Exim appends this.
  expired: [
    (c) => hop(c, '451', 'Temporary local problem - please try later: retry timeout exceeded'),
    (c) => hop(c, '451', 'Requested action aborted: local error in processing: retry timeout exceeded'),
    (c) =>
      hop(
        c,
        '421',
        `${c.nextHop} Service not available, closing transmission channel: retry timeout exceeded`,
      ),
  ],
  spamdetected: [
    (c) => hop(c, '550', 'This message was classified as SPAM and may not be delivered', 'end of DATA'),
    (c) =>
      hop(
        c,
        '550',
        '"The mail server detected your message as spam and has prevented delivery."',
        'end of DATA',
      ),
    // Exim's own SpamAssassin ACL example (spec.txt, "Content scanning")
    (c) =>
      hop(
        c,
        '550',
        `This message scored ${c.fake.rng.int(8, 30)}.${c.fake.rng.int(0, 9)} spam points.`,
        'end of DATA',
      ),
  ],
  policyviolation: [
    (c) => hop(c, '550', `Message rejected due to DMARC policy of ${c.sender.split('@')[1]}`, 'end of DATA'),
    (c) => hop(c, '550', 'Message rejected due to local policy', 'end of DATA'),
    // Exim's own DMARC ACL example (spec.txt, "DMARC" chapter)
    (c) =>
      hop(
        c,
        '550',
        `Message from ${c.sender.split('@')[1]} failed sender's DMARC policy, REJECT`,
        'end of DATA',
      ),
  ],
  suspend: [
    (c) => hop(c, '550', 'This mailbox has been suspended'),
    (c) => hop(c, '550', 'This mailbox is disabled'),
    (c) => hop(c, '550', `${c.recipient}: mailbox currently suspended`),
  ],
  mesgtoobig: [
    (c) => hop(c, '552', 'Message size limit exceeded', 'MAIL FROM'),
    (c) => hop(c, '552', 'Max message size exceeded', 'MAIL FROM'),
    (c) => hop(c, '552', 'Message too big', 'end of DATA'),
  ],
  // The internal hub cannot route the recipient's (sub)domain any more.
  hostunknown: [
    (c) => hop(c, '550', 'Unrouteable address'),
    (c) => hop(c, '550', 'Unroutable address'),
    (c) => hop(c, '550', `${c.domain}: no such domain`),
  ],
};

/** Exim's message id (before 4.97): base-62 time, pid and fraction. */
function eximId(input: DsnInput): string {
  const { rng } = input.fake;
  return `1${rng.alnum(5)}-${rng.alnum(6)}-${rng.alnum(2)}`;
}

/** Exim writes the day of the month with two digits. */
const eximDate = (ms: number): string => rfc5322Date(ms).replace(/^(\w{3}), (\d) /, '$1, 0$2 ');

/** Exim 4.9x's multipart/report bounce (the `eximdsn` boundary form). */
export const eximStyle: DsnStyle = {
  name: 'exim',
  label: 'Exim 4.9x',
  reportingHost: (domain, fake) => `${fake.rng.pick(['mx', 'mail', 'mx1', 'server'])}.${domain}`,
  diagnose: EXIM_DIAGNOSES,
  build(input: DsnInput): string {
    const { fake, message: msg, diagnosis: d, reportingHost: host } = input;
    const id = eximId(input);
    const boundary = `${Math.floor(input.now / 1000)}-eximdsn-${fake.rng.int(100000000, 2147483647)}`;
    const r = d.reply!;
    const command = d.inReplyTo === 'RCPT TO' ? `RCPT TO:<${msg.recipient}>` : d.inReplyTo;
    const text =
      'This message was created automatically by mail delivery software.\r\n\r\n' +
      'A message that you sent could not be delivered to one or more of its\r\n' +
      'recipients. This is a permanent error. The following address(es) failed:\r\n\r\n' +
      `  ${msg.recipient}\r\n` +
      `    host ${d.remoteMta} [${d.remoteIp}]\r\n` +
      `    SMTP error from remote mail server after ${command}:\r\n` +
      `    ${wrapText(replyOneLine(r), 76, '    ')}\r\n`;
    const status =
      envelopeIdField(msg) +
      `Reporting-MTA: dns; ${host}\r\n\r\n` +
      'Action: failed\r\n' +
      `Final-Recipient: rfc822;${msg.recipient}\r\n` +
      `Status: ${d.status}\r\n` +
      `Remote-MTA: dns; ${d.remoteMta}\r\n` +
      `Diagnostic-Code: smtp; ${replyOneLine(r)}\r\n`;
    const original = returnedOriginal(input);
    const body = multipartBody(boundary, [
      { headers: [['Content-type', 'text/plain; charset=us-ascii']], body: text },
      { headers: [['Content-type', 'message/delivery-status']], body: status },
      { headers: [['Content-type', original.type]], body: original.body },
    ]);
    const date = eximDate(input.now);
    return renderMessage(
      [
        ['Return-path', '<>'],
        ['Received', bounceReceived(input, host)],
        ['Received', `from mailnull by ${host} with local (Exim 4.96) id ${id} for ${msg.envelope}; ${date}`],
        ['X-Failed-Recipients', msg.recipient],
        ['Auto-Submitted', 'auto-replied'],
        ['From', `Mail Delivery System <Mailer-Daemon@${host}>`],
        ['To', msg.envelope],
        // Exim 4.94 and later point back at the original.
        ['References', msg.messageId],
        ['Content-Type', `multipart/report; report-type=delivery-status; boundary=${boundary}`],
        ['MIME-Version', '1.0'],
        ['Subject', 'Mail delivery failed: returning message to sender'],
        ['Message-Id', `<E${id}@${host}>`],
        ['Date', date],
      ],
      body,
    );
  },
};
