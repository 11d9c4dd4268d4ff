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

/**
 * An attachment given by URL: fetched only from this machine (a local SMTPeter reaches nothing else),
 * and read no further than `left` bytes of base64, what the files before it left of `maxBytes`
 * (--max-size, the one the refusal names): a message is no larger through a URL than through SMTP.
 */
async function fetchAttachment(url: string, where: string, left: number, maxBytes: number): Promise<Buffer> {
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
    // A body left unread holds the socket until the timeout: let go of it before refusing.
    const refuse = async (err: ApiError): Promise<never> => {
      await res.body?.cancel().catch(() => undefined);
      throw err;
    };
    if (!res.ok) await refuse(new ApiError(400, `${where}.url: ${url} answered ${res.status}`));
    const tooLarge = new ApiError(
      413,
      `${where}.url: ${url} makes the message larger than ${maxSize(maxBytes)}`,
    );
    if (base64Size(Number(res.headers.get('content-length'))) > left) await refuse(tooLarge);
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of res.body ?? []) {
      size += chunk.length;
      if (base64Size(size) > left) throw tooLarge; // leaving the loop cancels the download
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new ApiError(400, `${where}.url: cannot fetch ${url} (${(err as Error).message})`);
  }
}

/** What n bytes take in the message: attachments go in base64, as `data` comes in the request. */
const base64Size = (n: number): number => Math.ceil(n / 3) * 4;

const maxSize = (bytes: number): string => `the largest message, ${bytes} bytes (serve --max-size)`;

/**
 * The fields with every attachment given by URL fetched into `data` (base64): content that needs
 * nothing outside itself. The files fetched together stay within `maxBytes` (413 beyond).
 */
export async function resolveAttachments(f: ComposeFields, maxBytes = Infinity): Promise<ComposeFields> {
  if (!f.attachments?.some((a) => a.url !== undefined)) return f;
  const attachments: NonNullable<ComposeFields['attachments']> = [];
  let left = maxBytes;
  for (const [i, a] of f.attachments.entries()) {
    if (a.url === undefined) {
      attachments.push(a);
      continue;
    }
    const { url: _url, ...rest } = a;
    const data = await fetchAttachment(a.url, `attachments[${i}]`, left, maxBytes);
    left -= base64Size(data.length);
    attachments.push({ ...rest, data: data.toString('base64') });
  }
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
