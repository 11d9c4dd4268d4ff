import { originalHeaderBlock } from '../../mail/original.js';
import { reply, replyOneLine } from '../../mail/reply.js';
import { rfc5322Date } from '../../mime/headers.js';
import { pacificDate } from '../../mime/pacific-time.js';
import type { Rng } from '../../random/rng.js';
import { envelopeIdField, originalRecipient } from './common.js';
import { escapeHtml, exchangeReport, exchangeStyle } from './exchange.js';
import { gmailReport, gmailStyle } from './gmail.js';
import { NDR_LANGUAGES } from './ndr-languages.js';
import { usDateTime } from './office365.js';
import { postfixReport, postfixStyle } from './postfix.js';
import type { DiagnosisContext, DsnDiagnosis, DsnInput, DsnStyle } from './types.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Why delivery is late, as the delay notice words it and as the final
 * failure words it when the queue lifetime runs out. `history` is the
 * attempt Exchange lists under the delay (its Diagnostic-Code is the
 * generic `400 4.4.7 Message delayed`).
 */
export interface DelayCause {
  delay: DsnDiagnosis;
  final: DsnDiagnosis;
  history?: string;
}

/** One MTA's delay warning: when it is sent, how long the MTA keeps trying, how it reads. */
export interface DelayWriter {
  /** The DSN style that writes the final failure; the delay notice goes by its name. */
  style: DsnStyle;
  /** When the warning goes out, ms after sending. */
  warnAfter: (rng: Rng) => number;
  /** How long the message stays queued, ms after sending: the final failure comes then. */
  lifetime: number;
  causes: ReadonlyArray<(c: DiagnosisContext) => DelayCause>;
  build(input: DsnInput, cause: DelayCause, retryUntil: number): string;
}

const local = (status: string, text: string): DsnDiagnosis => ({ status, local: text, inReplyTo: 'RCPT TO' });
/** The same failure text for the delay and, days later, the final bounce (Postfix repeats the last reason). */
const both = (d: DsnDiagnosis): DelayCause => ({ delay: d, final: d });

/*
 * Postfix: the built-in delay template (src/bounce/bounce_template.c,
 * def_bounce_delay_body; postfix.org/bounce.5.html), sent after
 * delay_warning_time (commonly 4h; 0 = off by default) and retried until
 * maximal_queue_lifetime (5d). A delay warning returns the headers only
 * (bounce_warn_service.c). The reasons are smtp(8)'s connection errors
 * (corpus postfix-expired-01.eml; a Postfix delay warning quoted on LKML,
 * 2004: "connect to ...: Connection timed out", Status 4.0.0 then).
 */
const postfixDelay: DelayWriter = {
  style: postfixStyle,
  warnAfter: (rng) => 4 * HOUR + rng.int(0, 20 * 60_000),
  lifetime: 5 * DAY,
  causes: [
    (c) => both(local('4.4.1', `connect to ${c.nextHop}[${c.nextHopIp}]:25: Connection timed out`)),
    (c) => both(local('4.4.1', `connect to ${c.nextHop}[${c.nextHopIp}]:25: Connection refused`)),
  ],
  build: (input, cause, retryUntil) =>
    postfixReport(
      { ...input, diagnosis: cause.delay, returned: 'headers' },
      {
        subject: 'Delayed Mail (still being retried)',
        template:
          '####################################################################\r\n' +
          '# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #\r\n' +
          '####################################################################\r\n\r\n' +
          'Your message could not be delivered for more than 4 hour(s).\r\n' +
          'It will be retried until it is 5 day(s) old.\r\n\r\n',
        action: 'delayed',
        moreFields: `Will-Retry-Until: ${rfc5322Date(retryUntil)}\r\n`,
      },
    ),
};

/** Exchange's transport texts for a connection that keeps failing (SMTPSEND / QUEUE). */
const exchangeCause = (c: DiagnosisContext, history: string, final: string): DelayCause => ({
  delay: {
    status: '4.4.7',
    reply: reply('400', '4.4.7', 'Message delayed'),
    inReplyTo: 'RCPT TO',
    remoteMta: c.nextHop,
    remoteIp: c.nextHopIp,
  },
  final: { status: '4.4.7', reply: reply('550', '4.4.7', final), inReplyTo: 'RCPT TO' },
  history,
});

/** `1 days, 19 hours and 57 minutes`: how Exchange states the time left. */
function timeLeft(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  return `${Math.floor(minutes / 1440)} days, ${Math.floor((minutes % 1440) / 60)} hours and ${minutes % 60} minutes`;
}

/*
 * Exchange 2013-2019: "Delivery delayed:" after DelayNotificationTimeout
 * (4h), retried until MessageExpirationTimeout (2 days). Texts from real
 * delay notices quoted in public code (an Outlook .msg reader's test,
 * atlantic-beach.fl.us; a Mailgun route test, MorganGroupPlc): "Delivery is
 * delayed to these recipients or groups:", "Remote Server at ... returned
 * '400 4.4.7 Message delayed'", then the last attempt's error ("441 4.4.1
 * Error encountered while communicating with primary target IP address:
 * "Failed to connect. Winsock error code: 10060 ..."; "451 4.4.0 DNS query
 * failed ... ErrorRetry" and "Primary target IP address responded with:
 * ..." are Exchange's other transport texts, as its expired NDRs quote
 * them). The final NDR is Exchange's QUEUE.Expired.
 */
const exchangeDelay: DelayWriter = {
  style: exchangeStyle,
  warnAfter: (rng) => 4 * HOUR + rng.int(0, 10 * 60_000),
  lifetime: 2 * DAY,
  causes: [
    (c) =>
      exchangeCause(
        c,
        `441 4.4.1 Error encountered while communicating with primary target IP address: "Failed to connect. Winsock error code: 10060, Win32 error code: 10060." Attempted failover to alternate host, but that did not succeed. Either there are no alternate hosts, or delivery failed to all alternate hosts. The last endpoint attempted was ${c.nextHopIp}:25`,
        'QUEUE.Expired; message expired',
      ),
    (c) =>
      exchangeCause(
        c,
        '451 4.4.0 DNS query failed. The error was: DNS query failed with error ErrorRetry',
        'QUEUE.Expired; message expired [Message=451 4.4.0 DNS query failed. The error was: DNS query failed with error ErrorRetry]',
      ),
    (c) =>
      exchangeCause(
        c,
        `451 4.4.0 Primary target IP address responded with: "421 4.4.1 Connection timed out." Attempted failover to alternate host, but that did not succeed. Either there are no alternate hosts, or delivery failed to all alternate hosts. The last endpoint attempted was ${c.nextHopIp}:25`,
        'QUEUE.Expired; message expired [Message=451 4.4.0 Primary target IP address responded with: "421 4.4.1 Connection timed out." Attempted failover to alternate host, but that did not succeed.]',
      ),
  ],
  build(input, cause, retryUntil) {
    const { fake, message: msg, reportingHost: host } = input;
    const lang = NDR_LANGUAGES.en;
    // The host it kept trying (Exchange: "Receiving server: mdb27 (172.24.16.149)").
    const receiving = `${cause.delay.remoteMta} (${cause.delay.remoteIp})`;
    return exchangeReport({ ...input, diagnosis: cause.delay }, lang, () => {
      const headers = originalHeaderBlock(msg, fake);
      const attempts =
        `Remote Server at ${receiving} returned '${replyOneLine(cause.delay.reply!)}'\r\n` +
        `${usDateTime(input.now - fake.rng.int(60_000, 20 * 60_000))} - Remote Server at ${receiving} returned '${cause.history}'\r\n`;
      const left = `The server will keep trying to deliver this message for the next ${timeLeft(retryUntil - input.now)}. You'll be notified if the message can't be delivered by that time.`;
      const yet = "This message hasn't been delivered yet. Delivery will continue to be attempted.";
      const text =
        'Delivery is delayed to these recipients or groups:\r\n\r\n' +
        `${msg.recipient}<mailto:${msg.recipient}>\r\n\r\nSubject: ${msg.subject}\r\n\r\n${yet}\r\n\r\n${left}\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n` +
        `${lang.forAdmins}\r\n\r\n${lang.generatingServer}${host}\r\nReceiving server: ${receiving}\r\n\r\n` +
        `${msg.recipient}\r\n${attempts}\r\n${lang.originalHeaders}\r\n\r\n${headers}`;
      const html =
        '<html>\r\n<head></head>\r\n<body>\r\n' +
        '<p><b><font color="#000066" size="3" face="Arial">Delivery is delayed to these recipients or groups:</font></b></p>\r\n' +
        `<font color="#000000" size="2" face="Tahoma"><p><a href="mailto:${msg.recipient}">${msg.recipient}</a></p>\r\n` +
        `<p>Subject: ${escapeHtml(msg.subject)}</p>\r\n<p>${escapeHtml(yet)}</p>\r\n<p>${escapeHtml(left)}</p>\r\n</font>\r\n` +
        `<br><br><br><br><br><br>\r\n<font color="#808080" size="2" face="Tahoma"><p><b>${lang.forAdmins}</b></p>\r\n` +
        `<p>${lang.generatingServer}${host}<br>\r\nReceiving server: ${receiving}</p>\r\n` +
        `<p>${msg.recipient}<br>\r\n${escapeHtml(attempts).replace(/\r\n(?!$)/g, '<br>\r\n')}</p>\r\n` +
        `<p>${lang.originalHeaders}</p>\r\n<pre>${escapeHtml(headers)}</pre>\r\n</font>\r\n</body>\r\n</html>\r\n`;
      const status =
        envelopeIdField(msg) +
        `Reporting-MTA: dns;${host}\r\n` +
        `Received-From-MTA: dns;${msg.mta.host}\r\n` +
        `Arrival-Date: ${rfc5322Date(input.arrivedAt)}\r\n\r\n` +
        `Original-Recipient: ${originalRecipient(msg)}\r\n` +
        `Final-Recipient: rfc822;${msg.recipient}\r\n` +
        'Action: delayed\r\n' +
        `Status: ${cause.delay.status}\r\n` +
        `Diagnostic-Code: smtp;${replyOneLine(cause.delay.reply!)}\r\n` +
        `Will-Retry-Until: ${rfc5322Date(retryUntil)}\r\n` +
        `X-Display-Name: ${msg.recipientName}\r\n`;
      return { subject: `Delivery delayed: ${msg.subject}`, text, html, status };
    });
  },
};

/*
 * Gmail: "Delivery Status Notification (Delay)", "** Delivery incomplete **
 * ... Gmail will retry for 47 more hours. You'll be notified if the
 * delivery fails permanently." (Gmail delay notices quoted in public
 * bounce classifiers' tests), Action: delayed with Last-Attempt-Date and
 * Will-Retry-Until (a French Gmail delay notice quoted in a public
 * parser's test). Gmail retries for about two days; the final failure is
 * the same connection error (GMAIL_DIAGNOSES.expired).
 */
const gmailDelay: DelayWriter = {
  style: gmailStyle,
  warnAfter: (rng) => rng.int(1, 3) * HOUR + rng.int(0, 50 * 60_000),
  lifetime: 2 * DAY,
  causes: [
    (c) =>
      both(
        local(
          '4.4.1',
          `The recipient server did not accept our requests to connect. Learn more at https://support.google.com/mail/answer/7720 [${c.domain}. ${c.nextHopIp}: timed out]`,
        ),
      ),
  ],
  build: (input, cause, retryUntil) =>
    gmailReport(
      { ...input, diagnosis: cause.delay },
      {
        headline: 'Delivery incomplete',
        why: `There was a temporary problem delivering your message to ${input.message.recipient}. Gmail will retry for ${Math.floor((retryUntil - input.now) / HOUR)} more hours. You'll be notified if the delivery fails permanently.`,
        responseLead: 'The response was:\r\n',
        action: 'delayed',
        moreFields: `Will-Retry-Until: ${pacificDate(retryUntil)}\r\n`,
        subject: 'Delivery Status Notification (Delay)',
      },
    ),
};

/** The MTAs whose delay warnings the catalogue writes (`dsn-delayed` styles). */
export const DELAY_WRITERS: readonly DelayWriter[] = [postfixDelay, exchangeDelay, gmailDelay];
