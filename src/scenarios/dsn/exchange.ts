import type { Audience } from '../../mail/audience.js';
import { mailboxServer, outboundHost } from '../../mail/microsoft.js';
import { originalHeaderBlock } from '../../mail/original.js';
import { companyDomain } from '../../mail/providers.js';
import { reply, replyOneLine } from '../../mail/reply.js';
import { quotedPrintable } from '../../mime/body.js';
import { encodeWords, rfc5322Date } from '../../mime/headers.js';
import { multipartBody, renderMessage } from '../../mime/multipart.js';
import type { Fake } from '../../random/fake.js';
import {
  bounceReceived,
  envelopeIdField,
  microsoftReportBody,
  originalRecipient,
  reportRecipients,
} from './common.js';
import { NDR_LANGUAGES, type NdrLanguage } from './ndr-languages.js';
import { O365_DIAGNOSES, O365_REASONS, tenantHeaders } from './office365.js';
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

const guid = (input: DsnInput): string => {
  const h = input.fake.rng.hex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

export const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The text and HTML parts of the NDR: one entry per recipient in each section. */
function humanParts(input: DsnInput, lang: NdrLanguage): { text: string; html: string } {
  const { fake, message: msg, reportingHost: host } = input;
  const named = reportRecipients(input);
  const headers = originalHeaderBlock(msg, fake);
  const line = (d: DsnDiagnosis): string => `#${replyOneLine(d.reply!)} ##`;
  const text =
    `${lang.failedTo}\r\n\r\n` +
    named
      .map((r) => `${r.address}<mailto:${r.address}>\r\n${lang.friendly(r.diagnosis.status)}\r\n`)
      .join('\r\n') +
    `\r\n\r\n\r\n\r\n\r\n${lang.forAdmins}\r\n\r\n` +
    `${lang.generatingServer}${host}\r\n\r\n` +
    named.map((r) => `${r.address}\r\n${line(r.diagnosis)}\r\n\r\n`).join('') +
    `${lang.originalHeaders}\r\n\r\n${headers}`;
  const html =
    '<html>\r\n<head></head>\r\n<body>\r\n' +
    `<p><b><font color="#000066" size="3" face="Arial">${escapeHtml(lang.failedTo)}</font></b></p>\r\n` +
    named
      .map(
        (r) =>
          `<font color="#000000" size="2" face="Tahoma"><p><a href="mailto:${r.address}">${r.address}</a><br>\r\n${escapeHtml(lang.friendly(r.diagnosis.status))}</p>\r\n</font>\r\n`,
      )
      .join('') +
    `<br><br><br><br><br><br>\r\n<font color="#808080" size="2" face="Tahoma"><p><b>${escapeHtml(lang.forAdmins)}</b></p>\r\n` +
    `<p>${escapeHtml(lang.generatingServer)}${host}</p>\r\n` +
    named.map((r) => `<p>${r.address}<br>\r\n${escapeHtml(line(r.diagnosis))}</p>\r\n`).join('') +
    `<p>${escapeHtml(lang.originalHeaders)}</p>\r\n<pre>${escapeHtml(headers)}</pre>\r\n</font>\r\n</body>\r\n</html>\r\n`;
  return { text, html };
}

/** The message/delivery-status part: one block per recipient. Exchange writes no space after the semicolons. */
function statusPart(input: DsnInput): string {
  const { message: msg, reportingHost: host } = input;
  const blocks = reportRecipients(input).map(
    (r, i) =>
      `Original-Recipient: ${i === 0 ? originalRecipient(msg) : `rfc822;${r.address}`}\r\n` +
      `Final-Recipient: rfc822;${r.address}\r\n` +
      'Action: failed\r\n' +
      `Status: ${r.diagnosis.status}\r\n` +
      `Diagnostic-Code: smtp;${replyOneLine(r.diagnosis.reply!)}\r\n` +
      `X-Display-Name: ${r.name}\r\n`,
  );
  return (
    envelopeIdField(msg) +
    `Reporting-MTA: dns;${host}\r\n` +
    `Received-From-MTA: dns;${msg.mta.host}\r\n` +
    `Arrival-Date: ${rfc5322Date(input.arrivedAt)}\r\n\r\n` +
    blocks.join('\r\n')
  );
}

/** What an Exchange report says: its subject and its three parts. */
export interface ExchangeNotice {
  subject: string;
  text: string;
  html: string;
  status: string;
}

/**
 * An Exchange Server report around one notice (NDR or delay): the
 * human-readable part as quoted-printable alternative, then the
 * delivery-status and the returned message. `write` runs after the
 * boundaries are drawn, as Exchange numbers them first.
 */
export function exchangeReport(
  input: DsnInput,
  lang: NdrLanguage,
  write: () => ExchangeNotice,
  online = false,
): string {
  const { fake, message: msg, reportingHost: host } = input;
  const [outer, alt] = [guid(input), guid(input)];
  const notice = write();
  // Translated parts carry non-ASCII letters: Exchange labels them utf-8.
  const charset = lang.code === 'en' ? 'us-ascii' : 'utf-8';
  const qp = (s: string): [string, string][] => [
    ['Content-Type', `text/${s}; charset="${charset}"`],
    ['Content-Transfer-Encoding', 'quoted-printable'],
  ];
  const alternative = multipartBody(alt, [
    { headers: qp('plain'), body: `${quotedPrintable(notice.text)}\r\n` },
    { headers: qp('html'), body: `${quotedPrintable(notice.html)}\r\n` },
  ]);
  const body = microsoftReportBody(input, outer, alt, alternative, notice.status);
  // Exchange Online sends from its outbound pool and stamps the tenant headers.
  const outbound = online ? outboundHost(host, fake.rng) : undefined;
  return renderMessage(
    [
      ['Return-Path', '<>'],
      [
        'Received',
        outbound ? bounceReceived(input, outbound.host, outbound.ip) : bounceReceived(input, host),
      ],
      ['MIME-Version', '1.0'],
      ['From', `Microsoft Outlook <postmaster@${msg.recipientDomain}>`],
      ['To', `<${msg.envelope}>`],
      ['Date', rfc5322Date(input.now)],
      ['Content-Type', `multipart/report; report-type=delivery-status; boundary="${outer}"`],
      ['X-MS-Exchange-Message-Is-Ndr', ''],
      ['Content-Language', lang.contentLanguage],
      ['Message-ID', `<${guid(input)}@${host}>`],
      ['In-Reply-To', msg.messageId],
      ['References', msg.messageId],
      ...(online ? [] : ([['Thread-Topic', encodeWords(msg.subject)]] as const)),
      ['Subject', encodeWords(notice.subject)],
      ['Auto-Submitted', 'auto-replied'],
      ...(online ? tenantHeaders(input.now, host, () => guid(input)) : []),
    ],
    body,
  );
}

/**
 * Exchange's NDR in one language: on premises, `exchange` (en-US) and
 * `exchange-nl`, `exchange-de`, `exchange-fr`; for an Exchange Online
 * tenant or mailbox set to that language, `office365-nl`, `-de`, `-fr`
 * (the same classic layout, Sisimai's Dutch Office365 markers come from
 * such NDRs, with Exchange Online's hosts, headers and texts; its en-US
 * NDR has the 2017+ layout, office365.ts). Writes every recipient the
 * report names (one message to several mailboxes there); the catalogue's
 * multi-recipient scenario uses the en-US one.
 */
export function exchangeStyleIn(lang: NdrLanguage, online = false): DsnStyle {
  const localised = lang.code !== 'en';
  const onPremises: Pick<DsnStyle, 'reportingHost' | 'diagnose'> = {
    reportingHost: (domain, fake) =>
      `${fake.rng.pick(['EXCH', 'EX', 'MBX', 'MAIL'])}${fake.rng.int(1, 4).toString().padStart(2, '0')}.${domain}`,
    diagnose: EXCHANGE_DIAGNOSES,
  };
  const exchangeOnline: Pick<DsnStyle, 'reportingHost' | 'diagnose' | 'reasons'> = {
    reportingHost: (_domain, fake) => mailboxServer(fake.rng),
    diagnose: O365_DIAGNOSES,
    reasons: O365_REASONS,
  };
  return {
    name: `${online ? 'office365' : 'exchange'}${localised ? `-${lang.code}` : ''}`,
    label: `${online ? 'Microsoft 365 / Exchange Online' : 'Microsoft Exchange 2013-2019 (on-premises)'}${localised ? `, ${lang.contentLanguage}` : ''}`,
    ...(localised
      ? { recipientDomain: (fake: Fake) => companyDomain(fake, LANGUAGE_AUDIENCE[lang.code]) }
      : {}),
    ...(online ? exchangeOnline : onPremises),
    // Sisimai 4.25 reads localised NDRs by their RFC 3464 part only, and
    // counts each recipient block of a multi-recipient one twice.
    namesSeveral: !localised,
    build: (input) =>
      exchangeReport(
        input,
        lang,
        () => ({
          subject: `${lang.subject}${input.message.subject}`,
          ...humanParts(input, lang),
          status: statusPart(input),
        }),
        online,
      ),
  };
}

/** The audience whose company domains a localised Exchange writes for (no French audience: global). */
const LANGUAGE_AUDIENCE: Record<NdrLanguage['code'], Audience | undefined> = {
  en: undefined,
  nl: 'nl',
  de: 'de',
  fr: undefined,
};

export const exchangeStyle: DsnStyle = exchangeStyleIn(NDR_LANGUAGES.en);
