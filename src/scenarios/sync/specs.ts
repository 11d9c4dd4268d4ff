/**
 * The synchronous failures as data: one row per scenario, with the reply
 * each provider or MTA style gives. The builder (build.ts) turns a row into
 * a failure call.
 */
import { clamavSignature } from '../../mail/clamav.js';
import { remoteIp } from '../../mail/providers.js';
import { pieced, t } from '../../model/pieced-text.js';
import type { Fake } from '../../random/fake.js';
import type { Said, SyncReply, SyncSpec, Wording } from './types.js';

const yahooMta = (f: Fake): string =>
  `mta${f.rng.int(1000, 4999)}.mail.${f.rng.pick(['gq1', 'bf1', 'ne1', 'ir2'])}.yahoo.com`;

const said = (code: string, extended: string | undefined, text: Said): SyncReply =>
  extended ? { code, extended, text } : { code, text };

/**
 * Gmail wraps its replies itself; these are its line breaks. The text is
 * the lines joined by a space, the last one followed by Gmail's trace
 * token: `... - gsmtp`.
 */
const gmail = (code: string, ext: string, trace: string, ...lines: string[]): SyncReply =>
  said(code, ext, `${lines.join(' ')} ${trace} - gsmtp`);

/**
 * A Gmail reply whose lines are all fixed: its text is one template made
 * here, once (the trace token its only value), so a call writes its stored
 * bytes. The same text as gmail() gives.
 */
function gmailFixed(code: string, ext: string, ...lines: string[]): Wording {
  const pieces = [`${lines.join(' ')} `, ' - gsmtp'];
  return (c) => said(code, ext, pieced(pieces, [c.trace]));
}

/** Every synchronous failure: what it is, how often, and its wording per style. */
export const SYNC_SPECS: SyncSpec[] = [
  {
    name: 'sync-userunknown',
    summary: 'Recipient does not exist (550 5.1.1 at RCPT TO)',
    state: 'rcptto',
    reason: 'userunknown',
    action: 'failed',
    weight: 30,
    styles: {
      gmail: gmailFixed(
        '550',
        '5.1.1',
        'The email account that you tried to reach does not exist. Please try',
        "double-checking the recipient's email address for typos or",
        'unnecessary spaces. For more information, go to',
        'https://support.google.com/mail/?p=NoSuchUser',
      ),
      outlook: (c) =>
        said('550', '5.5.0', t`Requested action not taken: mailbox unavailable (S2017062302). [${c.trace}]`),
      office365: (c) =>
        said(
          '550',
          '5.4.1',
          t`Recipient address rejected: Access denied. For more information see https://aka.ms/EXOSmtpErrors [${c.trace}]`,
        ),
      yahoo: (c) =>
        said(
          '554',
          undefined,
          t`delivery error: dd This user doesn't have a ${c.domain} account (${c.recipient}) [0] - ${yahooMta(c.fake)}`,
        ),
      postfix: (c) =>
        said(
          '550',
          '5.1.1',
          t`<${c.recipient}>: Recipient address rejected: User unknown in virtual mailbox table`,
        ),
      exim: () => said('550', undefined, t`Unrouteable address`),
      sendmail: (c) => said('550', '5.1.1', t`<${c.recipient}>... User unknown`),
    },
  },
  {
    name: 'sync-mailboxfull',
    summary: 'Mailbox over quota, rejected for good (552 5.2.2)',
    state: 'rcptto',
    reason: 'mailboxfull',
    action: 'failed',
    weight: 6,
    styles: {
      gmail: gmailFixed(
        '552',
        '5.2.2',
        'The email account that you tried to reach is over quota and inactive.',
        'Please direct the recipient to',
        'https://support.google.com/mail/?p=OverQuotaPerm',
      ),
      postfix: (c) =>
        said(
          '552',
          '5.2.2',
          t`<${c.recipient}>: Recipient address rejected: Quota exceeded (mailbox for user is full)`,
        ),
      exim: () => said('552', undefined, t`Mailbox quota exceeded`),
      outlook: () => said('552', '5.2.2', t`Requested mail action aborted: exceeded storage allocation`),
    },
  },
  {
    name: 'sync-mailboxfull-temporary',
    summary: 'Mailbox full, try again later (452 4.2.2)',
    state: 'rcptto',
    reason: 'mailboxfull',
    action: 'failure',
    weight: 5,
    styles: {
      gmail: gmailFixed(
        '452',
        '4.2.2',
        "The recipient's inbox is out of storage space. Please direct the",
        'recipient to',
        'https://support.google.com/mail/?p=OverQuotaTemp',
      ),
      postfix: (c) => said('452', '4.2.2', t`<${c.recipient}>: Recipient address rejected: Mailbox is full`),
    },
  },
  {
    name: 'sync-greylisted',
    summary: 'Greylisting: temporary refusal, SMTPeter will retry (450/451 4.7.1)',
    state: 'rcptto',
    reason: 'blocked',
    action: 'failure',
    weight: 10,
    styles: {
      postfix: (c) =>
        said(
          '450',
          '4.2.0',
          t`<${c.recipient}>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/${c.domain}.html`,
        ),
      exim: () => said('451', '4.7.1', t`Greylisted, please try again in 5 minutes`),
      sendmail: () => said('451', '4.7.1', t`Greylisting in action, please come back later`),
    },
  },
  {
    name: 'sync-greylisted-gave-up',
    summary: 'Greylisted on every retry until the queue lifetime ran out (failed with the last 4xx)',
    state: 'rcptto',
    reason: 'expired',
    action: 'failed',
    weight: 1,
    styles: {
      postfix: (c) =>
        said(
          '450',
          '4.2.0',
          t`<${c.recipient}>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/${c.domain}.html`,
        ),
      exim: () => said('451', '4.7.1', t`Greylisted, please try again in 5 minutes`),
    },
  },
  {
    name: 'sync-spam-rejected',
    summary: 'Message refused as spam after the final dot (550 5.7.1)',
    state: 'message',
    reason: 'spamdetected',
    action: 'failed',
    weight: 5,
    styles: {
      gmail: (c) =>
        gmail(
          '550',
          '5.7.1',
          c.trace,
          `[${c.clientIp}] Our system has detected that this message is likely`,
          'unsolicited mail. To reduce the amount of spam sent to Gmail, this',
          'message has been blocked. For more information, go to',
          'https://support.google.com/mail/?p=UnsolicitedMessageError',
        ),
      postfix: (c) =>
        said(
          '554',
          '5.7.1',
          t`Rejected by content filter: message classified as spam (score ${(c.fake.rng.int(80, 250) / 10).toFixed(1)})`,
        ),
      exim: (c) =>
        said(
          '550',
          undefined,
          t`This message scored ${(c.fake.rng.int(80, 250) / 10).toFixed(1)} spam points.`,
        ),
      outlook: (c) => said('550', '5.7.1', t`Message rejected as spam by Content Filtering. [${c.trace}]`),
    },
  },
  {
    name: 'dns-domain-not-found',
    summary: 'Recipient domain has no MX or A record (state dns, no code)',
    state: 'dns',
    reason: 'hostunknown',
    action: 'failed',
    weight: 6,
    styles: {
      dns: (c) => ({ local: t`Domain ${c.domain} has no MX or A records (NXDOMAIN)` }),
    },
  },
  {
    name: 'connect-refused',
    summary: 'Connection refused by every MX (state connect, no code), will retry',
    state: 'connect',
    reason: 'networkerror',
    action: 'failure',
    weight: 3,
    styles: {
      tcp: (c) => ({ local: t`Connection refused by ${c.mx} [${remoteIp(c.fake)}]:25` }),
    },
  },
  {
    name: 'connect-timeout',
    summary: 'Connection to the MX timed out (state connect, no code), will retry',
    state: 'connect',
    reason: 'expired',
    action: 'failure',
    weight: 3,
    styles: {
      tcp: (c) => ({ local: t`Connection to ${c.mx} [${remoteIp(c.fake)}]:25 timed out after 30 seconds` }),
    },
  },
  {
    name: 'connect-gave-up',
    summary: 'MX unreachable on every retry; given up after the queue lifetime (failed, no code)',
    state: 'connect',
    reason: 'expired',
    action: 'failed',
    weight: 1,
    styles: {
      tcp: (c) => ({
        local: t`Connection to ${c.mx} [${remoteIp(c.fake)}]:25 timed out; giving up after 5 days`,
      }),
    },
  },
  {
    name: 'intro-blocklisted',
    summary: 'Greeting refused: sending IP on a DNS blocklist (554 5.7.1)',
    state: 'intro',
    reason: 'blocked',
    action: 'failed',
    weight: 2,
    styles: {
      postfix: (c) =>
        said(
          '554',
          '5.7.1',
          t`Service unavailable; Client host [${c.clientIp}] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/${c.clientIp}`,
        ),
      exim: (c) =>
        said(
          '554',
          undefined,
          t`Rejected because ${c.clientIp} is in a black list at b.barracudacentral.org`,
        ),
    },
  },
  {
    name: 'intro-rate-limited',
    summary: 'Greeting deferred: too much volume from this IP (421, will retry)',
    state: 'intro',
    reason: 'toomanyconn',
    action: 'failure',
    weight: 3,
    styles: {
      yahoo: (c) =>
        said(
          '421',
          '4.7.0',
          t`[TSS04] Messages from ${c.clientIp} temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes`,
        ),
      sendmail: () => said('421', '4.3.2', t`Connection rate limit exceeded.`),
    },
  },
  {
    name: 'intro-service-unavailable',
    summary: 'Server closing the channel at the greeting (421 4.3.2), will retry',
    state: 'intro',
    reason: 'systemerror',
    action: 'failure',
    weight: 2,
    styles: {
      postfix: (c) => said('421', '4.3.2', t`${c.mx} Service not available, closing transmission channel`),
      exim: (c) => said('421', undefined, t`${c.mx} lost input connection`),
    },
  },
  {
    name: 'ehlo-helo-rejected',
    summary: 'EHLO name refused by policy (504 5.5.2 / 550)',
    state: 'ehlo',
    reason: 'blocked',
    action: 'failed',
    weight: 1,
    styles: {
      postfix: (c) =>
        said('504', '5.5.2', t`<${c.clientIp}>: Helo command rejected: need fully-qualified hostname`),
      exim: () => said('550', undefined, t`HELO/EHLO must contain a FQDN or IP literal`),
    },
  },
  {
    name: 'starttls-unavailable',
    summary: 'STARTTLS offered but failing (454 4.7.0), will retry',
    state: 'starttls',
    reason: 'securityerror',
    action: 'failure',
    weight: 1,
    styles: {
      postfix: () => said('454', '4.7.0', t`TLS not available due to local problem`),
      sendmail: () => said('454', '4.3.3', t`TLS not available: error generating SSL handle`),
    },
  },
  {
    name: 'mailfrom-sender-domain-not-found',
    summary: 'Envelope sender domain does not resolve at the receiver (553 5.1.8)',
    state: 'mailfrom',
    reason: 'rejected',
    action: 'failed',
    weight: 1,
    styles: {
      postfix: (c) => said('553', '5.1.8', t`<${c.sender}>: Sender address rejected: Domain not found`),
      sendmail: (c) =>
        said('553', '5.1.8', t`<${c.sender}>... Domain of sender address ${c.sender} does not exist`),
    },
  },
  {
    name: 'mailfrom-ip-blocklisted',
    summary: "Sender refused: part of the sender's network is on the provider's block list (550 5.7.1)",
    state: 'mailfrom',
    reason: 'blocked',
    action: 'failed',
    weight: 2,
    styles: {
      outlook: (c) =>
        said(
          '550',
          '5.7.1',
          t`Unfortunately, messages from [${c.clientIp}] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150). You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors. [${c.trace}]`,
        ),
    },
  },
  {
    name: 'mailfrom-system-full',
    summary: 'Receiver out of disk space (452 4.3.1), will retry',
    state: 'mailfrom',
    reason: 'systemfull',
    action: 'failure',
    weight: 1,
    styles: {
      postfix: () => said('452', '4.3.1', t`Insufficient system storage`),
      sendmail: () => said('452', '4.4.5', t`Insufficient disk space; try again later`),
    },
  },
  {
    name: 'rcptto-disabled',
    summary: 'Mailbox disabled or suspended (550 5.2.1)',
    state: 'rcptto',
    reason: 'suspend',
    action: 'failed',
    weight: 3,
    styles: {
      gmail: gmailFixed(
        '550',
        '5.2.1',
        'The email account that you tried to reach is disabled. For more',
        'information, go to',
        'https://support.google.com/mail/?p=DisabledUser',
      ),
      postfix: (c) =>
        said(
          '550',
          '5.2.1',
          t`<${c.recipient}>: Recipient address rejected: Mailbox disabled, not accepting messages`,
        ),
    },
  },
  {
    name: 'rcptto-relay-denied',
    summary: 'Receiver does not accept mail for the domain (554 5.7.1 relay denied)',
    state: 'rcptto',
    reason: 'norelaying',
    action: 'failed',
    weight: 1,
    styles: {
      postfix: (c) => said('554', '5.7.1', t`<${c.recipient}>: Relay access denied`),
      sendmail: (c) =>
        said('550', '5.7.1', t`<${c.recipient}>... Relaying denied. Proper authentication required.`),
    },
  },
  {
    name: 'rcptto-rate-limited',
    summary: 'Recipient side throttling on IP reputation (451 4.7.650), will retry',
    state: 'rcptto',
    reason: 'blocked',
    action: 'failure',
    weight: 2,
    styles: {
      outlook: (c) =>
        said(
          '451',
          '4.7.650',
          t`The mail server [${c.clientIp}] has been temporarily rate limited due to IP reputation. For e-mail delivery information, see https://postmaster.live.com (S775) [${c.trace}]`,
        ),
    },
  },
  {
    name: 'rcptto-too-many-recipients',
    summary: 'Too many recipients in this transaction (452 4.5.3), will retry',
    state: 'rcptto',
    reason: 'toomanyconn',
    action: 'failure',
    weight: 1,
    styles: {
      postfix: () => said('452', '4.5.3', t`Error: too many recipients`),
      gmail: gmailFixed(
        '452',
        '4.5.3',
        'Your message has too many recipients. For more information regarding',
        "Google's sending limits, go to",
        'https://support.google.com/mail/?p=TooManyRecipientsError',
      ),
    },
  },
  {
    name: 'data-policy-rejected',
    summary: 'DATA refused by local policy (554 5.7.1)',
    state: 'data',
    reason: 'policyviolation',
    action: 'failed',
    weight: 1,
    styles: {
      // smtpd_data_restrictions (a policy service answering REJECT) name the
      // DATA command, as RCPT restrictions name the recipient.
      postfix: (c) =>
        said(
          '554',
          '5.7.1',
          t`<DATA>: Data command rejected: Message rejected by policy; see https://${c.domain}/policy`,
        ),
      exim: () => said('550', undefined, t`Administrative prohibition`),
    },
  },
  {
    name: 'data-try-later',
    summary: 'Temporary local problem after DATA (451 4.3.0), will retry',
    state: 'data',
    reason: 'systemerror',
    action: 'failure',
    weight: 2,
    styles: {
      postfix: () => said('451', '4.3.0', t`Error: queue file write error`),
      exim: () => said('451', undefined, t`Temporary local problem - please try later`),
    },
  },
  {
    name: 'message-too-big',
    summary: 'Message larger than the receiver accepts (552 5.3.4)',
    state: 'message',
    reason: 'mesgtoobig',
    action: 'failed',
    weight: 1,
    styles: {
      gmail: gmailFixed(
        '552',
        '5.3.4',
        "Your message exceeded Google's message size limits. For more information,",
        'visit https://support.google.com/mail/?p=MaxSizeError',
      ),
      postfix: () => said('552', '5.3.4', t`Message size exceeds fixed limit`),
    },
  },
  {
    name: 'message-dmarc-failed',
    summary: 'Unauthenticated mail refused: SPF/DKIM/DMARC (550 5.7.26)',
    state: 'message',
    reason: 'securityerror',
    action: 'failed',
    weight: 2,
    styles: {
      gmail: (c) =>
        gmail(
          '550',
          '5.7.26',
          c.trace,
          'This mail has been blocked because the sender is unauthenticated.',
          'Gmail requires all senders to authenticate with either SPF or DKIM.',
          '',
          ` Authentication results:`,
          `  DKIM = did not pass`,
          `  SPF [${c.sender.split('@')[1]}] with ip: [${c.clientIp}] = did not pass`,
          '',
          ' For instructions on setting up authentication, go to',
          'https://support.google.com/mail/answer/81126#authentication',
        ),
      outlook: (c) =>
        said(
          '550',
          '5.7.515',
          t`Access denied, sending domain ${c.sender.split('@')[1]!} does not meet the required authentication level. [${c.trace}]`,
        ),
    },
  },
  {
    name: 'message-policy-rejected',
    summary: 'Message refused for policy reasons after the final dot (554 5.7.9)',
    state: 'message',
    reason: 'policyviolation',
    action: 'failed',
    weight: 2,
    styles: {
      yahoo: () =>
        said(
          '554',
          '5.7.9',
          t`Message not accepted for policy reasons.  See https://postmaster.yahooinc.com/error-codes`,
        ),
    },
  },
  {
    name: 'message-virus',
    summary: 'Virus found in the message (554 5.7.1 / 550)',
    state: 'message',
    reason: 'virusdetected',
    action: 'failed',
    weight: 1,
    styles: {
      postfix: (c) => said('554', '5.7.1', t`Virus detected: ${clamavSignature(c.fake.rng)} (clamav)`),
      exim: (c) =>
        said(
          '550',
          undefined,
          t`This message contains a virus (${clamavSignature(c.fake.rng)}) and has been rejected`,
        ),
    },
  },
  {
    name: 'message-blocked-reputation',
    summary: 'Traffic refused from this IP on reputation (550 5.7.708)',
    state: 'message',
    reason: 'blocked',
    action: 'failed',
    weight: 1,
    styles: {
      office365: (c) =>
        said(
          '550',
          '5.7.708',
          t`Service unavailable. Access denied, traffic not accepted from this IP. For more information please go to http://go.microsoft.com/fwlink/?LinkId=526653 AS(7230) [${c.trace}]`,
        ),
    },
  },
];
