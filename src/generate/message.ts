import type { Fake } from '../random/fake.js';
import { companyDomain } from './providers.js';

/**
 * The outgoing message a failure or bounce is about. Everything a bounce
 * quotes (From, To, Subject, Date, Message-ID) comes from here, so the
 * returned copy is consistent with the webhook call.
 */
export interface OriginalMessage {
  /** SMTPeter's message id: opaque, unique. */
  id: string;
  fromName: string;
  fromAddress: string;
  senderDomain: string;
  recipientName: string;
  recipient: string;
  recipientDomain: string;
  subject: string;
  /** When it was sent, ms since the epoch. */
  sentAt: number;
  messageId: string;
  /** The VERP return path SMTPeter rewrote the envelope to. */
  envelope: string;
  tags: string[];
  /** Plain-text body of the original. */
  text: string;
  /** Bytes of extra attachment to carry (heavy bounces); 0 = none. */
  attachmentBytes: number;
}

export interface MessageOptions {
  recipient?: string;
  /** Recipient domain when no recipient is given. */
  domain?: string;
  tags?: string[];
  /** How long before `now` the message was sent, ms. */
  sentBefore?: number;
  attachmentBytes?: number;
}

const TAG_POOL = [
  'newsletter',
  'transactional',
  'password-reset',
  'order-confirmation',
  'invoice',
  'welcome',
  'promo',
  'reminder',
  'digest',
];

/** Tags may not contain white space or semicolons (SMTPeter rule). */
export function isValidTag(tag: string): boolean {
  return tag.length > 0 && !/[\s;]/.test(tag);
}

function localPart(first: string, last: string, fake: Fake): string {
  const clean = (s: string): string =>
    s
      .normalize('NFKD')
      .replace(/[^A-Za-z0-9]/g, '')
      .toLowerCase();
  const f = clean(first) || 'user';
  const l = clean(last) || 'mail';
  switch (fake.rng.int(0, 4)) {
    case 0:
      return `${f}.${l}`;
    case 1:
      return `${f[0]}${l}`;
    case 2:
      return `${f}${fake.rng.int(1, 99)}`;
    case 3:
      return `${f}_${l}`;
    default:
      return `${f}.${l}${fake.rng.int(1950, 2005)}`;
  }
}

export function buildOriginalMessage(fake: Fake, now: number, options: MessageOptions = {}): OriginalMessage {
  const { faker, rng } = fake;
  const id = rng.hex(32);
  const senderDomain = companyDomain(fake);
  const brand = senderDomain.split('.')[0]!.replace(/-/g, ' ');
  const fromName = brand.replace(/\b\w/g, (c) => c.toUpperCase());
  const fromAddress = `${rng.pick(['news', 'info', 'hello', 'noreply', 'service', 'updates'])}@${senderDomain}`;
  const first = faker.person.firstName();
  const last = faker.person.lastName();
  let recipient: string;
  if (options.recipient) recipient = options.recipient;
  else recipient = `${localPart(first, last, fake)}@${options.domain ?? companyDomain(fake)}`;
  const recipientDomain = recipient.slice(recipient.lastIndexOf('@') + 1);
  const sentAt = now - (options.sentBefore ?? rng.int(2, 30) * 1000);
  const subject = rng.pick([
    () => `Your order #${rng.int(100000, 999999)} has shipped`,
    () =>
      `This week: ${faker.commerce.productAdjective().toLowerCase()} ${faker.commerce.product().toLowerCase()} deals`,
    () => `Welcome to ${fromName}, ${first}!`,
    () => `Invoice ${rng.int(2026000, 2026999)} from ${fromName}`,
    () => `${fromName} newsletter: ${faker.company.catchPhrase()}`,
    () => `Reset your ${fromName} password`,
  ])();
  const tags = options.tags ?? pickTags(fake);
  const messageId = `<${rng.hex(8)}.${rng.hex(12)}@${senderDomain}>`;
  // VERP-style return path: the id in the local part, so a bounce that
  // comes back to it can be tied to the message without parsing it.
  const envelope = `bounce-${id}@bounces.${senderDomain}`;
  const text =
    `Hello ${first},\n\n${faker.lorem.paragraph(3)}\n\n${faker.lorem.paragraph(2)}\n\n` +
    `Kind regards,\nThe ${fromName} team\n\nUnsubscribe: https://${senderDomain}/unsubscribe/${rng.hex(16)}\n`;
  return {
    id,
    fromName,
    fromAddress,
    senderDomain,
    recipientName: `${first} ${last}`,
    recipient,
    recipientDomain,
    subject,
    sentAt,
    messageId,
    envelope,
    tags,
    text,
    attachmentBytes: options.attachmentBytes ?? 0,
  };
}

function pickTags(fake: Fake): string[] {
  const count = fake.rng.int(1, 3);
  const tags = new Set<string>();
  while (tags.size < count) tags.add(fake.rng.pick(TAG_POOL));
  tags.add(`campaign-${fake.rng.int(1000, 9999)}`);
  return [...tags];
}
