import { ARF_STYLES, abuseEvent, abuseReport, arfStyle } from '../../mail/arf.js';
import { DELIVERY_STYLES, type DeliveryStyle } from '../../mail/delivery-reply.js';
import { messageLinks } from '../../mail/tracking.js';
import { clickingClient, type MailClient, mailClient, openingClient } from '../../mail/user-agents.js';
import type { SimCall } from '../../model/events.js';
import type { Scenario, ScenarioInput } from '../types.js';
import { domainFor, HOUR, MINUTE, SECOND, Story, storyMessage } from './story.js';

/**
 * Stories of one delivered message: SMTPeter's delivery call, then what the
 * recipient's clients do with it. Times follow what senders see: Apple MPP
 * prefetches within minutes of delivery, scanners follow links within
 * seconds, people open minutes to hours later and click soon after opening,
 * complaints come in hours (sometimes days) later.
 */

/** A story starts with its message's delivery; `style` is the receiving server. */
function begin(input: ScenarioInput, scenario: string, style: DeliveryStyle, domain?: string): Story {
  const msg = storyMessage(input, domain ?? domainFor(style, input.fake));
  const story = new Story(msg, input, scenario);
  story.delivered(style);
  return story;
}

/** A person's client for this mailbox (the first opener, unless that is Apple's prefetch). */
function personOpener(story: Story): MailClient {
  for (let i = 0; i < 3; i++) {
    const client = openingClient(story.rng, story.msg.recipientDomain);
    if (client.role !== 'prefetch') return client;
  }
  return mailClient('apple-mail-ios');
}

function delivered(input: ScenarioInput): SimCall[] {
  return begin(input, 'delivered', input.style as DeliveryStyle).calls;
}

/** Opened once or more, from the clients this mailbox is read with. */
function deliveredOpened(input: ScenarioInput): SimCall[] {
  const story = begin(input, 'delivered-opened', input.style as DeliveryStyle);
  const first = openingClient(story.rng, story.msg.recipientDomain);
  let at =
    input.now +
    (first.role === 'prefetch'
      ? story.rng.int(20 * SECOND, 600 * SECOND)
      : story.rng.int(3 * MINUTE, 240 * MINUTE));
  story.opened(first, at);
  let previous = first;
  for (let n = story.rng.int(1, 3); n > 0; n--) {
    let client = personOpener(story);
    if (client === previous)
      client = mailClient(previous.name === 'apple-mail-ios' ? 'outlook' : 'apple-mail-ios');
    at += story.rng.int(20 * MINUTE, 600 * MINUTE);
    story.opened(client, at);
    previous = client;
  }
  return story.calls;
}

/** A person opens, then follows one or two links within minutes. */
function openedClicked(input: ScenarioInput): SimCall[] {
  const story = begin(input, 'opened-clicked', input.style as DeliveryStyle);
  let at = input.now + story.rng.int(2 * MINUTE, 180 * MINUTE);
  story.opened(personOpener(story), at);
  // People follow the content links; only a message with none (a welcome) leaves the unsubscribe link.
  const all = messageLinks(story.msg).map((link, index) => ({ link, index }));
  const content = all.filter(({ link }) => !link.includes('/unsubscribe/'));
  const links = content.length ? content : all;
  const clicker = clickingClient(story.rng);
  let pick = story.rng.int(0, links.length - 1);
  for (let n = story.rng.int(1, 2); n > 0; n--) {
    at += story.rng.int(4 * SECOND, 120 * SECOND);
    story.clicked(clicker, at, links[pick]!.index);
    pick = (pick + 1) % links.length;
  }
  return story.calls;
}

/** Apple's proxy prefetches at delivery; the person reads it hours later elsewhere. */
function appleThenReal(input: ScenarioInput): SimCall[] {
  const story = begin(input, 'apple-prefetch-then-read', input.style as DeliveryStyle);
  story.opened(mailClient('apple-mpp'), input.now + story.rng.int(10 * SECOND, 600 * SECOND));
  story.opened(personOpener(story), input.now + story.rng.int(1 * HOUR, 20 * HOUR));
  return story.calls;
}

/** The gateway in front of the mailbox accepts the message in its own words. */
const GATEWAY_REPLY: Record<string, DeliveryStyle> = {
  defender: 'office365',
  proofpoint: 'sendmail',
  mimecast: 'postfix',
  barracuda: 'postfix',
};

/** A security gateway fetches the images and follows every link within seconds; no person. */
function scannerClicks(input: ScenarioInput): SimCall[] {
  const scanner = mailClient(input.style);
  const story = begin(input, 'scanner-clicks', GATEWAY_REPLY[input.style]!);
  let at = input.now + story.rng.int(1 * SECOND, 8 * SECOND);
  story.opened(scanner, at);
  const links = messageLinks(story.msg).length;
  for (let i = 0; i < links; i++) {
    at += story.rng.int(50, 3 * SECOND);
    story.clicked(scanner, at, i);
  }
  return story.calls;
}

/** Delivered (perhaps opened), then marked as spam: the loop's ARF report reaches SMTPeter. */
function deliveredComplaint(input: ScenarioInput): SimCall[] {
  const style = arfStyle(input.style);
  const domain = input.message.domain ?? input.fake.rng.weighted(style.domains, ([, w]) => w)[0];
  const receiving: DeliveryStyle =
    style.name === 'microsoft' ? 'outlook' : style.name === 'comcast' ? 'comcast' : 'yahoo';
  const story = begin(input, 'delivered-complaint', receiving, domain);
  // Most complaints come from the inbox list, without an open.
  const at = input.now + story.rng.int(5 * MINUTE, 90 * MINUTE) + story.rng.int(0, 36 * HOUR);
  story.add(
    abuseEvent(
      story.msg,
      at,
      abuseReport(story.msg, style.name, story.fake, at - story.rng.int(1 * SECOND, 30 * SECOND)),
    ),
  );
  return story.calls;
}

const RECEIVERS = [...DELIVERY_STYLES];

export const ENGAGEMENT_SCENARIOS: Scenario[] = [
  {
    name: 'delivered',
    summary: "Accepted by the receiving server (250 in that server's words): one delivery call",
    kind: 'engagement',
    calls: ['delivery'],
    mode: 'delivery',
    reason: 'delivered',
    states: [],
    styles: RECEIVERS,
    weight: 60,
    build: delivered,
  },
  {
    name: 'delivered-opened',
    summary:
      'Delivered, then opened two to four times from different clients (proxies, Apple MPP, mail apps)',
    kind: 'engagement',
    calls: ['delivery', 'open'],
    mode: 'tracking',
    reason: 'delivered',
    states: [],
    styles: RECEIVERS,
    weight: 25,
    build: deliveredOpened,
  },
  {
    name: 'opened-clicked',
    summary:
      'Delivered, opened by a person, then one or two links followed within minutes (UTM-tagged originals)',
    kind: 'engagement',
    calls: ['delivery', 'open', 'click'],
    mode: 'tracking',
    reason: 'delivered',
    states: [],
    styles: RECEIVERS,
    weight: 8,
    build: openedClicked,
  },
  {
    name: 'apple-prefetch-then-read',
    summary:
      'Delivered, prefetched by Apple Mail Privacy Protection within minutes, read by the person hours later',
    kind: 'engagement',
    calls: ['delivery', 'open'],
    mode: 'tracking',
    reason: 'delivered',
    states: [],
    styles: RECEIVERS,
    weight: 10,
    build: appleThenReal,
  },
  {
    name: 'scanner-clicks',
    summary:
      'Delivered to a company behind a security gateway that fetches and clicks every link within seconds (not a person)',
    kind: 'engagement',
    calls: ['delivery', 'open', 'click'],
    mode: 'tracking',
    reason: 'delivered',
    states: [],
    styles: Object.keys(GATEWAY_REPLY),
    weight: 4,
    styleWeight: (style) => ({ defender: 50, proofpoint: 25, mimecast: 15, barracuda: 10 })[style] ?? 1,
    build: scannerClicks,
  },
  {
    name: 'delivered-complaint',
    summary: "Delivered, then reported as spam: the provider's feedback loop sends an ARF report (RFC 5965)",
    kind: 'complaint',
    calls: ['delivery', 'abuse'],
    mode: 'report',
    reason: 'feedback',
    states: [],
    styles: ARF_STYLES.map((s) => s.name),
    weight: 1,
    styleWeight: (style) => ({ yahoo: 45, microsoft: 35, comcast: 10, aol: 10 })[style] ?? 1,
    build: deliveredComplaint,
  },
];
