import { reply, replyWire } from '../../mail/reply.js';
import { multipartBody } from '../../mime/multipart.js';
import { pacificDate } from '../../mime/pacific-time.js';
import { randomBase64 } from '../../random/rng.js';
import { bounceReceived, envelopeIdField, renderReport, returnedOriginal } from './common.js';
import type { Diagnose, DiagnosisContext, DsnDiagnosis, DsnInput, DsnReason, DsnStyle } from './types.js';

/**
 * The story: the sender relays through Google (Workspace SMTP relay) and
 * the recipient's domain is hosted by Google too, so the replies are
 * Google's own multi-line `550-5.1.1 ... - gsmtp` texts from aspmx.
 */
const gsmtp = (c: DiagnosisContext, code: string, ext: string, lines: string[]): DsnDiagnosis => {
  const last = lines.length - 1;
  lines[last] = `${lines[last]} ${c.fake.rng.alnum(12).toLowerCase()}.${c.fake.rng.int(1, 400)} - gsmtp`;
  return {
    status: ext,
    reply: reply(code, ext, ...lines),
    inReplyTo: code === '552' && ext === '5.3.4' ? 'end of DATA' : 'RCPT TO',
    remoteMta: 'aspmx.l.google.com.',
    remoteIp: `142.250.${c.fake.rng.int(0, 255)}.${c.fake.rng.int(1, 254)}`,
  };
};

/*
 * Sources: Google's SMTP error reference (support.google.com/a/answer/3726730),
 * corpus gmail-userunknown-01.eml; the answer/6596 link is the pre-2016 text.
 */
const GMAIL_DIAGNOSES: Record<DsnReason, readonly Diagnose[]> = {
  userunknown: [
    (c) =>
      gsmtp(c, '550', '5.1.1', [
        'The email account that you tried to reach does not exist. Please try',
        "double-checking the recipient's email address for typos or",
        'unnecessary spaces. Learn more at',
        ' https://support.google.com/mail/?p=NoSuchUser',
      ]),
    (c) =>
      gsmtp(c, '550', '5.1.1', [
        'The email account that you tried to reach does not exist. Please try',
        "double-checking the recipient's email address for typos or",
        'unnecessary spaces. Learn more at',
        ' https://support.google.com/mail/answer/6596',
      ]),
    (c) =>
      gsmtp(c, '550', '5.1.1', [
        "The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. For more information, go to",
        ' https://support.google.com/mail/?p=NoSuchUser',
      ]),
  ],
  mailboxfull: [
    (c) =>
      gsmtp(c, '552', '5.2.2', [
        'The email account that you tried to reach is over quota. Please direct',
        'the recipient to',
        ' https://support.google.com/mail/?p=OverQuotaTemp',
      ]),
    (c) =>
      gsmtp(c, '552', '5.2.2', [
        "The recipient's inbox is out of storage space. Please direct the",
        'recipient to',
        ' https://support.google.com/mail/?p=OverQuotaTemp',
      ]),
    (c) =>
      gsmtp(c, '552', '5.2.2', [
        "The recipient's inbox is out of storage space and inactive. Please direct",
        'the recipient to',
        ' https://support.google.com/mail/?p=OverQuotaPerm',
      ]),
  ],
  // Unverified detail: the Status Google writes for a connect timeout.
  expired: [
    (c) => ({
      status: '4.4.1',
      local: `The recipient server did not accept our requests to connect. Learn more at https://support.google.com/mail/answer/7720 [${c.domain}. ${c.nextHopIp}: timed out]`,
      inReplyTo: 'RCPT TO',
    }),
  ],
  spamdetected: [
    (c) =>
      gsmtp(c, '550', '5.7.1', [
        '[209.85.220.41      12] Our system has detected that this message is',
        'likely unsolicited mail. To reduce the amount of spam sent to Gmail,',
        'this message has been blocked. Please visit',
        ' https://support.google.com/mail/?p=UnsolicitedMessageError',
        ' for more information.',
      ]),
  ],
  // Gmail's pre-2024 code for DMARC rejects; with today's 5.7.26 Sisimai 4.25
  // answers `blocked` (5.x would say authfailure), not policyviolation.
  policyviolation: [
    (c) => {
      const d = c.sender.split('@')[1];
      return gsmtp(c, '550', '5.7.1', [
        `Unauthenticated email from ${d} is not accepted due to domain's`,
        `DMARC policy. Please contact the administrator of ${d} domain if`,
        'this was a legitimate mail. To learn about the DMARC initiative, go to',
        ' https://support.google.com/mail/?p=DmarcRejection',
      ]);
    },
  ],
  suspend: [
    (c) =>
      gsmtp(c, '550', '5.2.1', [
        'The email account that you tried to reach is disabled. Learn more at',
        ' https://support.google.com/mail/?p=DisabledUser',
      ]),
  ],
  mesgtoobig: [
    (c) =>
      gsmtp(c, '552', '5.3.4', [
        "Your message exceeded Google's message size limits. Please visit",
        ' https://support.google.com/mail/?p=MaxSizeError to view our size',
        'guidelines.',
      ]),
  ],
  hostunknown: [
    (c) => ({
      status: '5.1.2',
      local: `DNS Error: DNS type 'mx' lookup of ${c.domain} responded with code NXDOMAIN Domain name not found: ${c.domain} Learn more at https://support.google.com/mail/?p=BadRcptDomain`,
      inReplyTo: 'RCPT TO',
    }),
  ],
};

/** A 1x1 PNG standing in for Google's 72x72 error icon. */
const ICON =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==';

/** What one Gmail notice says; the layout around it is the same for a failure and a delay. */
export interface GmailNotice {
  headline: string;
  why: string;
  /** A "Learn more here" line under `why`, if any. */
  learnMore?: string;
  /** The line before the response: "The response from the remote server was:", ... */
  responseLead: string;
  action: 'failed' | 'delayed';
  /** Further per-recipient fields after Last-Attempt-Date (Will-Retry-Until). */
  moreFields?: string;
  subject: string;
}

/** Gmail / Google Workspace report (multipart/related HTML layout, 2016+) around one notice. */
export function gmailReport(input: DsnInput, n: GmailNotice): string {
  const { fake, message: msg, diagnosis: d } = input;
  const b = (): string => `000000000000${fake.rng.hex(16)}`;
  const [outer, related, alt] = [b(), b(), b()];
  const said = d.reply ? replyWire(d.reply).join('\r\n') : d.local!;
  const text =
    `\r\n** ${n.headline} **\r\n\r\n${n.why}\r\n\r\n` +
    (n.learnMore ? `${n.learnMore}\r\n\r\n` : '') +
    `${n.responseLead}\r\n${said}\r\n`;
  const html =
    '\r\n<html>\r\n<head>\r\n<style>\r\n* {\r\nfont-family:Roboto, "Helvetica Neue", Helvetica, Arial, sans-serif;\r\n}\r\n</style>\r\n</head>\r\n<body>\r\n' +
    `<table cellpadding="0" cellspacing="0" class="email-wrapper" style="padding-top:32px;background-color:#ffffff;"><tbody>\r\n` +
    `<tr><td><img style="padding:0 24px 16px 0;float:left" width=72 height=72 alt="Error Icon" src="cid:icon.png">\r\n` +
    `<h2 style="font-size:20px;color:#212121;font-weight:bold;margin:0">\r\n${n.headline}\r\n</h2>\r\n` +
    `${n.why.replace(msg.recipient, `<b>${msg.recipient}</b>`).replace(/'/g, '&#39;')}\r\n</td></tr>\r\n` +
    `<tr><td>\r\nThe response was:<br/>\r\n<p style="font-family:monospace">\r\n${said.replace(/'/g, '&#39;').replace(/\r\n/g, '<br/>\r\n')}\r\n</p>\r\n</td></tr>\r\n` +
    '</tbody></table>\r\n</body>\r\n</html>\r\n';
  const alternative = multipartBody(alt, [
    { headers: [['Content-Type', 'text/plain; charset="UTF-8"']], body: text },
    { headers: [['Content-Type', 'text/html; charset="UTF-8"']], body: html },
  ]);
  const relatedBody = multipartBody(related, [
    { headers: [['Content-Type', `multipart/alternative; boundary="${alt}"`]], body: alternative },
    {
      headers: [
        ['Content-Type', 'image/png; name="icon.png"'],
        ['Content-Disposition', 'attachment; filename="icon.png"'],
        ['Content-Transfer-Encoding', 'base64'],
        ['Content-ID', '<icon.png>'],
      ],
      body: `${ICON}\r\n`,
    },
  ]);
  const arrival = pacificDate(input.arrivedAt);
  const now = pacificDate(input.now);
  // Continuation lines of the wire reply stay as separate folded lines.
  const diag = d.reply ? replyWire(d.reply).join('\r\n ') : d.local!;
  const remote = d.remoteMta
    ? `Remote-MTA: dns; ${d.remoteMta} (${d.remoteIp}, the server for the domain\r\n ${msg.recipientDomain}.)\r\n`
    : '';
  const status =
    envelopeIdField(msg) +
    'Reporting-MTA: dns; googlemail.com\r\n' +
    `Received-From-MTA: dns; ${msg.fromAddress}\r\n` +
    `Arrival-Date: ${arrival}\r\n` +
    `X-Original-Message-ID: ${msg.messageId}\r\n\r\n` +
    `Final-Recipient: rfc822; ${msg.recipient}\r\n` +
    `Action: ${n.action}\r\n` +
    `Status: ${d.status}\r\n` +
    remote +
    `Diagnostic-Code: smtp; ${diag}\r\n` +
    `Last-Attempt-Date: ${now}\r\n` +
    (n.moreFields ?? '');
  const original = returnedOriginal(input);
  const body = multipartBody(outer, [
    { headers: [['Content-Type', `multipart/related; boundary="${related}"`]], body: relatedBody },
    { headers: [['Content-Type', 'message/delivery-status']], body: status },
    { headers: [['Content-Type', original.type]], body: original.body },
  ]);
  const state = randomBase64(fake.rng, 32).replace(/=+$/, '');
  return renderReport(
    [
      ['Return-Path', '<>'],
      ['Received', bounceReceived(input, `mail-sor-f${fake.rng.int(41, 73)}.google.com`)],
      ['X-Gm-Message-State', `AOJu0Y${state}`],
      ['Content-Type', `multipart/report; boundary="${outer}"; report-type=delivery-status`],
      ['To', msg.envelope],
      ['Auto-Submitted', 'auto-replied'],
      [
        'Message-ID',
        `<${fake.rng.hex(8)}.${fake.rng.hex(8)}.${fake.rng.hex(5)}.${fake.rng.hex(4)}.GMR@mx.google.com>`,
      ],
      ['Date', now],
      ['From', 'Mail Delivery Subsystem <mailer-daemon@googlemail.com>'],
      ['Subject', n.subject],
      ['References', msg.messageId],
      ['In-Reply-To', msg.messageId],
      // A delay names no failed recipient.
      ...(n.action === 'failed' ? ([['X-Failed-Recipients', msg.recipient]] as const) : []),
    ],
    body,
  );
}

/** Gmail / Google Workspace DSN (multipart/related HTML layout, 2016+). */
export const gmailStyle: DsnStyle = {
  name: 'gmail',
  label: 'Gmail / Google Workspace',
  reportingHost: () => 'googlemail.com',
  diagnose: GMAIL_DIAGNOSES,
  build(input: DsnInput): string {
    const { message: msg, diagnosis: d } = input;
    const notFound = d.status === '5.1.1';
    return gmailReport(input, {
      headline: notFound ? 'Address not found' : 'Message not delivered',
      why: notFound
        ? `Your message wasn't delivered to ${msg.recipient} because the address couldn't be found, or is unable to receive mail.`
        : `There was a problem delivering your message to ${msg.recipient}. See the technical details below.`,
      ...(notFound ? { learnMore: 'Learn more here: https://support.google.com/mail/?p=NoSuchUser' } : {}),
      responseLead: `The response ${d.reply ? 'from the remote server ' : ''}was:`,
      action: 'failed',
      subject: 'Delivery Status Notification (Failure)',
    });
  },
};
