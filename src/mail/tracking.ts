import { createHash } from 'node:crypto';
import type { ClickEvent, OpenEvent } from '../model/events.js';
import { callBase } from './call-events.js';
import type { OriginalMessage } from './message.js';
import type { Fetch } from './user-agents.js';

/**
 * SMTPeter's open and click tracking as a receiver sees it: links rewritten
 * to a click domain that keeps the path and adds an identifier
 * (smtpeter-api.md, "Tracking"), the original URL carrying the sender's
 * campaign (UTM) parameters, and one call per image fetch or link followed.
 */

/** The click domain SMTPeter rewrites links to (customers may use their own). */
export const CLICK_HOST = 'click.smtpeter.com';

/**
 * The links in the message's text, in order (what a reader or scanner can
 * follow); every message SMTPeter's customers send here has at least its
 * unsubscribe link or a service link. None at all: the sender's home page.
 */
export function messageLinks(msg: OriginalMessage): string[] {
  const found = msg.text.match(/https?:\/\/[^\s<>"]+/g) ?? [];
  const links = found.map((link) => link.replace(/[.,;:!?)]+$/, ''));
  return links.length ? links : [`https://${msg.senderDomain}/`];
}

/**
 * The link as the sender's mailing tool wrote it: UTM parameters that name
 * the mail channel and the campaign (the message's campaign tag, else its
 * first), where the link does not carry them already (the unsubscribe link
 * excepted).
 */
export function withCampaign(link: string, msg: OriginalMessage): string {
  const url = new URL(link);
  // Mailing tools leave the unsubscribe link as it is: it is not a campaign landing page.
  if (url.pathname.startsWith('/unsubscribe')) return link;
  const campaign = msg.tags.find((t) => t.startsWith('campaign-')) ?? msg.tags[0] ?? 'mailing';
  const add: Array<[string, string]> = [
    ['utm_source', msg.tags.includes('newsletter') ? 'newsletter' : 'smtpeter'],
    ['utm_medium', 'email'],
    ['utm_campaign', campaign],
  ];
  for (const [name, value] of add) if (!url.searchParams.has(name)) url.searchParams.append(name, value);
  return url.toString();
}

/** One tracked link: what the author wrote and what the reader's client fetched. */
export interface TrackedLink {
  original: string;
  url: string;
}

/**
 * A tracked link's URL as SMTPeter writes it: the click domain `base`, the
 * original link's path kept, and an identifier added (smtpeter-api.md,
 * "Tracking"). A broken href keeps no path: the identifier alone finds it.
 */
export function clickTrackingUrl(base: string, original: string, identifier: string): string {
  let path = '/';
  try {
    path = new URL(original).pathname;
  } catch {
    // Not a URL: '/' and the identifier.
  }
  return `${base}${path}?${identifier}`;
}

/**
 * Link `index` of the message, tracked. The identifier is a pure function
 * of the message id and link number, so whoever sent the message (`serve`)
 * can map a tracking URL back to both.
 */
export function trackedLink(msg: OriginalMessage, index: number): TrackedLink {
  const links = messageLinks(msg);
  const original = withCampaign(links[index % links.length]!, msg);
  const token = createHash('sha256').update(`${msg.id}:${index}`).digest('base64url').slice(0, 22);
  return { original, url: clickTrackingUrl(`https://${CLICK_HOST}`, original, token) };
}

/** The open call for an image fetch of `msg` at `at` (ms). */
export function openEvent(msg: OriginalMessage, at: number, fetch: Fetch): OpenEvent {
  const { id, timestamp, time, recipient, tags } = callBase(msg, at);
  const event: OpenEvent = { id, type: 'open', timestamp, time, recipient, ip: fetch.ip, tags };
  if (fetch.useragent !== undefined) event.useragent = fetch.useragent;
  if (fetch.referer !== undefined) event.referer = fetch.referer;
  return event;
}

/** The click call for following `link` of `msg` at `at` (ms). */
export function clickEvent(msg: OriginalMessage, at: number, fetch: Fetch, link: TrackedLink): ClickEvent {
  const { id, timestamp, time, recipient, tags } = callBase(msg, at);
  const event: ClickEvent = {
    id,
    type: 'click',
    timestamp,
    time,
    recipient,
    ip: fetch.ip,
    original: link.original,
    url: link.url,
    tags,
  };
  if (fetch.useragent !== undefined) event.useragent = fetch.useragent;
  if (fetch.referer !== undefined) event.referer = fetch.referer;
  return event;
}
