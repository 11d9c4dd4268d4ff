import type { OriginalMessage } from '../../generate/message.js';
import type { Fake } from '../../random/fake.js';

/** The words of one out-of-office reply, in one language. */
export interface AutoReplyText {
  /** BCP 47 tag, e.g. `en-US`, `nl-NL`. */
  language: string;
  subjectPrefix: string;
  body: string;
}

export interface AutoReplyInput {
  fake: Fake;
  now: number;
  message: OriginalMessage;
  text: AutoReplyText;
}

export interface AutoReplyStyle {
  name: string;
  label: string;
  /** Sends with the null sender `<>` (else from the away mailbox). */
  nullSender: boolean;
  build(input: AutoReplyInput): string;
}
