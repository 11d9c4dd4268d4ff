import { encodeWords, type HeaderList, mailbox, rfc5322Date } from '../mime/headers.js';
import { multipartBody, renderMessage } from '../mime/multipart.js';
import type { AbuseEvent } from '../model/events.js';
import type { Fake } from '../random/fake.js';
import { callBase } from './call-events.js';
import type { OriginalMessage } from './message.js';
import { originalHeaderBlock, renderOriginal } from './original.js';

/**
 * Abuse reports as mailbox providers' feedback loops send them: ARF
 * (RFC 5965), a `multipart/report; report-type=feedback-report` with a
 * human-readable part, the machine-readable `message/feedback-report` and
 * the reported message (whole, or its headers only). Providers that redact
 * (RFC 6590) hide the complainer's address everywhere in the report; a
 * receiver then finds the message by its Message-ID or the VERP return path
 * (Original-Mail-From), which name SMTPeter's message id.
 */
export interface ArfStyle {
  name: string;
  label: string;
  /** Mailbox domains whose complaints come through this loop. */
  domains: ReadonlyArray<readonly [string, number]>;
  /** The loop's sender: the webhook's `emailfrom`. */
  from: string;
  userAgent: string;
  /** Version field: RFC 5965 says 1; the older loops still write 0.1. */
  version: string;
  subject(msg: OriginalMessage): string;
  /** The address as the report shows it; undefined: the loop does not redact. */
  redact?: (address: string) => string;
  /** The reported message whole (message/rfc822) or its headers only (text/rfc822-headers). */
  returns: 'message' | 'headers';
  /** The reporting host, for Authentication-Results. */
  authserv: string;
}

const localOf = (address: string): string => address.slice(0, address.lastIndexOf('@'));
const domainOf = (address: string): string => address.slice(address.lastIndexOf('@') + 1);

export const ARF_STYLES: readonly ArfStyle[] = [
  {
    name: 'yahoo',
    label: 'Yahoo Complaint Feedback Loop',
    domains: [
      ['yahoo.com', 80],
      ['ymail.com', 10],
      ['rocketmail.com', 10],
    ],
    from: 'feedback@arf.mail.yahoo.com',
    userAgent: 'Yahoo!-Mail-Feedback/2.0',
    version: '0.1',
    subject: (msg) => `FW: ${msg.subject}`,
    returns: 'message',
    authserv: 'mta1002.mail.gq1.yahoo.com',
  },
  {
    name: 'microsoft',
    label: 'Microsoft JMRP (Outlook.com)',
    domains: [
      ['outlook.com', 50],
      ['hotmail.com', 35],
      ['live.com', 15],
    ],
    from: 'staff@hotmail.com',
    userAgent: 'Hotmail FBL',
    version: '1',
    subject: (msg) => `complaint about message from ${msg.mta.ip}`,
    // JMRP masks the complainer's mailbox name and keeps the domain.
    redact: (address) => `${'x'.repeat(localOf(address).length)}@${domainOf(address)}`,
    returns: 'message',
    authserv: 'mx.microsoft.com',
  },
  {
    name: 'comcast',
    label: 'Comcast feedback loop (run by Validity)',
    domains: [['comcast.net', 100]],
    from: 'feedbackloop@comcastfbl.senderscore.net',
    userAgent: 'ReturnPathFBL/2.0',
    version: '1',
    subject: () => 'Comcast Feedback Loop Report',
    redact: (address) => `redacted@${domainOf(address)}`,
    returns: 'headers',
    authserv: 'resimta-po-11v.sys.comcast.net',
  },
  {
    name: 'aol',
    label: 'AOL SComp (now routed through Yahoo)',
    domains: [['aol.com', 100]],
    from: 'scomp@aol.net',
    userAgent: 'AOL SComp',
    version: '0.1',
    subject: () => 'Email Feedback Report for IP',
    redact: (address) => `redacted@${domainOf(address)}`,
    returns: 'message',
    authserv: 'mx.aol.com',
  },
];

export function arfStyle(name: string): ArfStyle {
  const style = ARF_STYLES.find((s) => s.name === name);
  if (!style) throw new Error(`no ARF style '${name}'`);
  return style;
}

/** Where SMTPeter's feedback-loop registrations point; the report is addressed there. */
export const FBL_MAILBOX = 'fbl@smtpeter.com';

/** A complaint report as received, and who sent it. */
export interface AbuseReport {
  emailfrom: string;
  mime: string;
}

/** The `message/feedback-report` fields (RFC 5965 section 3). */
function feedbackFields(style: ArfStyle, msg: OriginalMessage, arrivedAt: number): HeaderList {
  const fields: Array<readonly [string, string]> = [
    ['Feedback-Type', 'abuse'],
    ['User-Agent', style.userAgent],
    ['Version', style.version],
    ['Original-Mail-From', `<${msg.envelope}>`],
  ];
  if (!style.redact) fields.push(['Original-Rcpt-To', `<${msg.recipient}>`]);
  fields.push(
    ['Arrival-Date', rfc5322Date(arrivedAt)],
    ['Reporting-MTA', `dns; ${style.authserv}`],
    ['Source-IP', msg.mta.ip],
    ['Reported-Domain', msg.senderDomain],
    [
      'Authentication-Results',
      `${style.authserv}; dkim=pass header.d=${msg.senderDomain}; spf=pass smtp.mailfrom=${domainOf(msg.envelope)}`,
    ],
  );
  return fields;
}

/** Every spelling of the complainer in the report, redacted as the style redacts. */
function redacted(text: string, style: ArfStyle, msg: OriginalMessage): string {
  if (!style.redact) return text;
  const masked = style.redact(msg.recipient);
  // The To field loses the name too: `Anna Smit <anna@x>` becomes `<xxxx@x>`.
  return text
    .split(mailbox(msg.recipientName, msg.recipient))
    .join(`<${masked}>`)
    .split(msg.recipient)
    .join(masked);
}

/**
 * The report `style`'s loop sends at `at` (ms) about `msg`: the person
 * marked it as spam a while after it arrived.
 */
export function abuseReport(msg: OriginalMessage, styleName: string, fake: Fake, at: number): AbuseReport {
  const style = arfStyle(styleName);
  const { rng } = fake;
  // A second after it was sent; sooner when the report follows sooner (serve's compressed mail time).
  const arrivedAt = msg.sentAt + Math.min(1000, Math.round(Math.max(0, at - msg.sentAt) / 2));
  const boundary = `${rng.hex(8)}_${rng.hex(6)}_arf`;
  const returned =
    style.returns === 'message'
      ? { type: 'message/rfc822', body: renderOriginal(msg, fake) }
      : { type: 'text/rfc822-headers', body: originalHeaderBlock(msg, fake) };
  const human =
    `This is an email abuse report for an email message received from IP ${msg.mta.ip} on ${rfc5322Date(arrivedAt)}.\r\n` +
    'For more information about this format please see http://tools.ietf.org/html/rfc5965.\r\n';
  const body = multipartBody(
    boundary,
    [
      {
        headers: [
          ['Content-Type', 'text/plain; charset="US-ASCII"'],
          ['Content-Transfer-Encoding', '7bit'],
        ],
        body: human,
      },
      {
        headers: [['Content-Type', 'message/feedback-report']],
        body: renderMessage(feedbackFields(style, msg, arrivedAt), ''),
      },
      {
        headers: [
          ['Content-Type', returned.type],
          ['Content-Disposition', 'inline'],
        ],
        body: redacted(returned.body, style, msg),
      },
    ],
    'This is a multi-part message in MIME format.',
  );
  const headers: HeaderList = [
    ['Return-Path', '<>'],
    ['From', `<${style.from}>`],
    ['To', `<${FBL_MAILBOX}>`],
    ['Subject', encodeWords(redacted(style.subject(msg), style, msg))],
    ['Date', rfc5322Date(at)],
    ['Message-ID', `<${rng.hex(16)}.${rng.int(1000, 99999)}@${domainOf(style.from)}>`],
    ['MIME-Version', '1.0'],
    ['Content-Type', `multipart/report; report-type=feedback-report; boundary="${boundary}"`],
  ];
  return { emailfrom: style.from, mime: renderMessage(headers, body) };
}

/** The abuse call for `report` about `msg`, as SMTPeter makes it at `at` (ms). */
export function abuseEvent(msg: OriginalMessage, at: number, report: AbuseReport): AbuseEvent {
  const { id, timestamp, time, recipient, tags } = callBase(msg, at);
  return {
    id,
    type: 'abuse',
    timestamp,
    time,
    recipient,
    emailfrom: report.emailfrom,
    mime: report.mime,
    tags,
  };
}
