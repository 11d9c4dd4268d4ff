import type { OriginalMessage } from '../../mail/message.js';
import type { Fake } from '../../random/fake.js';

export type OooLanguage = 'en' | 'nl' | 'de' | 'fr';

/** The words of one out-of-office reply, in one language. */
export interface AutoReplyText {
  lang: OooLanguage;
  /** BCP 47 tag, e.g. `en-GB`, `nl-NL`. */
  language: string;
  /** Exchange/Outlook's localised prefix, e.g. `Automatische Antwort:`. */
  subjectPrefix: string;
  /** The subject the person typed into a vacation form; absent = left blank. */
  ownSubject?: string;
  /** Plain text, LF line ends, paragraphs split by blank lines. */
  body: string;
  /** When the person is back (ms). */
  back: number;
}

export interface AutoReplyInput {
  fake: Fake;
  /** When the reply was written (ms). */
  now: number;
  /** When SMTPeter's bounce MX took it in (ms): after `now`, not after the call. */
  receivedAt: number;
  message: OriginalMessage;
  text: AutoReplyText;
}

export interface AutoReplyStyle {
  name: string;
  label: string;
  /** Sends with the null sender `<>` (else from the away mailbox). */
  nullSender: boolean;
  /** Mailbox domains of this system's users; default a company domain. */
  recipientDomain?: (fake: Fake) => string;
  /** The decoded Subject this style writes for the input (pure, no draws). */
  subject(input: AutoReplyInput): string;
  build(input: AutoReplyInput): string;
}
