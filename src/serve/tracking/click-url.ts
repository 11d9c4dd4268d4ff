import { clickTrackingUrl } from '../../mail/tracking.js';

/**
 * A tracked link of a message serve sent, shaped as fire's click.smtpeter.com
 * links are (`clickTrackingUrl`) with serve's own address as the click
 * domain. The identifier names the message and the link's number, so the
 * click finds its way back to both.
 */
export function clickUrl(base: string, id: string, n: number, original: string): string {
  return clickTrackingUrl(base, original, `${id}-${n}`);
}

/** The message id and link number a click URL carries; undefined: not a click URL. */
export function clickOf(url: URL): { id: string; n: number } | undefined {
  const m = /^\?([0-9a-f]{32})-(\d{1,6})$/.exec(url.search);
  return m ? { id: m[1]!, n: Number(m[2]) } : undefined;
}
