import { encodeWords, isAscii, rfc5322Date } from '../../mime/headers.js';
import { renderMessage } from '../../mime/multipart.js';
import { encodeBody } from './body.js';
import { arrivalReceived } from './common.js';
import type { AutoReplyInput, AutoReplyStyle } from './types.js';

const uuid = (hex: string): string =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;

/** iCloud Mail's vacation reply: sent from the user, marked by X-Apple-* headers. */
export const appleVacation: AutoReplyStyle = {
  name: 'apple',
  label: 'Apple iCloud Mail vacation reply',
  nullSender: false,
  recipientDomain: (fake) =>
    fake.rng.weighted(
      [
        ['icloud.com', 80],
        ['me.com', 15],
        ['mac.com', 5],
      ] as const,
      ([, w]) => w,
    )[0],
  // iCloud's prefix is its own and not localised in any sample seen.
  subject: ({ message }) => `Auto reply: ${message.subject}`,
  build(input: AutoReplyInput): string {
    const { fake, message: msg, text } = input;
    const { rng } = fake;
    const id = uuid(rng.hex(32));
    const gateway = `mr${rng.int(20, 89)}p${rng.int(10, 99)}ic-${rng.alnum(4).toLowerCase()}${rng.int(10000000, 99999999)}`;
    const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const start = input.now - rng.int(1, 10) * 86_400_000;
    const ascii = isAscii(text.body);
    return renderMessage(
      [
        ['Return-Path', `<${msg.recipient}>`],
        [
          'Received',
          arrivalReceived(
            input,
            `st43p00im-${rng.alnum(4).toLowerCase()}${rng.int(10000000, 99999999)}.me.com`,
            `17.58.${rng.int(0, 255)}.${rng.int(1, 254)}`,
          ),
        ],
        ['From', msg.recipient],
        ['To', msg.envelope],
        ['Subject', encodeWords(appleVacation.subject(input))],
        ['Date', rfc5322Date(input.now)],
        ['Message-id', `<${id}-vac@${msg.recipientDomain}>`],
        ['In-Reply-To', msg.messageId],
        ['References', msg.messageId],
        ['X-Apple-Criteria', `{kind=VACATION,startDate=${iso(start)},endDate=${iso(text.back)}}`],
        ['X-Apple-Action', 'VACATION'],
        ['X-Apple-UUID', id],
        ['X-Apple-Server', `${gateway} mailgateway ${rng.int(1900, 2499)}B${rng.int(100, 999)}`],
        ['Content-type', 'text/plain; charset=UTF-8'],
        // Only non-ASCII text needs an encoding; QP is an assumption here.
        ...(ascii ? [] : ([['Content-transfer-encoding', 'quoted-printable']] as const)),
      ],
      `${encodeBody(text.body, ascii ? '8bit' : 'quoted-printable')}\r\n`,
    );
  },
};
