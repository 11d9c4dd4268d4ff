import { domainToUnicode } from 'node:url';
import type { Fake } from '../random/fake.js';
import { type Rng, Sfc32 } from '../random/rng.js';
import { companyName, type PersonName, personName } from '../random/words.js';
import type { Audience } from './audience.js';
import { writeCopy } from './copy.js';
import { companyDomain } from './providers.js';
import { messageMta, type SendingMta, sendingMta } from './smtpeter-mta.js';

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
  /** SMTPeter's MTA that sent it: every bounce and failure about it names this one. */
  mta: SendingMta;
  /** The message exactly as it went out, when it was really sent (serve): bounces return these bytes. */
  raw?: string;
  /** The DSN the sender asked for (SMTP DSN parameters or REST `dsn`). */
  dsn?: DsnRequest;
}

/** RFC 3461 parameters: what a DSN about the message must carry. */
export interface DsnRequest {
  notify?: string[];
  ret?: 'FULL' | 'HDRS';
  /** ENVID: the DSN's Original-Envelope-Id. */
  envid?: string;
  /** ORCPT (`rfc822;addr`): the DSN's Original-Recipient. */
  orcpt?: string;
}

/** A message that was really sent: what a bounce about it must quote, instead of drawn prose. */
export interface SentFacts {
  id: string;
  fromName: string;
  fromAddress: string;
  recipientName: string;
  subject: string;
  messageId: string;
  sentAt: number;
  envelope: string;
  /** The whole message as sent, CRLF line ends. */
  raw: string;
  dsn?: DsnRequest;
}

export interface MessageOptions {
  recipient?: string;
  /** Recipient domain when no recipient is given. */
  domain?: string;
  /** Whose list the recipient is on: decides the domain mix (default global). */
  audience?: Audience;
  tags?: string[];
  /** How long before `now` the message was sent, ms. */
  sentBefore?: number;
  attachmentBytes?: number;
  /** The message was really sent (serve): quote it, do not draw one. */
  sent?: SentFacts;
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

/** The local part people pick for themselves: `anna.smit`, `asmit`, `anna42`, ... */
function localPart(name: PersonName, rng: Rng): string {
  const f = name.firstAddress || 'user';
  const l = name.lastAddress || 'mail';
  switch (rng.int(0, 4)) {
    case 0:
      return `${f}.${l}`;
    case 1:
      return `${f[0]}${l}`;
    case 2:
      return `${f}${rng.int(1, 99)}`;
    case 3:
      return `${f}_${l}`;
    default:
      return `${f}.${l}${rng.int(1950, 2005)}`;
  }
}

/**
 * `green-andsons.com` → `Green and Sons`; an IDN is named as its owner
 * writes it (`xn--mller-kva.de` → `Müller`), not by its ASCII form.
 */
export function brandName(senderDomain: string): string {
  const domain = senderDomain.startsWith('xn--')
    ? domainToUnicode(senderDomain) || senderDomain
    : senderDomain;
  return companyName(domain.slice(0, domain.indexOf('.')));
}

/**
 * A slot on messages from buildOriginalMessage where a renderer may keep
 * what it derived from the message (original.ts: the drawn headers).
 */
export const RENDER_CACHE = Symbol('render cache');

/** What only a bounce shows, drawn from the message's own content stream. */
interface Content {
  fromAddress: string;
  subject: string;
  messageId: string;
  text: string;
}

/**
 * The message as SMTPeter sent it. What every call needs (id, recipient,
 * tags, dates) is drawn at once. What only a bounce quotes (From, Subject,
 * Message-ID, body text) is written on first use from a stream of its own,
 * seeded by one draw from the event's: a failure call pays nothing for prose
 * it never shows, and the text does not depend on which field is read first.
 * The lazy fields are getters on the prototype, so `{ ...msg }` would miss
 * them: toJSON() lists every field for serialisers.
 */
class SentMessage implements OriginalMessage {
  private content: Content | undefined;
  private brand: string | undefined;
  /** Declared here so a renderer's cache does not change the object's shape later (slow in V8). */
  [RENDER_CACHE]: unknown = undefined;

  constructor(
    readonly id: string,
    readonly senderDomain: string,
    readonly recipient: string,
    readonly recipientDomain: string,
    readonly sentAt: number,
    readonly tags: string[],
    readonly attachmentBytes: number,
    private readonly name: PersonName,
    private readonly contentSeed: number,
  ) {}

  get fromName(): string {
    this.brand ??= brandName(this.senderDomain);
    return this.brand;
  }
  get fromAddress(): string {
    return this.written().fromAddress;
  }
  get recipientName(): string {
    return `${this.name.first} ${this.name.last}`;
  }
  get envelope(): string {
    // VERP-style return path: the id in the local part, so a bounce that
    // comes back to it can be tied to the message without parsing it.
    return `bounce-${this.id}@bounces.${this.senderDomain}`;
  }
  get subject(): string {
    return this.written().subject;
  }
  get messageId(): string {
    return this.written().messageId;
  }
  get text(): string {
    return this.written().text;
  }
  get mta(): SendingMta {
    return sendingMta(this.contentSeed);
  }

  toJSON(): OriginalMessage {
    const { id, fromName, fromAddress, senderDomain, recipientName, recipient, recipientDomain } = this;
    const { subject, sentAt, messageId, envelope, tags, text, attachmentBytes, mta } = this;
    return {
      id,
      fromName,
      fromAddress,
      senderDomain,
      recipientName,
      recipient,
      recipientDomain,
      subject,
      sentAt,
      messageId,
      envelope,
      tags,
      text,
      attachmentBytes,
      mta,
    };
  }

  private written(): Content {
    if (this.content) return this.content;
    const rng = new Sfc32(this.contentSeed);
    const { senderDomain } = this;
    const copy = writeCopy({
      rng,
      first: this.name.first,
      brand: this.fromName,
      senderDomain,
      sentAt: this.sentAt,
      tag: this.tags[0],
    });
    const { subject, text } = copy;
    const fromAddress = `${copy.fromLocal}@${senderDomain}`;
    const messageId = `<${rng.hex(8)}.${rng.hex(12)}@${senderDomain}>`;
    this.content = { fromAddress, subject, messageId, text };
    return this.content;
  }
}

/** What a scenario sets per message on top of the run's MessageOptions (undefined: the run's, else drawn). */
export interface MessageOverrides {
  domain?: string | undefined;
  sentBefore?: number | undefined;
  attachmentBytes?: number | undefined;
}

const NO_OVERRIDES: MessageOverrides = {};

/**
 * The message a call is about: the run's `options`, with `overrides` on top
 * (passed apart, not spread into a copy of `options`: that copy was a third
 * of the sync builder's own time in a CPU profile).
 */
export function buildOriginalMessage(
  fake: Fake,
  now: number,
  options: MessageOptions = {},
  overrides: MessageOverrides = NO_OVERRIDES,
): OriginalMessage {
  if (options.sent) return sentOriginal(fake, options.sent, options);
  const { rng } = fake;
  const id = rng.hex(32);
  const senderDomain = companyDomain(fake);
  const name = personName(rng);
  const given = overrides.domain ?? options.domain;
  let recipient = options.recipient;
  let recipientDomain: string;
  if (recipient === undefined) {
    const local = localPart(name, rng);
    const domain = given ?? companyDomain(fake, options.audience);
    recipient = `${local}@${domain}`;
    // What follows the address's last `@` (a local part has none): no search of the new string.
    recipientDomain = domain.includes('@') ? domain.slice(domain.lastIndexOf('@') + 1) : domain;
  } else {
    recipientDomain = recipient.slice(recipient.lastIndexOf('@') + 1);
  }
  const sentAt = now - (overrides.sentBefore ?? options.sentBefore ?? rng.int(2, 30) * 1000);
  const tags = options.tags ?? pickTags(rng);
  return new SentMessage(
    id,
    senderDomain,
    recipient,
    recipientDomain,
    sentAt,
    tags,
    overrides.attachmentBytes ?? options.attachmentBytes ?? 0,
    name,
    rng.int(0, 0xffffffff),
  );
}

/**
 * One to three distinct tags from the pool, then a campaign tag. Each array
 * made at its final length: pushing onto a one-item array regrew it, a
 * measurable share of a failure call's garbage.
 */
function pickTags(rng: Rng): string[] {
  const count = rng.int(1, 3);
  const first = rng.pick(TAG_POOL);
  if (count === 1) return [first, campaignTag(rng.int(1000, 9999))];
  const second = otherTag(rng, first, first);
  if (count === 2) return [first, second, campaignTag(rng.int(1000, 9999))];
  const third = otherTag(rng, first, second);
  return [first, second, third, campaignTag(rng.int(1000, 9999))];
}

/** A pool tag that is neither `a` nor `b`, drawn until it is one. */
function otherTag(rng: Rng, a: string, b: string): string {
  let tag = rng.pick(TAG_POOL);
  while (tag === a || tag === b) tag = rng.pick(TAG_POOL);
  return tag;
}

/**
 * `campaign-N` for N in 1000..9999, each made once (9,000 short strings at
 * most): the number's conversion and the join were three quarters of
 * drawing a call's tags, and a tag made once is flat for every encoding.
 */
const CAMPAIGN_TAGS: Array<string | undefined> = new Array(9000).fill(undefined);
function campaignTag(n: number): string {
  const i = n - 1000;
  let tag = CAMPAIGN_TAGS[i];
  if (tag === undefined) {
    tag = `campaign-${n}`;
    CAMPAIGN_TAGS[i] = tag;
  }
  return tag;
}

/** The original of a really sent message (serve): all of it the message's own. */
function sentOriginal(fake: Fake, sent: SentFacts, options: MessageOptions): OriginalMessage {
  const recipient = options.recipient ?? '';
  // The MTA is the message id's own, so the events API's `from` and every bounce name one host;
  // the draw stays so the values after it are drawn as before.
  fake.rng.int(0, 0xffffffff);
  const mta = messageMta(sent.id);
  return {
    id: sent.id,
    fromName: sent.fromName,
    fromAddress: sent.fromAddress,
    senderDomain: sent.fromAddress.slice(sent.fromAddress.lastIndexOf('@') + 1),
    recipientName: sent.recipientName,
    recipient,
    recipientDomain: recipient.slice(recipient.lastIndexOf('@') + 1),
    subject: sent.subject,
    sentAt: sent.sentAt,
    messageId: sent.messageId,
    envelope: sent.envelope,
    tags: options.tags ?? [],
    text: '',
    attachmentBytes: 0,
    mta,
    raw: sent.raw,
    ...(sent.dsn ? { dsn: sent.dsn } : {}),
  };
}
