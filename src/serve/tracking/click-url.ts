/**
 * A tracked link as SMTPeter writes it: the click domain (here serve's own
 * address), the original link's path kept, and an identifier added
 * (smtpeter-api.md, "Tracking"; fire's click.smtpeter.com links have the
 * same shape). The identifier names the message and the link's number, so
 * the click finds its way back to both.
 */
export function clickUrl(base: string, id: string, n: number, original: string): string {
  let path = '/';
  try {
    path = new URL(original).pathname;
  } catch {
    // Not a URL (a broken href): the identifier alone still finds the link.
  }
  return `${base}${path}?${id}-${n}`;
}

/** The message id and link number a click URL carries; undefined: not a click URL. */
export function clickOf(url: URL): { id: string; n: number } | undefined {
  const m = /^\?([0-9a-f]{32})-(\d{1,6})$/.exec(url.search);
  return m ? { id: m[1]!, n: Number(m[2]) } : undefined;
}
