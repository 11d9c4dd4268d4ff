import { failureEvent } from '../../mail/call-events.js';
import { buildOriginalMessage, type MessageOverrides, type OriginalMessage } from '../../mail/message.js';
import { frontendServer } from '../../mail/microsoft.js';
import { PROVIDERS, type Provider, providerDomain } from '../../mail/providers.js';
import type { SimCall } from '../../model/events.js';
import type { Fake } from '../../random/fake.js';
import type { ScenarioInput } from '../types.js';
import type { ReplyContext, Said, SyncSpec, Wording } from './types.js';

const gmailTrace = (f: Fake): string =>
  `${f.rng.alnum(2).toLowerCase()}${f.rng.int(1, 9)}si${f.rng.int(100000, 9999999)}`;
function traceFor(style: string, fake: Fake): string {
  if (style === 'gmail') return gmailTrace(fake);
  if (style === 'outlook' || style === 'office365') return frontendServer(fake.rng);
  return fake.rng.alnum(10);
}

/**
 * What a wording sees. The MX host and trace token are drawn from the
 * event's stream on first use: most wordings show one of them or none. Each
 * wording reads them in a fixed order, so a seed still gives the same bytes.
 * The client IP is that of the MTA the message went out through. One object,
 * pointed at each call's message in turn (`about`): a wording reads it while
 * it runs and keeps nothing of it, and an object per call was garbage.
 */
class LazyReplyContext implements ReplyContext {
  private mxHost: string | undefined;
  private token: string | undefined;
  fake!: Fake;
  private msg!: OriginalMessage;
  private provider!: Provider;
  private style = '';

  about(fake: Fake, msg: OriginalMessage, provider: Provider, style: string): this {
    this.fake = fake;
    this.msg = msg;
    this.provider = provider;
    this.style = style;
    this.mxHost = undefined;
    this.token = undefined;
    return this;
  }

  get recipient(): string {
    return this.msg.recipient;
  }
  get domain(): string {
    return this.msg.recipientDomain;
  }
  get sender(): string {
    return this.msg.envelope;
  }
  get clientIp(): string {
    return this.msg.mta.ip;
  }
  get mx(): string {
    this.mxHost ??= this.provider.mx(this.msg.recipientDomain, this.fake);
    return this.mxHost;
  }
  get trace(): string {
    this.token ??= traceFor(this.style, this.fake);
    return this.token;
  }
}

const CONTEXT = new LazyReplyContext();
/** The recipient domain handed to buildOriginalMessage, which reads it and keeps nothing: no object per call. */
const OVERRIDES: MessageOverrides = { domain: undefined };

export function buildSync(
  spec: SyncSpec,
  wordings: ReadonlyMap<string, Wording>,
  input: ScenarioInput,
): SimCall[] {
  const { fake, now, style } = input;
  const provider = PROVIDERS[style];
  const options = input.message;
  const domain = options.domain ?? (provider ? providerDomain(provider, fake, options.audience) : undefined);
  OVERRIDES.domain = domain;
  const msg = buildOriginalMessage(fake, now, options, OVERRIDES);
  const wording = wordings.get(style)!(CONTEXT.about(fake, msg, provider ?? PROVIDERS.postfix!, style));
  const event = failureEvent(msg, now, msg.recipient, spec.action, spec.state);
  let text: Said;
  if ('local' in wording) {
    text = wording.local;
  } else {
    event.code = wording.code;
    if (wording.extended) event.extended = wording.extended;
    text = wording.text;
  }
  if (typeof text === 'string') {
    event.description = text;
    return [{ event, scenario: spec.name, style }];
  }
  event.description = text.text;
  return [{ event, scenario: spec.name, style, descriptionText: text }];
}
