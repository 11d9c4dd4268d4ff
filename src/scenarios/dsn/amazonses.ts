import { reply, replyOneLine } from '../../mail/reply.js';
import { rfc5322Date } from '../../mime/headers.js';
import { multipartBody } from '../../mime/multipart.js';
import { bounceReceived, envelopeIdField, renderReport, returnedOriginal } from './common.js';
import type { Diagnose, DsnDiagnosis, DsnInput, DsnReason, DsnStyle } from './types.js';

/**
 * SES relays for the recipient's domain (forwarding via SES), so replies come
 * from the final MX; SES writes its own text only for DNS and queue expiry.
 */
const SES_DIAGNOSES: Partial<Record<DsnReason, readonly Diagnose[]>> = {
  // SES gives up after 840 minutes and quotes the last temporary error
  // (docs.aws.amazon.com/ses/latest/dg/notification-contents.html samples).
  expired: [
    (c) => expiredAfter(`421 4.4.2 Connection timed out to ${c.nextHop}`),
    (c) => expiredAfter(`421 4.4.0 Unable to lookup DNS for ${c.domain}`),
    (c) => expiredAfter(`421 4.4.0 Unable to connect to ${c.nextHop}`),
  ],
  hostunknown: [
    () => ({
      status: '5.4.4',
      reply: reply('550', '5.4.4', 'Invalid domain'),
      inReplyTo: 'RCPT TO',
    }),
  ],
};

function expiredAfter(last: string): DsnDiagnosis {
  return {
    status: '4.4.7',
    reply: reply('554', '4.4.7', `Message expired: unable to deliver in 840 minutes.<${last}>`),
    inReplyTo: 'RCPT TO',
  };
}

/**
 * SES's outbound hosts per region: `a27-42.smtp-out.us-west-2.amazonses.com`
 * sends from 54.240.27.42, the host name spelling out its address. `code` is
 * the region's digits in a Message-ID (`0101...` for us-west-2).
 */
const REGIONS: ReadonlyArray<{
  name: string;
  code: string;
  hosts: ReadonlyArray<readonly [string, string]>;
}> = [
  {
    name: 'us-east-1',
    code: '00',
    hosts: [
      ['a8', '54.240.8'],
      ['a9', '54.240.9'],
      ['a10', '54.240.10'],
      ['a11', '54.240.11'],
      ['a48', '54.240.48'],
    ],
  },
  { name: 'us-west-2', code: '01', hosts: [['a27', '54.240.27']] },
  {
    name: 'eu-west-1',
    code: '02',
    hosts: [
      ['a4', '54.240.4'],
      ['a7', '54.240.7'],
    ],
  },
  { name: 'eu-central-1', code: '07', hosts: [['b224', '69.169.224']] },
];

/** The region and address an SES host name stands for. */
function sesSender(host: string): { region: (typeof REGIONS)[number]; ip: string } {
  const dash = host.indexOf('-');
  const prefix = host.slice(0, dash);
  const last = host.slice(dash + 1, host.indexOf('.'));
  for (const region of REGIONS) {
    for (const [p, net] of region.hosts) if (p === prefix) return { region, ip: `${net}.${last}` };
  }
  throw new Error(`not an SES outbound host: ${host}`);
}

/** Amazon SES's e-mail DSN (MAILER-DAEMON@amazonses.com). */
export const amazonSesStyle: DsnStyle = {
  name: 'amazonses',
  label: 'Amazon SES',
  reportingHost: (_domain, fake) => {
    const region = fake.rng.pick(REGIONS);
    const a = `${fake.rng.pick(region.hosts)[0]}-${fake.rng.int(1, 254)}`;
    return region.name === 'us-east-1'
      ? `${a}.smtp-out.amazonses.com`
      : `${a}.smtp-out.${region.name}.amazonses.com`;
  },
  diagnose: SES_DIAGNOSES,
  build(input: DsnInput): string {
    const { fake, message: msg, diagnosis: d, reportingHost: host } = input;
    const { region, ip } = sesSender(host);
    const boundary = `----=_Part_${fake.rng.int(100000, 9999999)}_${fake.rng.int(100000000, 2147483647)}.${input.now - fake.rng.int(50, 900)}`;
    const day = new Date(input.now).toISOString().slice(0, 10).replace(/-/g, '.');
    // 16 hex digits: 01, the region's code and the time in ms; then a UUID v4.
    const uuid = `${fake.rng.hex(8)}-${fake.rng.hex(4)}-4${fake.rng.hex(3)}-${fake.rng.pick(['8', '9', 'a', 'b'])}${fake.rng.hex(3)}-${fake.rng.hex(12)}`;
    const sesId = `01${region.code}${input.now.toString(16).padStart(12, '0')}-${uuid}-000000`;
    const idDomain = region.name === 'us-east-1' ? 'email.amazonses.com' : `${region.name}.amazonses.com`;
    const text =
      'An error occurred while trying to deliver the mail to the following recipients:\r\n' +
      `${msg.recipient}\r\n`;
    const status =
      envelopeIdField(msg) +
      `Reporting-MTA: dsn; ${host}\r\n\r\n` +
      'Action: failed\r\n' +
      `Final-Recipient: rfc822; ${msg.recipient}\r\n` +
      `Diagnostic-Code: smtp; ${replyOneLine(d.reply!)}\r\n` +
      `Status: ${d.status}\r\n\r\n`;
    const original = returnedOriginal(input);
    const body = multipartBody(boundary, [
      {
        headers: [
          ['Content-Type', 'text/plain; charset=us-ascii'],
          ['Content-Transfer-Encoding', '7bit'],
          ['Content-Description', 'Notification'],
        ],
        body: text,
      },
      {
        headers: [
          ['Content-Type', 'message/delivery-status'],
          ['Content-Transfer-Encoding', '7bit'],
          ['Content-Description', 'Delivery Status Notification'],
        ],
        body: status,
      },
      {
        headers: [
          ['Content-Type', original.type],
          ['Content-Description', 'Undelivered Message'],
        ],
        body: original.body,
      },
    ]);
    return renderReport(
      [
        ['Return-Path', '<>'],
        ['Received', bounceReceived(input, host, ip)],
        ['From', 'MAILER-DAEMON@amazonses.com'],
        ['To', msg.envelope],
        ['Message-ID', `<${sesId}@${idDomain}>`],
        ['Subject', 'Delivery Status Notification (Failure)'],
        ['MIME-Version', '1.0'],
        ['Content-Type', `multipart/report; boundary="${boundary}"; report-type=delivery-status`],
        ['Date', rfc5322Date(input.now)],
        ['X-SES-Outgoing', `${day}-${ip}`],
      ],
      body,
    );
  },
};
