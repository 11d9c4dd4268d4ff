import { type Audience, audienceStyleShare } from '../mail/audience.js';

/**
 * How often each style shows up in real traffic, for a mix that does not
 * name one, where a scenario has no table of its own (DSN and auto-reply
 * writers weigh their styles in their registries). Receiving providers and
 * the MTAs in front of company domains take their audience share instead.
 * Unlisted styles weigh 5.
 */
const STYLE_WEIGHTS: Readonly<Record<string, number>> = {
  dns: 5,
  tcp: 5,
  // Yahoo's non-standard text bounce takes the audience's Yahoo share.
  // Non-standard bounce writers: classic Exim text is still common on shared
  // hosting, qmail survives at small ISPs, Gmail's text form is history.
  'exim-text': 6,
  qmail: 3,
  'gmail-legacy': 1,
  gmx: 2,
};

/**
 * A style's weight; receiving providers and company MTAs take their share
 * in the audience (mail/audience.ts) instead of the table above.
 */
export const styleWeight = (style: string, audience: Audience = 'global'): number =>
  audienceStyleShare(audience, style) ?? STYLE_WEIGHTS[style] ?? 5;
