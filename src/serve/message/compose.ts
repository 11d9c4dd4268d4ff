import MailComposer from 'nodemailer/lib/mail-composer';
import { ApiError } from '../errors.js';

/** Content built from fields (nodemailer's composer makes the MIME). */
export interface ComposeFields {
  from: string;
  to?: string;
  cc?: string;
  replyto?: string;
  subject?: string;
  text?: string;
  html?: string;
  unsubscribe?: { email?: string; url?: string; oneclick?: boolean };
  extra?: Record<string, string>;
  attachments?: { name: string; type?: string; data?: string; url?: string }[];
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** An attachment given by URL: fetched only from this machine (a local SMTPeter reaches nothing else). */
async function fetchAttachment(url: string, where: string): Promise<Buffer> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ApiError(400, `${where}.url: '${url}' is not a URL`);
  }
  if (!/^https?:$/.test(u.protocol) || !LOOPBACK.has(u.hostname))
    throw new ApiError(
      400,
      `${where}.url: only loopback URLs (127.0.0.1, localhost) are fetched here, not '${u.host}'`,
    );
  try {
    const res = await fetch(u, { signal: AbortSignal.timeout(5000), redirect: 'error' });
    if (!res.ok) throw new ApiError(400, `${where}.url: ${url} answered ${res.status}`);
    return Buffer.from(await res.arrayBuffer());
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new ApiError(400, `${where}.url: cannot fetch ${url} (${(err as Error).message})`);
  }
}

/** The fields with every attachment given by URL fetched into `data` (base64): content that needs nothing outside itself. */
export async function resolveAttachments(f: ComposeFields): Promise<ComposeFields> {
  if (!f.attachments?.some((a) => a.url !== undefined)) return f;
  const attachments = await Promise.all(
    f.attachments.map(async (a, i) => {
      if (a.url === undefined) return a;
      const { url: _url, ...rest } = a;
      return { ...rest, data: (await fetchAttachment(a.url, `attachments[${i}]`)).toString('base64') };
    }),
  );
  return { ...f, attachments };
}

/**
 * The message the fields describe, built by nodemailer's composer (headers
 * encoded and folded, parts and transfer encodings chosen as a mail client
 * would). File and URL access are off: content comes only from the request.
 * With `boundary` (nodemailer's base boundary) fixed, the same fields, id and
 * date give the same bytes every time.
 */
export async function composeMessage(
  fields: ComposeFields,
  messageId: string,
  date: Date,
  boundary?: string,
): Promise<string> {
  const f = await resolveAttachments(fields);
  const attachments = (f.attachments ?? []).map((a) => ({
    filename: a.name,
    ...(a.type ? { contentType: a.type } : {}),
    content: Buffer.from(a.data!, 'base64'),
  }));
  const headers: Record<string, string> = { ...(f.extra ?? {}) };
  const unsub = f.unsubscribe;
  // RFC 2369 (and RFC 8058 for one click): the URL first, then the mailto.
  const targets = [unsub?.url, unsub?.email ? `mailto:${unsub.email}` : undefined].filter(Boolean);
  if (targets.length) headers['List-Unsubscribe'] = targets.map((t) => `<${t}>`).join(', ');
  if (unsub?.oneclick && unsub.url) headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  const composer = new MailComposer({
    from: f.from,
    ...(f.to ? { to: f.to } : {}),
    ...(f.cc ? { cc: f.cc } : {}),
    ...(f.replyto ? { replyTo: f.replyto } : {}),
    subject: f.subject ?? '',
    ...(f.text !== undefined ? { text: f.text } : {}),
    ...(f.html !== undefined ? { html: f.html } : {}),
    attachments,
    headers,
    messageId,
    date,
    ...(boundary ? { baseBoundary: boundary } : {}),
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const built = await composer.compile().build();
  return built.toString('utf8');
}
