import { originalHeaderBlock } from '../../mail/original.js';
import { reply, replyOneLine } from '../../mail/reply.js';
import { quotedPrintable } from '../../mime/body.js';
import { encodeWords, rfc5322Date } from '../../mime/headers.js';
import { multipartBody, renderMessage } from '../../mime/multipart.js';
import { bounceReceived, envelopeIdField, microsoftReportBody, originalRecipient } from './common.js';
import type { Diagnose, DsnDiagnosis, DsnInput, DsnReason, DsnStyle } from './types.js';

/** Exchange's own component texts (RESOLVER, STOREDRV, QUEUE, ...). */
const own = (code: string, status: string, text: string): DsnDiagnosis => ({
  status,
  reply: reply(code, status, text),
  inReplyTo: 'RCPT TO',
});

/*
 * Sources: Microsoft's "Email non-delivery reports in Exchange Server"
 * (learn.microsoft.com/exchange/mail-flow/non-delivery-reports-and-bounce-messages),
 * corpus exchange2007-*.eml. One text where Exchange has one.
 */
const EXCHANGE_DIAGNOSES: Record<DsnReason, readonly Diagnose[]> = {
  userunknown: [
    () => own('550', '5.1.1', 'RESOLVER.ADR.RecipNotFound; not found'),
    () => own('550', '5.1.1', 'RESOLVER.ADR.ExRecipNotFound; not found'),
    (c) =>
      own(
        '550',
        '5.1.1',
        `<${c.recipient}>: Recipient address rejected: User unknown in relay recipient table`,
      ),
  ],
  mailboxfull: [
    () => own('554', '5.2.2', 'mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException'),
    (c) =>
      own(
        '550',
        '5.2.2',
        `STOREDRV.Deliver: mailbox full. The following information should help identify the cause: "MapiExceptionShutoffQuotaExceeded:16.18969:${c.fake.rng.hex(8).toUpperCase()}"`,
      ),
    () =>
      own(
        '554',
        '5.2.2',
        'mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException.MapiExceptionShutoffQuotaExceeded; Failed to process message due to a permanent exception with message Cannot open mailbox.',
      ),
  ],
  expired: [
    () => own('550', '4.4.7', 'QUEUE.Expired; message expired'),
    () =>
      own(
        '550',
        '4.4.7',
        'QUEUE.Expired; message expired [Message=451 4.4.0 Primary target IP address responded with: "421 4.4.2 Connection dropped due to SocketError." Attempted failover to alternate host, but that did not succeed.]',
      ),
    () =>
      own(
        '550',
        '4.4.7',
        'QUEUE.Expired; message expired [Message=451 4.4.397 Error communicating with target host. -> 421 4.4.2 Connection dropped due to TimedOut]',
      ),
  ],
  spamdetected: [() => own('550', '5.7.1', 'Message rejected as spam by Content Filtering.')],
  policyviolation: [
    (c) => own('550', '5.7.1', `Message rejected due to DMARC policy of ${c.sender.split('@')[1]}`),
  ],
  suspend: [() => own('550', '5.2.1', 'STOREDRV.Deliver: mailbox has been suspended')],
  // Exchange's own recipient limit (RESOLVER.RST, 5.2.3: corpus
  // exchange2007-mesgtoobig-01.eml), or the next hop's (Postfix, sendmail).
  mesgtoobig: [
    () => own('550', '5.2.3', 'RESOLVER.RST.RecipSizeLimit; message too large for this recipient'),
    () => own('552', '5.3.4', 'Message size exceeds fixed maximum message size'),
    () => own('552', '5.3.4', 'Error: message file too big'),
  ],
  hostunknown: [() => own('554', '5.4.4', 'SMTPSEND.DNS.NonExistentDomain; nonexistent domain')],
};

/** The friendly paragraph Exchange puts above the administrators' part. */
function friendly(status: string): string {
  if (status === '5.1.1')
    return "The email address you entered couldn't be found. Please check the recipient's email address and try to resend the message. If the problem continues, please contact your helpdesk.";
  if (status === '5.2.2')
    return "The recipient's mailbox is full and can't accept messages now. Please try resending this message later, or contact the recipient directly.";
  if (status === '4.4.7')
    return "The recipient's email system couldn't be reached before the message expired. Please try resending the message later.";
  return "Your message wasn't delivered. Please contact your helpdesk with the information below.";
}

const guid = (input: DsnInput): string => {
  const h = input.fake.rng.hex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

/** Exchange Server 2013-2019 on-premises NDR. */
export const exchangeStyle: DsnStyle = {
  name: 'exchange',
  label: 'Microsoft Exchange 2013-2019 (on-premises)',
  reportingHost: (domain, fake) =>
    `${fake.rng.pick(['EXCH', 'EX', 'MBX', 'MAIL'])}${fake.rng.int(1, 4).toString().padStart(2, '0')}.${domain}`,
  diagnose: EXCHANGE_DIAGNOSES,
  build(input: DsnInput): string {
    const { fake, message: msg, diagnosis: d, reportingHost: host } = input;
    const [outer, alt] = [guid(input), guid(input)];
    const line = `#${replyOneLine(d.reply!)} ##`;
    const headers = originalHeaderBlock(msg, fake);
    const text =
      `Delivery has failed to these recipients or groups:\r\n\r\n` +
      `${msg.recipient}<mailto:${msg.recipient}>\r\n${friendly(d.status)}\r\n\r\n\r\n\r\n\r\n\r\n` +
      'Diagnostic information for administrators:\r\n\r\n' +
      `Generating server: ${host}\r\n\r\n${msg.recipient}\r\n${line}\r\n\r\n` +
      `Original message headers:\r\n\r\n${headers}`;
    const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const html =
      '<html>\r\n<head></head>\r\n<body>\r\n' +
      '<p><b><font color="#000066" size="3" face="Arial">Delivery has failed to these recipients or groups:</font></b></p>\r\n' +
      `<font color="#000000" size="2" face="Tahoma"><p><a href="mailto:${msg.recipient}">${msg.recipient}</a><br>\r\n${friendly(d.status)}</p>\r\n</font>\r\n` +
      '<br><br><br><br><br><br>\r\n<font color="#808080" size="2" face="Tahoma"><p><b>Diagnostic information for administrators:</b></p>\r\n' +
      `<p>Generating server: ${host}</p>\r\n<p>${msg.recipient}<br>\r\n${esc(line)}</p>\r\n` +
      `<p>Original message headers:</p>\r\n<pre>${esc(headers)}</pre>\r\n</font>\r\n</body>\r\n</html>\r\n`;
    const qp = (s: string): [string, string][] => [
      ['Content-Type', `text/${s}; charset="us-ascii"`],
      ['Content-Transfer-Encoding', 'quoted-printable'],
    ];
    const alternative = multipartBody(alt, [
      { headers: qp('plain'), body: `${quotedPrintable(text)}\r\n` },
      { headers: qp('html'), body: `${quotedPrintable(html)}\r\n` },
    ]);
    const date = rfc5322Date(input.now);
    // Exchange writes no space after the semicolons.
    const status =
      envelopeIdField(msg) +
      `Reporting-MTA: dns;${host}\r\n` +
      `Received-From-MTA: dns;${msg.mta.host}\r\n` +
      `Arrival-Date: ${rfc5322Date(msg.sentAt + 1500)}\r\n\r\n` +
      `Original-Recipient: ${originalRecipient(msg)}\r\n` +
      `Final-Recipient: rfc822;${msg.recipient}\r\n` +
      'Action: failed\r\n' +
      `Status: ${d.status}\r\n` +
      `Diagnostic-Code: smtp;${replyOneLine(d.reply!)}\r\n` +
      `X-Display-Name: ${msg.recipientName}\r\n`;
    const body = microsoftReportBody(input, outer, alt, alternative, status);
    return renderMessage(
      [
        ['Return-Path', '<>'],
        ['Received', bounceReceived(input, host)],
        ['MIME-Version', '1.0'],
        ['From', `Microsoft Outlook <postmaster@${msg.recipientDomain}>`],
        ['To', `<${msg.envelope}>`],
        ['Date', date],
        ['Content-Type', `multipart/report; report-type=delivery-status; boundary="${outer}"`],
        ['X-MS-Exchange-Message-Is-Ndr', ''],
        ['Content-Language', 'en-US'],
        ['Message-ID', `<${guid(input)}@${host}>`],
        ['In-Reply-To', msg.messageId],
        ['References', msg.messageId],
        ['Thread-Topic', encodeWords(msg.subject)],
        ['Subject', encodeWords(`Undeliverable: ${msg.subject}`)],
        ['Auto-Submitted', 'auto-replied'],
      ],
      body,
    );
  },
};
