import { parseDefectShare } from '../defects/pick.js';
import { AUDIENCES, type Audience } from '../mail/audience.js';
import { isValidTag } from '../mail/message.js';
import { UsageError } from '../model/errors.js';

/** The message fields fire and generate take: --tag, --recipient, --domain, --audience, --defects. */
interface MessageFlags {
  tags?: string[] | undefined;
  recipient?: string | undefined;
  domain?: string | undefined;
  audience?: string | undefined;
  defects?: string | undefined;
}

/** The message fields, each checked (a UsageError naming the flag); only those given. */
export function messageFields(flags: MessageFlags): {
  tags?: string[];
  recipient?: string;
  domain?: string;
  audience?: Audience;
  defects?: number;
} {
  for (const t of flags.tags ?? [])
    if (!isValidTag(t))
      throw new UsageError(`--tag: '${t}' contains white space or a semicolon (SMTPeter forbids both)`);
  if (flags.recipient && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(flags.recipient))
    throw new UsageError(`--recipient: '${flags.recipient}' is not an e-mail address`);
  if (flags.domain && !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(flags.domain))
    throw new UsageError(`--domain: '${flags.domain}' is not a domain name`);
  if (flags.audience && !(AUDIENCES as readonly string[]).includes(flags.audience))
    throw new UsageError(`--audience: '${flags.audience}' is not one of ${AUDIENCES.join(', ')}`);
  const defects = flags.defects === undefined ? undefined : defectShare(flags.defects);
  return {
    ...(defects !== undefined ? { defects } : {}),
    ...(flags.audience ? { audience: flags.audience as Audience } : {}),
    ...(flags.recipient ? { recipient: flags.recipient } : {}),
    ...(flags.domain ? { domain: flags.domain } : {}),
    ...(flags.tags ? { tags: flags.tags } : {}),
  };
}

/** `--defects` (fire, generate, serve): the share of bounces, or a UsageError naming the flag. */
export function defectShare(text: string): number {
  const share = parseDefectShare(text);
  if (share === undefined)
    throw new UsageError(
      `--defects: '${text}' is not a share of bounces (a percentage such as 5% or a fraction such as 0.05, at most 100%)`,
    );
  return share;
}
