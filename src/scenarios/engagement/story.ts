import { acceptReply, type DeliveryStyle, deliveryEvent } from '../../mail/delivery-reply.js';
import { buildOriginalMessage, type OriginalMessage } from '../../mail/message.js';
import { companyDomain, PROVIDERS, providerDomain } from '../../mail/providers.js';
import { clickEvent, openEvent, trackedLink } from '../../mail/tracking.js';
import { clientFetch, type MailClient, webmailReferer } from '../../mail/user-agents.js';
import type { SimCall, WebhookEvent } from '../../model/events.js';
import type { Fake } from '../../random/fake.js';
import type { ScenarioInput } from '../types.js';

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;

/**
 * One message's calls as they happen: delivered at the story's clock value,
 * then opens, clicks and complaints at later times. Calls are kept in time
 * order as they are added.
 */
export class Story {
  readonly calls: SimCall[] = [];
  readonly fake: Fake;

  constructor(
    readonly msg: OriginalMessage,
    readonly input: ScenarioInput,
    readonly scenario: string,
  ) {
    this.fake = input.fake;
  }

  get rng(): Fake['rng'] {
    return this.fake.rng;
  }

  add(event: WebhookEvent): void {
    this.calls.push({ event, scenario: this.scenario, style: this.input.style });
  }

  /** The receiving server's acceptance, at the story's start. */
  delivered(style: DeliveryStyle): number {
    const at = this.input.now;
    this.add(deliveryEvent(this.msg, at, acceptReply(style, this.msg, this.rng, at)));
    return at;
  }

  /** An image fetch by `client` at `at`; a webmail browser names its page. */
  opened(client: MailClient, at: number): void {
    const referer = client.name === 'webmail' ? webmailReferer(this.msg.recipientDomain) : undefined;
    this.add(openEvent(this.msg, at, clientFetch(client, this.rng, referer)));
  }

  /** Link `index` followed by `client` at `at`. */
  clicked(client: MailClient, at: number, index: number): void {
    const referer = client.name === 'webmail' ? webmailReferer(this.msg.recipientDomain) : undefined;
    this.add(clickEvent(this.msg, at, clientFetch(client, this.rng, referer), trackedLink(this.msg, index)));
  }
}

/** The recipient domain a receiving server's style stands for. */
export function domainFor(style: string, fake: Fake): string {
  if (style === 'comcast') return 'comcast.net';
  const provider = PROVIDERS[style];
  return provider ? providerDomain(provider, fake) : companyDomain(fake);
}

/** A story's message, sent a few seconds before it was delivered. */
export function storyMessage(input: ScenarioInput, domain: string): OriginalMessage {
  return buildOriginalMessage(input.fake, input.now, {
    ...input.message,
    domain: input.message.domain ?? domain,
    sentBefore: input.fake.rng.int(1, 6) * SECOND,
  });
}
