import type { Rng } from '../random/rng.js';
import {
  catchPhrase,
  city,
  department,
  jobTitle,
  personName,
  product,
  productAdjective,
  productMaterial,
  street,
} from '../random/words.js';
import { clockTime, DAY, longDate, money, monthDay, monthYear, weekday, weekdayDate } from './copy-format.js';

/**
 * What the original message is, so that sender, subject and body tell one
 * story: a password reset reads like one, an invoice names an amount.
 */
type CopyKind =
  | 'shipped'
  | 'order'
  | 'deals'
  | 'welcome'
  | 'invoice'
  | 'newsletter'
  | 'reset'
  | 'event'
  | 'reminder';

const ALL_KINDS: readonly CopyKind[] = [
  'shipped',
  'order',
  'deals',
  'welcome',
  'invoice',
  'newsletter',
  'reset',
  'event',
  'reminder',
];

/** A tag a sender puts on such mail narrows what the message can be. */
const KINDS_BY_TAG = new Map<string, readonly CopyKind[]>([
  ['newsletter', ['newsletter']],
  ['digest', ['newsletter']],
  ['password-reset', ['reset']],
  ['order-confirmation', ['order', 'shipped']],
  ['invoice', ['invoice']],
  ['welcome', ['welcome']],
  ['promo', ['deals', 'event']],
  ['reminder', ['reminder', 'event']],
  ['transactional', ['order', 'shipped', 'invoice', 'reset', 'reminder']],
]);

/** Marketing mail carries an unsubscribe link and the postal address; service mail does not. */
const MARKETING: ReadonlySet<CopyKind> = new Set(['deals', 'welcome', 'newsletter', 'event']);

interface CopyInput {
  rng: Rng;
  /** The recipient's first name. */
  first: string;
  brand: string;
  senderDomain: string;
  sentAt: number;
  /** The message's first tag, if any. */
  tag: string | undefined;
}

interface Copy {
  kind: CopyKind;
  /** Local part of the From address that sends this kind of mail. */
  fromLocal: string;
  subject: string;
  /** Plain text, LF line ends, paragraphs split by blank lines. */
  text: string;
}

/** What a writer fills in: the parts only it knows. */
interface Written {
  subject: string;
  greeting: string;
  paragraphs: string[];
  signoff: string;
}

interface Context extends CopyInput {
  euro: boolean;
}

type Writer = (c: Context) => Written;

const CARRIERS = ['UPS', 'FedEx', 'DHL', 'USPS', 'DPD', 'GLS', 'PostNL'];
const EURO_TLDS: ReadonlySet<string> = new Set(['nl', 'de', 'fr']);

export function writeCopy(input: CopyInput): Copy {
  const { rng } = input;
  const kind = rng.pick(KINDS_BY_TAG.get(input.tag ?? '') ?? ALL_KINDS);
  const tld = input.senderDomain.slice(input.senderDomain.lastIndexOf('.') + 1);
  // Spelt out: a spread copies through a slow generic path.
  const c: Context = {
    rng,
    first: input.first,
    brand: input.brand,
    senderDomain: input.senderDomain,
    sentAt: input.sentAt,
    tag: input.tag,
    euro: EURO_TLDS.has(tld),
  };
  const w = WRITERS[kind](c);
  let text = `${w.greeting}\n\n${w.paragraphs.join('\n\n')}\n\n${w.signoff}\n`;
  text += MARKETING.has(kind)
    ? `\nYou are receiving this email because you signed up for updates from ${input.brand}.\n` +
      `Unsubscribe: https://${input.senderDomain}/unsubscribe/${rng.hex(16)}\n` +
      `${input.brand}, ${rng.int(1, 9999)} ${street(rng)}, ${city(rng)}\n`
    : `\nThis is a service message about your ${input.brand} account.\n`;
  return { kind, fromLocal: rng.pick(FROM_LOCALS[kind]), subject: w.subject, text };
}

const FROM_LOCALS: Record<CopyKind, readonly string[]> = {
  shipped: ['orders', 'shipping', 'noreply'],
  order: ['orders', 'noreply', 'service'],
  deals: ['offers', 'news', 'hello'],
  welcome: ['hello', 'welcome', 'info'],
  invoice: ['billing', 'invoices', 'accounts'],
  newsletter: ['newsletter', 'news', 'updates'],
  reset: ['noreply', 'security', 'accounts'],
  event: ['events', 'hello', 'info'],
  reminder: ['reminders', 'noreply', 'service'],
};

/** `Rustic Wooden Chair`: faker's product name pattern. */
const productName = (rng: Rng): string => `${productAdjective(rng)} ${productMaterial(rng)} ${product(rng)}`;

const fullName = (rng: Rng): string => {
  const n = personName(rng);
  return `${n.first} ${n.last}`;
};

/** One to three lines of `2 x Soft Cotton Towels: $23.98`, and what they add up to. */
function orderLines(c: Context): { lines: string; cents: number } {
  const { rng } = c;
  let lines = '';
  let cents = 0;
  for (let i = rng.int(1, 3); i > 0; i--) {
    const qty = rng.chance(0.75) ? 1 : rng.int(2, 3);
    const each = rng.int(5, 250) * 100 - rng.pick([1, 5, 51]);
    cents += qty * each;
    lines += `${qty} x ${productName(rng)}: ${money(qty * each, c.euro)}\n`;
  }
  return { lines, cents };
}

const shipped: Writer = (c) => {
  const { rng } = c;
  const order = rng.int(100000, 999999);
  const carrier = rng.pick(CARRIERS);
  const arrives = weekdayDate(c.sentAt + rng.int(1, 4) * DAY);
  const opening = rng.chance(0.5)
    ? `Good news: your order #${order} is on its way. ${carrier} expects to bring it to you on ${arrives}.`
    : `Your order #${order} has left our warehouse and is now with ${carrier}. It should arrive by ${arrives}.`;
  return {
    subject: `Your order #${order} has shipped`,
    greeting: `Hi ${c.first},`,
    paragraphs: [
      opening,
      `In this parcel:\n${orderLines(c).lines.trimEnd()}`,
      `Track your parcel at https://${c.senderDomain}/orders/${order}/track. Not home when it arrives? ${carrier} will leave a card with what to do next.`,
    ],
    signoff: `Thanks for shopping with us,\nThe ${c.brand} team`,
  };
};

const order: Writer = (c) => {
  const { rng } = c;
  const number = rng.int(100000, 999999);
  const { lines, cents } = orderLines(c);
  const shipping = cents >= 5000 ? 0 : rng.pick([495, 595, 695]);
  return {
    subject: rng.chance(0.5) ? `Order confirmation #${number}` : `Thanks for your order, ${c.first}!`,
    greeting: `Hi ${c.first},`,
    paragraphs: [
      `Thank you for shopping with ${c.brand}. We received your order #${number} on ${longDate(c.sentAt)} and are getting it ready.`,
      `Order summary\n${lines}Shipping: ${shipping === 0 ? 'free' : money(shipping, c.euro)}\nTotal: ${money(cents + shipping, c.euro)}`,
      `We'll send you another email as soon as your order ships. You can check its status any time at https://${c.senderDomain}/account/orders/${number}.`,
    ],
    signoff: `Kind regards,\nThe ${c.brand} team`,
  };
};

const deals: Writer = (c) => {
  const { rng } = c;
  const adjective = productAdjective(rng);
  const item = product(rng);
  const name = `${adjective} ${productMaterial(rng)} ${item}`;
  const pct = rng.pick([15, 20, 25, 30, 40, 50]);
  const was = rng.int(20, 300) * 100 - 1;
  const now = Math.round((was * (100 - pct)) / 100);
  const code = `${rng.pick(['SAVE', 'EXTRA', 'TREAT', 'HELLO'])}${pct}`;
  const shelf = department(rng).toLowerCase();
  return {
    subject: rng.chance(0.5)
      ? `This week: ${adjective.toLowerCase()} ${item.toLowerCase()} deals`
      : `${c.first}, ${pct}% off ${shelf} until ${weekday(c.sentAt + 3 * DAY)}`,
    greeting: `Hi ${c.first},`,
    paragraphs: [
      `This week only, save ${pct}% on our ${shelf} favourites, including the ${name}: now ${money(now, c.euro)} (was ${money(was, c.euro)}).`,
      `Use code ${code} at checkout before ${weekdayDate(c.sentAt + 3 * DAY)} and shipping is on us for orders over ${money(5000, c.euro)}.`,
      `Shop the sale at https://${c.senderDomain}/sale?utm_source=email&utm_campaign=week${rng.int(1, 52)}`,
    ],
    signoff: `Happy shopping,\nThe ${c.brand} team`,
  };
};

const welcome: Writer = (c) => {
  const { rng } = c;
  const helper = personName(rng).first;
  return {
    subject: `Welcome to ${c.brand}, ${c.first}!`,
    greeting: `Hi ${c.first},`,
    paragraphs: [
      `Thanks for signing up! Your ${c.brand} account is ready, and we're glad to have you on board.`,
      'A few ways to get started:\n' +
        '- Complete your profile so we can show you what fits your taste\n' +
        `- Browse our ${department(rng).toLowerCase()} collection for this season's picks\n` +
        '- Get our app to follow your orders on the go',
      `Questions? ${helper} and the rest of our customer team are happy to help at support@${c.senderDomain}.`,
    ],
    signoff: `Welcome aboard,\nThe ${c.brand} team`,
  };
};

const invoice: Writer = (c) => {
  const { rng } = c;
  const year = new Date(c.sentAt).getUTCFullYear();
  const number = `INV-${year}-${rng.int(10000, 99999)}`;
  const amount = rng.int(1900, 450000);
  const signer = fullName(rng);
  return {
    subject: rng.chance(0.5)
      ? `Invoice ${number} from ${c.brand}`
      : `Your ${c.brand} invoice for ${monthYear(c.sentAt)}`,
    greeting: `Dear ${c.first},`,
    paragraphs: [
      `Thank you for your business. Your invoice for ${monthYear(c.sentAt)} is now available.`,
      `Invoice number: ${number}\nInvoice date: ${longDate(c.sentAt)}\nAmount due: ${money(amount, c.euro)}\nDue date: ${longDate(c.sentAt + 30 * DAY)}`,
      `You can view and pay this invoice online at https://${c.senderDomain}/billing/${number}. If you have already paid, no further action is needed.`,
    ],
    signoff: `Kind regards,\n${signer}\nAccounts Receivable, ${c.brand}`,
  };
};

const newsletter: Writer = (c) => {
  const { rng } = c;
  const phrase = catchPhrase(rng);
  const author = fullName(rng);
  const title = jobTitle(rng);
  return {
    subject: rng.chance(0.5)
      ? `${c.brand} newsletter: ${phrase}`
      : `Your ${monthYear(c.sentAt)} update from ${c.brand}`,
    greeting: `Hello ${c.first},`,
    paragraphs: [
      `Here's what's new at ${c.brand} this month. Our big story: the ${phrase.toLowerCase()} our team has been building, and what it means for you.`,
      `${author}, our ${title}, takes you behind the scenes at our ${city(rng)} office and shares three lessons from the past year.`,
      `Also new: the ${productName(rng)}, now in our ${department(rng).toLowerCase()} range.`,
      `Read the full issue on our blog: https://${c.senderDomain}/blog/${rng.hex(8)}`,
    ],
    signoff: `Until next month,\nThe ${c.brand} team`,
  };
};

const reset: Writer = (c) => {
  const { rng } = c;
  return {
    subject: rng.chance(0.5) ? `Reset your ${c.brand} password` : `Your ${c.brand} password reset request`,
    greeting: `Hi ${c.first},`,
    paragraphs: [
      `We received a request to reset the password for the ${c.brand} account that uses this email address.`,
      `To choose a new password, open the link below within ${rng.pick([15, 30, 60])} minutes:\nhttps://${c.senderDomain}/account/reset-password?token=${rng.hex(32)}`,
      "If you didn't ask for this, you can ignore this email. Your password stays the same until you create a new one.",
    ],
    signoff: `Thanks,\nThe ${c.brand} team`,
  };
};

const EVENTS = ['Customer Day', 'Open House', 'Partner Summit', 'Product Showcase', 'Roadshow', 'Webinar'];

const event: Writer = (c) => {
  const { rng } = c;
  const name = `${c.brand} ${rng.pick(EVENTS)}`;
  const on = c.sentAt + rng.int(7, 40) * DAY;
  const at = clockTime(rng.int(9 * 4, 17 * 4) * 15);
  const host = personName(rng);
  const online = name.endsWith('Webinar');
  return {
    subject: rng.chance(0.5) ? `You're invited: ${name}` : `Join us at the ${name} on ${monthDay(on)}`,
    greeting: `Hi ${c.first},`,
    paragraphs: [
      online
        ? `Join us online for the ${name} on ${weekdayDate(on)} at ${at} ${c.euro ? 'CET' : 'Eastern'}.`
        : `We'd love to see you at the ${name} on ${weekdayDate(on)} at ${at}, at our ${city(rng)} office (${rng.int(1, 999)} ${street(rng)}).`,
      `${host.first} ${host.last}, our ${jobTitle(rng)}, will show what's new in our ${department(rng).toLowerCase()} range${online ? ', with a live Q&A at the end' : ', followed by drinks and time for your questions'}.`,
      `Places are limited, so please RSVP by ${longDate(on - 3 * DAY)}: https://${c.senderDomain}/events/${rng.hex(8)}`,
    ],
    signoff: `See you there,\n${host.first} and the ${c.brand} team`,
  };
};

const reminder: Writer = (c) => {
  const { rng } = c;
  if (rng.chance(0.5)) {
    const name = productName(rng);
    return {
      subject: `${c.first}, you left something in your cart`,
      greeting: `Hi ${c.first},`,
      paragraphs: [
        `You left the ${name} in your cart. It's still available for ${money(rng.int(10, 400) * 100 - 1, c.euro)}, but we can't hold it forever.`,
        `Pick up where you left off: https://${c.senderDomain}/cart?ref=${rng.hex(12)}`,
      ],
      signoff: `See you soon,\nThe ${c.brand} team`,
    };
  }
  const on = c.sentAt + rng.int(1, 3) * DAY;
  return {
    subject: `Reminder: your appointment on ${weekdayDate(on)}`,
    greeting: `Hi ${c.first},`,
    paragraphs: [
      `This is a friendly reminder of your appointment with ${fullName(rng)} on ${weekdayDate(on)} at ${clockTime(rng.int(9 * 4, 16 * 4) * 15)}.`,
      `Need to reschedule? Choose another time at https://${c.senderDomain}/appointments/${rng.hex(10)} or simply reply to this email.`,
    ],
    signoff: `Best wishes,\nThe ${c.brand} team`,
  };
};

const WRITERS: Record<CopyKind, Writer> = {
  shipped,
  order,
  deals,
  welcome,
  invoice,
  newsletter,
  reset,
  event,
  reminder,
};
