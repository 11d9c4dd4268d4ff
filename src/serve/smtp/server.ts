import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';

import { Refused } from '../errors.js';
import { DEFAULT_OPTIONS, isAddress } from '../options.js';
import { unknownFate } from '../outcomes/fate.js';
import type { Submission } from '../types.js';
import type { TlsPair } from './certificate.js';

export interface SmtpFrontOptions {
  host: string;
  port: number;
  user: string;
  pass: string;
  tls: TlsPair;
  /** Largest message, bytes (SIZE in EHLO; larger ones get 552 5.3.4). */
  maxSize: number;
  accept: (sub: Submission) => Promise<{ id: string }[]>;
}

/** An error smtp-server answers with `code` (its enhanced code follows from it). */
function smtpError(code: number, text: string): Error & { responseCode: number } {
  return Object.assign(new Error(text), { responseCode: code });
}

/**
 * The parameters this server announces in EHLO (SIZE, 8BITMIME, SMTPUTF8,
 * DSN, AUTH): RFC 5321 4.1.1.11 wants 555 for any other, where smtp-server
 * would take it in silence (REQUIRETLS among them: it is not announced).
 */
const MAIL_PARAMETERS = new Set(['SIZE', 'BODY', 'SMTPUTF8', 'RET', 'ENVID', 'AUTH']);
const RCPT_PARAMETERS = new Set(['NOTIFY', 'ORCPT']);

/** The first parameter of a MAIL or RCPT command this server does not offer, or undefined. */
function unsupportedParameter(address: SMTPServerAddress, offered: Set<string>): string | undefined {
  const args = (address as { args?: Record<string, unknown> | false }).args;
  return args ? Object.keys(args).find((key) => !offered.has(key)) : undefined;
}

/**
 * What MAIL or RCPT must be refused for, beside a bad address: a parameter
 * not offered (555), or a non-ASCII address in a transaction that did not
 * declare SMTPUTF8 (RFC 6531 3.4: the server must not accept it).
 */
function refusal(
  address: SMTPServerAddress,
  session: SMTPServerSession,
  offered: Set<string>,
): (Error & { responseCode: number }) | undefined {
  const parameter = unsupportedParameter(address, offered);
  if (parameter !== undefined) return smtpError(555, `Unsupported option: ${parameter}`);
  // smtp-server records SMTPUTF8 on the envelope before it calls onMailFrom.
  const declared = (session.envelope as { smtpUtf8?: boolean }).smtpUtf8 === true;
  if (!declared && /[\u0080-\uffff]/.test(address.address))
    return smtpError(553, 'Must declare SMTPUTF8 to send unicode address'); // Postfix's words
  return undefined;
}

type DsnAddress = SMTPServerAddress & { dsn?: { notify?: string[]; orcpt?: string } };

/** RET and ENVID, given on MAIL FROM: the message's DSN request. */
function messageDsn(session: SMTPServerSession): Submission['options']['dsn'] {
  const env = session.envelope as SMTPServerSession['envelope'] & { dsn?: { ret?: string; envid?: string } };
  const dsn: NonNullable<Submission['options']['dsn']> = {};
  if (env.dsn?.ret === 'FULL' || env.dsn?.ret === 'HDRS') dsn.ret = env.dsn.ret;
  if (env.dsn?.envid) dsn.envid = env.dsn.envid; // smtp-server has decoded the xtext
  return Object.keys(dsn).length ? dsn : undefined;
}

/** NOTIFY and ORCPT, given on each RCPT TO: that recipient's own. */
function recipientDsn(session: SMTPServerSession): Submission['recipientDsn'] {
  const out: NonNullable<Submission['recipientDsn']> = {};
  for (const rcpt of session.envelope.rcptTo as DsnAddress[]) {
    if (!rcpt.dsn?.notify && !rcpt.dsn?.orcpt) continue;
    out[rcpt.address] = {
      ...(rcpt.dsn.notify ? { notify: rcpt.dsn.notify } : {}),
      ...(rcpt.dsn.orcpt ? { orcpt: rcpt.dsn.orcpt } : {}),
    };
  }
  return Object.keys(out).length ? out : undefined;
}

/**
 * SMTP submission as SMTPeter offers it, on smtp-server: STARTTLS before
 * AUTH PLAIN/LOGIN, DSN parameters, the null sender, several recipients,
 * a size limit. The reply to DATA names the message id of every recipient.
 */
export async function startSmtpFront(o: SmtpFrontOptions): Promise<{ port: number; close(): Promise<void> }> {
  const server = new SMTPServer({
    name: 'localhost',
    // smtp-server writes "220 <name> ESMTP <banner>".
    banner: 'smtpeter-sim (a local SMTPeter)',
    key: o.tls.key,
    cert: o.tls.cert,
    authMethods: ['PLAIN', 'LOGIN'],
    size: o.maxSize,
    rejectOversized: true,
    // SMTPeter's servers announce both; smtp-server hides them unless asked.
    hideENHANCEDSTATUSCODES: false,
    hideDSN: false,
    logger: false,
    // On stop, connections still open are closed after this long.
    closeTimeout: 1000,
    onAuth(auth, _session, cb) {
      if (auth.username === o.user && auth.password === o.pass) return cb(null, { user: auth.username });
      cb(smtpError(535, 'Authentication credentials invalid'));
    },
    onMailFrom(address, session, cb) {
      const refused = refusal(address, session, MAIL_PARAMETERS);
      if (refused) return cb(refused);
      if (address.address !== '' && !isAddress(address.address))
        return cb(smtpError(553, `Sender address rejected: '${address.address}' is not an e-mail address`));
      cb();
    },
    onRcptTo(address, session, cb) {
      const refused = refusal(address, session, RCPT_PARAMETERS);
      if (refused) return cb(refused);
      if (!isAddress(address.address))
        return cb(
          smtpError(553, `Recipient address rejected: '${address.address}' is not an e-mail address`),
        );
      const unknown = unknownFate(address.address);
      if (unknown) return cb(smtpError(550, `<${address.address}>: Recipient address rejected: ${unknown}`));
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      // The client went away mid-DATA: the message was never accepted, so nothing is kept.
      stream.on('error', () => undefined);
      stream.on('end', () => {
        // Over the limit: smtp-server answers 552 5.3.4 itself; nothing is stored.
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded)
          return cb(smtpError(552, `Message size exceeds fixed maximum message size ${o.maxSize}`));
        const dsn = messageDsn(session);
        const perRecipient = recipientDsn(session);
        const sub: Submission = {
          envelope: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          recipients: session.envelope.rcptTo.map((r) => r.address),
          mime: Buffer.concat(chunks).toString('utf8'),
          options: { ...DEFAULT_OPTIONS, ...(dsn ? { dsn } : {}) },
          ...(perRecipient ? { recipientDsn: perRecipient } : {}),
          via: 'smtp',
        };
        o.accept(sub).then(
          (ids) => cb(null, `Ok: queued as ${ids.map((m) => m.id).join(' ')}`),
          (err: Error) =>
            cb(
              err instanceof Refused
                ? smtpError(554, `Message rejected: ${err.message}`)
                : smtpError(451, 'Local error in processing'),
            ),
        );
      });
    },
  });
  server.on('error', () => {
    // A client's socket error ends that connection only; the server keeps serving.
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  return { port, close: () => new Promise<void>((r) => server.close(() => r())) };
}
