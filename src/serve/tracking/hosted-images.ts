import { RewritingStream } from 'parse5-html-rewriting-stream';
import { rewrite } from './rewrite.js';

/**
 * SMTPeter's `images: hosted` ("embed to remote"): an HTML part's references
 * to embedded images (`cid:` URLs, RFC 2392) are rewritten to the URL where
 * SMTPeter hosts that image, so the message goes out without the image
 * parts. Only `src` and `background` attributes name images in mail HTML;
 * every other byte goes out as it came (parse5's rewriting stream).
 */
export interface HostedHtml {
  html: string;
  /** Content-IDs (without angle brackets) that were rewritten, each once, in order of first use. */
  hosted: string[];
}

const IMAGE_ATTRS = new Set(['src', 'background']);

/** The Content-ID a `cid:` URL names: percent-decoded (RFC 2392), or undefined when it is not one. */
export function cidOf(url: string): string | undefined {
  const m = /^\s*cid:(.+?)\s*$/i.exec(url);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return m[1];
  }
}

/**
 * Rewrite `cid:` references to images the message embeds (`embedded`: their
 * Content-IDs) to `urlOf(cid)`. A `cid:` naming no embedded part is left as
 * it is: there is nothing to host.
 */
export async function hostImages(
  html: string,
  embedded: ReadonlySet<string>,
  urlOf: (cid: string) => string,
): Promise<HostedHtml> {
  const rw = new RewritingStream();
  const hosted: string[] = [];
  rw.on('startTag', (tag, raw) => {
    let changed = false;
    for (const attr of tag.attrs) {
      if (!IMAGE_ATTRS.has(attr.name)) continue;
      const cid = cidOf(attr.value);
      if (cid === undefined || !embedded.has(cid)) continue;
      attr.value = urlOf(cid);
      if (!hosted.includes(cid)) hosted.push(cid);
      changed = true;
    }
    if (changed) rw.emitStartTag(tag);
    else rw.emitRaw(raw);
  });
  return { html: await rewrite(rw, html), hosted };
}
