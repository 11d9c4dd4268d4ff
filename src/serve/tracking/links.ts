import { RewritingStream } from 'parse5-html-rewriting-stream';
import { rewrite } from './rewrite.js';

export interface TrackingOptions {
  /** Rewrite link n (its original URL given) to `clickUrl(n, original)`. */
  clicks: boolean;
  /** Add the open pixel before `</body>` (or at the end). */
  opens: boolean;
  /** Leave links whose visible text is their URL alone (a link that says where it goes). */
  preventscam: boolean;
  clickUrl: (n: number, original: string) => string;
  pixelUrl: string;
}

export interface TrackedHtml {
  html: string;
  /** Original URL of tracked link n. */
  links: string[];
}

/** A start tag as the rewriting stream gives it (its type lives in parse5-sax-parser, a dependency of that package). */
type StartTag = Parameters<RewritingStream['emitStartTag']>[0];

const TRACKABLE = /^https?:\/\//i;

/** The visible text of a link compared with its URL: case, white space and a trailing slash aside. */
function sameUrl(text: string, url: string): boolean {
  const norm = (s: string): string => s.trim().replace(/\s+/g, '').replace(/\/$/, '').toLowerCase();
  const t = norm(text);
  return t === norm(url) || t === norm(url.replace(/^https?:\/\//i, ''));
}

/**
 * Click and open tracking on an HTML part, with parse5's rewriting stream:
 * every token not touched goes out byte for byte as it came. A link's start
 * tag is held until its end tag, so preventscam can compare the link's text
 * with its URL before choosing.
 */
export async function trackHtml(html: string, options: TrackingOptions): Promise<TrackedHtml> {
  const rw = new RewritingStream();
  const links: string[] = [];
  /** A link being read: its start tag, href, and everything after it so far. */
  let held: { tag: StartTag; raw: string; href: string; text: string; after: string[] } | undefined;
  let pixelDone = !options.opens;
  const emit = (s: string): void => {
    if (held) held.after.push(s);
    else rw.emitRaw(s);
  };
  const release = (): void => {
    if (!held) return;
    const h = held;
    held = undefined;
    if (options.preventscam && sameUrl(h.text, h.href)) rw.emitRaw(h.raw);
    else {
      const attr = h.tag.attrs.find((a) => a.name === 'href')!;
      attr.value = options.clickUrl(links.length, h.href);
      links.push(h.href);
      rw.emitStartTag(h.tag);
    }
    for (const s of h.after) rw.emitRaw(s);
  };
  const pixel = (): string => {
    pixelDone = true;
    return `<img src="${options.pixelUrl}" width="1" height="1" alt="" style="display:block;border:0">`;
  };
  rw.on('startTag', (tag, raw) => {
    const href = tag.attrs.find((a) => a.name === 'href')?.value.trim();
    if (options.clicks && (tag.tagName === 'a' || tag.tagName === 'area') && href && TRACKABLE.test(href)) {
      release(); // an <a> inside an <a> closes the first, as browsers read it
      if (tag.tagName === 'area') {
        const attr = tag.attrs.find((a) => a.name === 'href')!;
        attr.value = options.clickUrl(links.length, href);
        links.push(href);
        rw.emitStartTag(tag);
      } else held = { tag, raw, href, text: '', after: [] };
      return;
    }
    emit(raw);
  });
  rw.on('endTag', (tag, raw) => {
    if (tag.tagName === 'a' && held) {
      held.after.push(raw);
      release();
      return;
    }
    if (tag.tagName === 'body' && !pixelDone) {
      release();
      rw.emitRaw(pixel());
    }
    emit(raw);
  });
  rw.on('text', (token, raw) => {
    if (held) held.text += token.text;
    emit(raw);
  });
  rw.on('comment', (_c, raw) => emit(raw));
  rw.on('doctype', (_d, raw) => emit(raw));
  // An unclosed link, or no </body>: what is held goes out, the pixel last.
  let result = await rewrite(rw, html);
  if (held) {
    const h = held as { raw: string; after: string[] };
    result += h.raw + h.after.join('');
  }
  if (!pixelDone) result += pixel();
  return { html: result, links };
}
