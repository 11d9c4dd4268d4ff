import { reply, replyOneLine } from '../../generate/reply.js';
import { rfc5322Date } from '../../mime/headers.js';
import { multipartBody } from '../../mime/multipart.js';
import { bounceReceived, publicIp, renderReport, returnedOriginal } from './common.js';
import type { DiagnosisContext, DsnDiagnosis, DsnInput, DsnReason, DsnStyle } from './types.js';

/**
 * SES relays for the recipient's domain (forwarding via SES), so replies come
 * from the final MX; SES writes its own text only for DNS and queue expiry.
 */
const SES_DIAGNOSES: Partial<Record<DsnReason, (c: DiagnosisContext) => DsnDiagnosis>> = {
  // SES gives up after 840 minutes and quotes the last temporary error.
  expired: (c) => ({
    status: '4.4.7',
    reply: reply(
      '554',
      '4.4.7',
      `Message expired: unable to deliver in 840 minutes.<421 4.4.2 Connection timed out to ${c.nextHop}>`,
    ),
    inReplyTo: 'RCPT TO',
  }),
  hostunknown: () => ({
    status: '5.4.4',
    reply: reply('550', '5.4.4', 'Invalid domain'),
    inReplyTo: 'RCPT TO',
  }),
};

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1'];

/** Amazon SES's e-mail DSN (MAILER-DAEMON@amazonses.com). */
export const amazonSesStyle: DsnStyle = {
  name: 'amazonses',
  label: 'Amazon SES',
  reportingHost: (_domain, fake) => {
    const region = fake.rng.pick(REGIONS);
    const a = `a${fake.rng.int(8, 48)}-${fake.rng.int(1, 254)}`;
    return region === 'us-east-1' ? `${a}.smtp-out.amazonses.com` : `${a}.smtp-out.${region}.amazonses.com`;
  },
  diagnose: SES_DIAGNOSES,
  build(input: DsnInput): string {
    const { fake, message: msg, diagnosis: d, reportingHost: host } = input;
    const region = /smtp-out\.([a-z0-9-]+)\.amazonses/.exec(host)?.[1] ?? 'us-east-1';
    const boundary = `----=_Part_${fake.rng.int(100000, 9999999)}_${fake.rng.int(100000000, 2147483647)}.${input.now - fake.rng.int(50, 900)}`;
    const ip = publicIp(input);
    const day = new Date(input.now).toISOString().slice(0, 10).replace(/-/g, '.');
    const sesId = `0${region === 'us-east-1' ? '100' : '101'}0${fake.rng.hex(12)}-${fake.rng.hex(8)}-${fake.rng.hex(4)}-${fake.rng.hex(4)}-${fake.rng.hex(4)}-${fake.rng.hex(12)}-000000`;
    const text =
      'An error occurred while trying to deliver the mail to the following recipients:\r\n' +
      `${msg.recipient}\r\n`;
    const status =
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
        ['Received', bounceReceived(input, host)],
        ['From', 'MAILER-DAEMON@amazonses.com'],
        ['To', msg.envelope],
        ['Message-ID', `<${sesId}@email.amazonses.com>`],
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
