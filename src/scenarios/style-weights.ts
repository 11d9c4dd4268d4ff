/**
 * How often each style shows up in real traffic, for a mix that does not
 * name one, where a scenario has no table of its own (DSN and auto-reply
 * writers weigh their styles in their registries). Receiving providers by
 * consumer mailbox share; MTAs by what sits in front of company domains.
 * Unlisted styles weigh 5.
 */
const STYLE_WEIGHTS: Readonly<Record<string, number>> = {
  gmail: 40,
  outlook: 20,
  office365: 15,
  yahoo: 10,
  postfix: 12,
  exim: 8,
  sendmail: 3,
  dns: 5,
  tcp: 5,
  // Non-standard bounce writers: classic Exim text is still common on shared
  // hosting, qmail survives at small ISPs, Gmail's text form is history.
  'exim-text': 6,
  qmail: 3,
  'gmail-legacy': 1,
  gmx: 2,
};

export const styleWeight = (style: string): number => STYLE_WEIGHTS[style] ?? 5;
