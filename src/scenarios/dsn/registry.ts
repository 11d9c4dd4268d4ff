import { amazonSesStyle } from './amazonses.js';
import { exchangeStyle } from './exchange.js';
import { eximStyle } from './exim.js';
import { gmailStyle } from './gmail.js';
import { office365Style } from './office365.js';
import { postfixStyle } from './postfix.js';
import { sendmailStyle } from './sendmail.js';
import type { DsnStyle } from './types.js';

/** Every DSN style, with its share of real-world DSN traffic. */
export const DSN_STYLES: ReadonlyArray<{ style: DsnStyle; weight: number }> = [
  { style: postfixStyle, weight: 30 },
  { style: eximStyle, weight: 15 },
  { style: sendmailStyle, weight: 5 },
  { style: amazonSesStyle, weight: 4 },
  { style: gmailStyle, weight: 10 },
  { style: exchangeStyle, weight: 12 },
  { style: office365Style, weight: 20 },
];
