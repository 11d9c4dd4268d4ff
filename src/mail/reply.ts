/**
 * An SMTP reply as a server sends it: a code, an optional RFC 3463
 * enhanced code, and one or more text lines (Gmail's are multi-line).
 */
export interface SmtpReply {
  code: string;
  extended?: string;
  lines: string[];
}

/** On the wire: `550-5.1.1 first` ... `550 5.1.1 last`. */
export function replyWire(reply: SmtpReply): string[] {
  return reply.lines.map((line, i) => {
    const sep = i === reply.lines.length - 1 ? ' ' : '-';
    return `${reply.code}${sep}${reply.extended ? `${reply.extended} ` : ''}${line}`;
  });
}

/** As MTAs quote it in one field: the wire lines joined by a space. */
export function replyOneLine(reply: SmtpReply): string {
  return replyWire(reply).join(' ');
}

/**
 * SMTPeter's `description`: the server's text without the reply code and
 * enhanced code MailerQ already puts in `code` and `extended`.
 */
export function replyDescription(reply: SmtpReply): string {
  return reply.lines.join(' ');
}

export function reply(code: string, extended: string | undefined, ...lines: string[]): SmtpReply {
  return extended ? { code, extended, lines } : { code, lines };
}
