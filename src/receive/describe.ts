import { feedbackReportFields } from '../captured/infer.js';
import { identifyClient } from '../mail/user-agents.js';
import type { Fields } from './parse.js';

/** Decode the one header value we show (Subject), RFC 2047 words included. */
function decodeWords(value: string): string {
  return value.replace(
    /=\?([^?]+)\?([QqBb])\?([^?]*)\?=\s*/g,
    (_m, _charset: string, enc: string, text: string) => {
      if (enc.toUpperCase() === 'B') return Buffer.from(text, 'base64').toString('utf8');
      return Buffer.from(
        text
          .replace(/_/g, ' ')
          .replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
        'latin1',
      ).toString('utf8');
    },
  );
}

/** A top-level header of a raw message, unfolded. */
function mimeHeader(mime: string, name: string): string | undefined {
  const end = mime.indexOf('\r\n\r\n');
  const head = (end < 0 ? mime : mime.slice(0, end)).replace(/\r\n[ \t]+/g, ' ');
  const m = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(head);
  return m ? decodeWords(m[1]!.trim()) : undefined;
}

/** A Diagnostic-Code field's value, unfolded, in `text`. */
function diagnosticCode(text: string): string | undefined {
  const m = /^Diagnostic-Code:[ \t]*((?:.*)(?:\r?\n[ \t]+.*)*)/im.exec(text);
  return m ? m[1]!.replace(/\r?\n[ \t]+/g, ' ').trim() : undefined;
}

/** The address of a per-recipient block's Final-Recipient or Original-Recipient (`rfc822; addr`). */
const RECIPIENT_FIELD = /^(?:Final|Original)-Recipient:[ \t]*(?:[^;\r\n]*;)?[ \t]*<?([^>\s]*)>?/gim;

/**
 * The line a person wants to see of a bounce: its diagnostic. A DSN naming
 * several recipients has a block each (RFC 3464): the one whose
 * Final-Recipient or Original-Recipient is the call's recipient, not the
 * first; none rather than another recipient's when no block names it.
 */
function diagnosticLine(mime: string, recipient: string | undefined): string | undefined {
  const blocks = mime.split(/\r?\n\r?\n/).filter((b) => /^(?:Final|Original)-Recipient:/im.test(b));
  if (blocks.length > 1) {
    const wanted = recipient?.toLowerCase();
    const own = blocks.find((b) =>
      [...b.matchAll(RECIPIENT_FIELD)].some((m) => m[1]!.toLowerCase() === wanted),
    );
    return own ? diagnosticCode(own) : undefined;
  }
  const code = diagnosticCode(mime);
  if (code) return code;
  const said = /(?:Remote host said|said|SMTP error from remote [a-z ]+ after [A-Z ]+:)[: ]*(.*)/.exec(mime);
  return said?.[1]?.trim() || undefined;
}

/**
 * Who fetched, as a receiver can tell: "Gmail image proxy", "Apple MPP
 * prefetch", "scanner (...)", a mail app or browser; else "unknown client".
 */
export function clientName(fields: Fields): string {
  const agent = typeof fields['useragent'] === 'string' ? fields['useragent'] : undefined;
  return identifyClient(agent, String(fields['ip'] ?? ''))?.label ?? 'unknown client';
}

/** An abuse report's headline: its Feedback-Type, reporting loop and reported domain. */
export function complaintLine(mime: string): string {
  const report = new Map(feedbackReportFields(mime).map(([n, v]) => [n.toLowerCase(), v]));
  if (!report.size) return `not an ARF report: "${mimeHeader(mime, 'Subject') ?? '(no subject)'}"`;
  const parts = [`Feedback-Type: ${report.get('feedback-type') ?? '?'}`, report.get('user-agent')];
  const domain = report.get('reported-domain');
  return [...parts, domain ? `about ${domain}` : undefined].filter(Boolean).join(' | ');
}

/** One short, readable summary of a call's content. */
export function describeFields(fields: Fields): string {
  const get = (n: string): string | undefined => (fields[n] === undefined ? undefined : String(fields[n]));
  if ('ip' in fields) {
    const link = get('original') ?? get('url');
    return `${clientName(fields)} from ${get('ip')}${link ? ` → ${link}` : ''}`;
  }
  if (typeof fields['mime'] === 'string' && 'emailfrom' in fields)
    return `${complaintLine(fields['mime'])} (from ${get('emailfrom')})`;
  if (typeof fields['mime'] === 'string') {
    const subject = mimeHeader(fields['mime'], 'Subject') ?? '(no subject)';
    const diag = diagnosticLine(fields['mime'], get('recipient'));
    return `"${subject}"${diag ? ` | ${diag}` : ''}`;
  }
  const parts = [get('state'), get('code'), get('extended')].filter(Boolean).join(' ');
  const desc = get('description');
  return `${parts}${get('action') ? ` ${get('action')}` : ''}${desc ? ` | ${desc}` : ''}`;
}
