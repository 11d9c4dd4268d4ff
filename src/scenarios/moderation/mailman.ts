import { remoteIp } from '../../mail/providers.js';
import { base64Body, quotedPrintable } from '../../mime/body.js';
import { rfc5322Date } from '../../mime/headers.js';
import { renderMessage } from '../../mime/multipart.js';
import { pythonDate } from '../autoreply/challenge.js';
import { arrivalReceived } from '../autoreply/common.js';
import type { NoticeInput, NoticeStyle, WrittenNotice } from '../reply-notice.js';
import { listHost, listLocal, realName } from './list-names.js';

type ListLanguage = 'en' | 'nl';

/** Mailman lives on a list host, answers posts to a list address, and sends from the list's -bounces address. */
const MAILMAN = {
  nullSender: false,
  recipientDomain: listHost,
  recipientLocal: listLocal,
  mailFrom: (m: { recipient: string; recipientDomain: string }) =>
    `${m.recipient.slice(0, m.recipient.indexOf('@'))}-bounces@${m.recipientDomain}`,
} as const;

/**
 * Mailman 2.1's words (templates/<lang>/postheld.txt, the reasons in
 * Mailman/Handlers/Moderate.py and Hold.py, their Dutch msgstr in
 * messages/nl/LC_MESSAGES/mailman.po; jaredmauch/mailman2-python3 @
 * b0de82e, which keeps 2.1's texts). Weights: a newsletter that lands on a
 * list address is mostly a post by a non-member.
 */
const WORDS: Record<
  ListLanguage,
  {
    charset: string;
    subject: (list: string) => string;
    body: (list: string, subject: string, reason: string, url: string) => string;
    reasons: ReadonlyArray<readonly [string, number]>;
  }
> = {
  en: {
    charset: 'us-ascii',
    subject: (list) => `Your message to ${list} awaits moderator approval`,
    body: (list, subject, reason, url) =>
      `Your mail to '${list}' with the subject\n\n    ${subject}\n\nIs being held until the list moderator can review it for approval.\n\nThe reason it is being held:\n\n    ${reason}\n\nEither the message will get posted to the list, or you will receive\nnotification of the moderator's decision.  If you would like to cancel\nthis posting, please visit the following URL:\n\n    ${url}\n\n`,
    reasons: [
      ['Post by non-member to a members-only list', 70],
      ['Post to moderated list', 20],
      ['Too many recipients to the message', 5],
      ['Message has implicit destination', 5],
    ],
  },
  nl: {
    charset: 'iso-8859-1',
    subject: (list) => `Uw bericht aan ${list} wacht op goedkeuring door de moderator`,
    body: (list, subject, reason, url) =>
      `Uw mail naar '${list}' met het onderwerp\n\n    ${subject}\n\nwordt vastgehouden voor goedkeuring door de lijstbeheerder.\n\nDe reden waarom het wordt vastgehouden:\n\n    ${reason}\n\nHet bericht zal of naar de lijst worden gestuurd, of u ontvangt een\nbericht over de beslissing van de beheerder. Mocht u het bericht\nwillen annuleren, bezoek dan de volgende pagina:\n\n    ${url}\n\n`,
    reasons: [
      ['Bericht van een niet-lid aan een besloten lijst', 70],
      ['Bericht aan een gemodereerde lijst', 20],
      ['Te veel geadresseerden in het bericht', 5],
      ["Bericht heeft een 'blinde' bestemming", 5],
    ],
  },
};

/**
 * Whose address the notice is From: 2.1 releases of 2008 (Hold.py,
 * copyright 1998-2008) send it from the -bounces address
 * (`UserNotification(sender, adminaddr, ...)`), later ones from -owner
 * (`UserNotification(sender, owneraddr, ...)`, as in the 2.1.39 texts).
 */
const ERAS: ReadonlyArray<{ from: 'bounces' | 'owner'; versions: readonly string[]; weight: number }> = [
  { from: 'bounces', versions: ['2.1.9', '2.1.11', '2.1.12'], weight: 1 },
  { from: 'owner', versions: ['2.1.29', '2.1.34', '2.1.36', '2.1.39'], weight: 4 },
];

/**
 * Python 2's email.header.Header for a charset other than ASCII: the whole
 * value as `=?charset?q?...?=` words (spaces as `_`), even when it is
 * plain ASCII, folded before a word that would pass 76 columns.
 */
export function pythonHeaderWords(text: string, charset: string, room = 76 - 'Subject: '.length): string {
  const words: string[] = [];
  const wrap = (s: string): string => `=?${charset}?q?${s}?=`;
  let chunk = '';
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    const enc =
      ch === ' '
        ? '_'
        : /[A-Za-z0-9!*+\-/]/.test(ch)
          ? ch
          : `=${code.toString(16).toUpperCase().padStart(2, '0')}`;
    if (wrap(chunk + enc).length > room) {
      words.push(wrap(chunk));
      chunk = '';
      room = 75;
    }
    chunk += enc;
  }
  words.push(wrap(chunk));
  return words.join(' ');
}

/**
 * Mailman 2.1's "awaits moderator approval" notice (Handlers/Hold.py
 * hold_for_approval): a Message.UserNotification to the poster from the
 * list's -owner (older 2.1: -bounces) address, sent through the virgin queue with
 * reduced_list_headers (CookHeaders: X-BeenThere, X-Mailman-Version,
 * List-Id, X-List-Administrivia) and SMTPDirect's Errors-To and Sender
 * (the -bounces address, also the envelope sender). It quotes the
 * Subject in the text; it has no In-Reply-To or References. Mailman
 * addresses the poster by the message's From: (Message.get_sender, with
 * USE_ENVELOPE_SENDER = No), not by the return path.
 */
export const mailman2Held: NoticeStyle = {
  name: 'mailman2',
  label: 'GNU Mailman 2.1 "awaits moderator approval"',
  ...MAILMAN,
  build(input: NoticeInput): WrittenNotice {
    const { fake, message: msg } = input;
    const { rng } = fake;
    const lang: ListLanguage = msg.recipientDomain.endsWith('.nl') || rng.chance(0.25) ? 'nl' : 'en';
    const words = WORDS[lang];
    const local = msg.recipient.slice(0, msg.recipient.indexOf('@'));
    const host = msg.recipientDomain;
    const list = realName(local);
    const reason = rng.weighted(words.reasons, ([, w]) => w)[0];
    const url = `${rng.chance(0.7) ? 'https' : 'http'}://${host}/mailman/confirm/${local}/${rng.hex(40)}`;
    const subject = words.subject(list);
    // Utils.oneline(subject, charset) with errors='replace': what the list's charset lacks becomes '?'.
    const quoted = msg.subject.replace(/[^\x00-\x7f]/gu, '?');
    const text = words.body(list, quoted, reason, url);
    const ascii = words.charset === 'us-ascii';
    const epoch = Math.floor(input.now / 1000);
    const bounces = `${local}-bounces@${host}`;
    const era = rng.weighted(ERAS, (e) => e.weight);
    const mime = renderMessage(
      [
        ['Return-Path', `<${bounces}>`],
        ['Received', arrivalReceived(input, host, remoteIp(fake))],
        ['MIME-Version', '1.0'],
        ['Content-Type', `text/plain; charset="${words.charset}"`],
        ['Content-Transfer-Encoding', ascii ? '7bit' : 'quoted-printable'],
        ['Subject', ascii ? subject : pythonHeaderWords(subject, words.charset)],
        ['From', era.from === 'owner' ? `${local}-owner@${host}` : bounces],
        ['To', msg.fromAddress],
        ['Message-ID', `<mailman.${rng.int(0, 4000)}.${epoch}.${rng.int(1000, 32000)}.${local}@${host}>`],
        ['Date', rfc5322Date(input.now, rng.pick([60, 120, 0]))],
        ['Precedence', 'bulk'],
        ['X-BeenThere', `${local}@${host}`],
        ['X-Mailman-Version', rng.pick(era.versions)],
        ['List-Id', `<${local}.${host}>`],
        ['X-List-Administrivia', 'yes'],
        ['Errors-To', bounces],
        ['Sender', `"${list}" <${bounces}>`],
      ],
      ascii ? text.replace(/\n/g, '\r\n') : quotedPrintable(text),
    );
    return { mime, subject };
  },
};

/**
 * Mailman 3's hold reasons as posters quote them: "The message is not from
 * a list member" (op-tee@lists.trustedfirmware.org, quoted on
 * linux-kernel, 2025-09) and "The message comes from a moderated member"
 * (fury mailing list, quoted in fury's docs).
 */
const MAILMAN3_REASONS: ReadonlyArray<readonly [string, number]> = [
  ['The message is not from a list member', 75],
  ['The message comes from a moderated member', 25],
];

/**
 * Mailman 3's notice (chains/hold.py: `UserNotification(msg.sender,
 * mlist.bounces_address, 'Your message to $mlist.fqdn_listname awaits
 * moderator approval', ...)`; the list:user:notice:hold template as the
 * notices quoted above read). Python 3's email writes the UTF-8 text
 * base64, the Message-ID with email.utils.make_msgid and the Date with
 * formatdate(localtime=True). Like Mailman 2 it answers the From:
 * (`msg.sender`: from, then the envelope, reply-to, sender) and neither
 * threads nor returns the message.
 */
export const mailman3Held: NoticeStyle = {
  name: 'mailman3',
  label: 'GNU Mailman 3 "awaits moderator approval"',
  ...MAILMAN,
  build(input: NoticeInput): WrittenNotice {
    const { fake, message: msg } = input;
    const { rng } = fake;
    const host = msg.recipientDomain;
    const local = msg.recipient.slice(0, msg.recipient.indexOf('@'));
    const reason = rng.weighted(MAILMAN3_REASONS, ([, w]) => w)[0];
    const subject = `Your message to ${msg.recipient} awaits moderator approval`;
    const text = `Your mail to '${msg.recipient}' with the subject\n\n    ${msg.subject}\n\nIs being held until the list moderator can review it for approval.\n\nThe message is being held because:\n\n    ${reason}\n\nEither the message will get posted to the list, or you will receive\nnotification of the moderator's decision.\n`;
    const server = `${rng.pick(['mail', 'lists', 'mailman'])}${rng.int(1, 3)}.${host.slice(host.indexOf('.') + 1)}`;
    const centis = Math.floor(input.now / 10);
    const mime = renderMessage(
      [
        ['Return-Path', `<${local}-bounces@${host}>`],
        ['Received', arrivalReceived(input, server, remoteIp(fake))],
        ['MIME-Version', '1.0'],
        ['Content-Type', 'text/plain; charset="utf-8"'],
        ['Content-Transfer-Encoding', 'base64'],
        ['Subject', subject],
        ['From', `${local}-bounces@${host}`],
        ['To', msg.fromAddress],
        [
          'Message-ID',
          `<${centis}.${rng.int(100, 65000)}.${rng.int(1e9, 9e9)}${rng.int(1e9, 9e9)}@${server}>`,
        ],
        ['Date', pythonDate(input.now, rng.pick([0, 60, 120]))],
        ['Precedence', 'bulk'],
        ['X-Mailman-Version', rng.pick(['3.3.8', '3.3.9', '3.3.10'])],
      ],
      base64Body(Buffer.from(text.replace(/\n/g, '\r\n'))),
    );
    return { mime, subject };
  },
};
