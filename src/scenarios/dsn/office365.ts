import { mailboxServer, outboundHost } from '../../mail/microsoft.js';
import { originalHeaderBlock } from '../../mail/original.js';
import { reply, replyOneLine } from '../../mail/reply.js';
import { quotedPrintable } from '../../mime/body.js';
import { encodeWords, type HeaderList, rfc5322Date } from '../../mime/headers.js';
import { multipartBody, renderMessage } from '../../mime/multipart.js';
import { bounceReceived, envelopeIdField, microsoftReportBody } from './common.js';
import type { Diagnose, DsnDiagnosis, DsnInput, DsnReason, DsnStyle } from './types.js';

const own = (code: string, status: string, text: string): DsnDiagnosis => ({
  status,
  reply: reply(code, status, text),
  inReplyTo: 'RCPT TO',
});

/** The reasons Exchange Online's NDRs are written for here (see office365Style). */
export const O365_REASONS: readonly DsnReason[] = [
  'userunknown',
  'mailboxfull',
  'expired',
  'spamdetected',
  'suspend',
  'mesgtoobig',
];

/*
 * Exchange Online's status codes and texts. Sources: Microsoft's "NDRs in
 * Exchange Online" pages (learn.microsoft.com/exchange/troubleshoot/email-delivery-ndr),
 * corpus office365-*.eml.
 */
export const O365_DIAGNOSES: Partial<Record<DsnReason, readonly Diagnose[]>> = {
  userunknown: [
    () => own('550', '5.1.10', 'RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'),
    () => own('550', '5.1.1', 'RESOLVER.ADR.RecipNotFound; not found'),
    () => own('550', '5.1.1', 'RESOLVER.ADR.ExRecipNotFound; not found'),
  ],
  mailboxfull: [
    () =>
      own(
        '554',
        '5.2.2',
        'mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException.MapiExceptionShutoffQuotaExceeded',
      ),
    () =>
      own(
        '554',
        '5.2.2',
        'mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException.MapiExceptionShutoffQuotaExceeded; Failed to process message due to a permanent exception with message Cannot open mailbox.',
      ),
    (c) => own('552', '5.2.2', `<${c.recipient}>... Mailbox Full`),
  ],
  expired: [() => own('550', '4.4.7', 'QUEUE.Expired; message expired')],
  spamdetected: [() => own('550', '5.7.350', 'Remote server returned message detected as spam')],
  suspend: [() => own('550', '5.2.1', 'STOREDRV.Deliver: mailbox has been suspended')],
  mesgtoobig: [
    () => own('550', '5.3.4', 'ROUTING.SizeLimit; message size exceeds fixed maximum size for route'),
    // The next hop's own limit, quoted (Postfix, sendmail).
    () => own('552', '5.3.4', 'Message size exceeds fixed maximum message size'),
    () => own('552', '5.3.4', 'Error: message file too big'),
  ],
};

/** `1/15/2026 7:52:43 AM`: the en-US form the NDR writes dates in (UTC). */
export function usDateTime(ms: number): string {
  const d = new Date(ms);
  const h = d.getUTCHours();
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  const ss = String(d.getUTCSeconds()).padStart(2, '0');
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${h % 12 || 12}:${mm}:${ss} ${h < 12 ? 'AM' : 'PM'}`;
}

/**
 * The headers Exchange Online adds to an NDR it sends out of a tenant (the
 * ones Sisimai's Office365 decoder recognises it by); `id` draws the
 * tenant's GUID.
 */
export function tenantHeaders(now: number, host: string, id: () => string): HeaderList {
  const arrival = new Date(now).toISOString().replace('T', ' ').replace('Z', '');
  const [y, mo, da] = arrival.slice(0, 10).split('-');
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return [
    ['X-MS-PublicTrafficType', 'Email'],
    ['X-MS-Exchange-Organization-SCL', '-1'],
    [
      'X-MS-Exchange-CrossTenant-OriginalArrivalTime',
      `${Number(da)} ${months[Number(mo) - 1]} ${y} ${arrival.slice(11, 23)}0 (UTC)`,
    ],
    ['X-MS-Exchange-CrossTenant-FromEntityHeader', 'Hosted'],
    ['X-MS-Exchange-CrossTenant-Id', id()],
    ['X-MS-Exchange-Transport-CrossTenantHeadersStamped', host.split('.')[0]!],
  ];
}

/** Exchange Online (Microsoft 365) NDR, the 2017+ layout. */
export const office365Style: DsnStyle = {
  name: 'office365',
  label: 'Microsoft 365 / Exchange Online',
  reportingHost: (_domain, fake) => mailboxServer(fake.rng),
  /*
   * Not policyviolation or hostunknown: Exchange Online writes them as
   * 5.7.509 / 5.7.520 (DMARC reject, forwarding policy) and 5.4.4 / 5.4.310
   * (nonexistent domain), which Sisimai 4.25's Office365 decoder and its
   * outlook.com host rules turn into securityerror / norelaying /
   * networkerror. Generic texts would not be Microsoft's words.
   */
  reasons: O365_REASONS,
  diagnose: O365_DIAGNOSES,
  build(input: DsnInput): string {
    const { fake, message: msg, diagnosis: d, reportingHost: host } = input;
    const hex = (): string => {
      const h = fake.rng.hex(32);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    };
    const [outer, alt] = [hex(), hex()];
    const [local, domain] = [msg.recipient.split('@')[0], msg.recipientDomain];
    const reported = replyOneLine(d.reply!);
    const headline =
      d.status === '5.1.10' ? `${local} wasn't found at ${domain}.` : `Delivery to ${msg.recipient} failed.`;
    const text =
      `Your message to ${msg.recipient} couldn't be delivered.\r\n\r\n${headline}\r\n\r\n` +
      `${msg.fromAddress.split('@')[0]}\tOffice 365\t${local}\r\nAction Required\t\t\tRecipient\r\n\r\n\r\n` +
      `How to Fix It\r\nContact the recipient (by phone, for example) to check that the address exists and can receive messages.\r\n\r\n` +
      `If the problem continues, forward this message to your email admin.\r\n\r\n` +
      `More Info for Email Admins\r\nStatus code: ${d.reply!.code} ${d.status}\r\n\r\n` +
      `Original Message Details\r\nCreated Date:\t${usDateTime(msg.sentAt)}\r\n` +
      `Sender Address:\t${msg.envelope}\r\nRecipient Address:\t${msg.recipient}\r\nSubject:\t${msg.subject}\r\n\r\n` +
      `Error Details\r\nReported error:\t${reported}\r\nDSN generated by:\t${host}\r\n\r\n` +
      // The link form of the recipient, as Outlook renders the NDR to text.
      `Recipient:\t${msg.recipient}<mailto:${msg.recipient}>\r\n\r\n` +
      `Original Message Headers\r\n\r\n${originalHeaderBlock(msg, fake)}`;
    const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
    const html =
      '<html>\r\n<head><meta name="viewport" content="width=device-width, initial-scale=1" /><title>DSN</title></head>\r\n<body>\r\n' +
      `<p>Your message to <a href="mailto:${msg.recipient}">${msg.recipient}</a> couldn't be delivered.</p>\r\n` +
      `<p>${esc(headline)}</p>\r\n<p><b>More Info for Email Admins</b><br>Status code: ${d.reply!.code} ${d.status}</p>\r\n` +
      `<p>Reported error: ${esc(reported)}<br>DSN generated by: ${host}</p>\r\n</body>\r\n</html>\r\n`;
    const qp = (s: string): [string, string][] => [
      ['Content-Type', `text/${s}; charset="utf-8"`],
      ['Content-Transfer-Encoding', 'quoted-printable'],
    ];
    const alternative = multipartBody(alt, [
      { headers: qp('plain'), body: `${quotedPrintable(text)}\r\n` },
      { headers: qp('html'), body: `${quotedPrintable(html)}\r\n` },
    ]);
    const status =
      envelopeIdField(msg) +
      `Reporting-MTA: dns;${host}\r\n` +
      `Received-From-MTA: dns;${msg.mta.host}\r\n` +
      `Arrival-Date: ${rfc5322Date(input.arrivedAt)}\r\n\r\n` +
      `Final-Recipient: rfc822;${msg.recipient}\r\n` +
      'Action: failed\r\n' +
      `Status: ${d.status}\r\n` +
      `Diagnostic-Code: smtp;${reported}\r\n`;
    const body = microsoftReportBody(input, outer, alt, alternative, status);
    const outbound = outboundHost(host, fake.rng);
    return renderMessage(
      [
        ['Return-Path', '<>'],
        ['Received', bounceReceived(input, outbound.host, outbound.ip)],
        ['MIME-Version', '1.0'],
        ['From', `Microsoft Outlook <postmaster@${domain}>`],
        ['To', `<${msg.envelope}>`],
        ['Date', rfc5322Date(input.now)],
        ['Content-Type', `multipart/report; report-type=delivery-status; boundary="${outer}"`],
        ['X-MS-Exchange-Message-Is-Ndr', ''],
        ['Content-Language', 'en-US'],
        ['Message-ID', `<${hex()}@${host}>`],
        ['In-Reply-To', msg.messageId],
        ['References', msg.messageId],
        ['Subject', encodeWords(`Undeliverable: ${msg.subject}`)],
        ['Auto-Submitted', 'auto-replied'],
        ...tenantHeaders(input.now, host, hex),
      ],
      body,
    );
  },
};
