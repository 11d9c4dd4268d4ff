import type { Audience } from '../../mail/audience.js';
import { amazonSesStyle } from './amazonses.js';
import { exchangeStyle, exchangeStyleIn } from './exchange.js';
import { eximStyle } from './exim.js';
import { gmailStyle } from './gmail.js';
import { NDR_LANGUAGES, type NdrLanguage } from './ndr-languages.js';
import { office365Style } from './office365.js';
import { postfixStyle } from './postfix.js';
import { sendmailStyle } from './sendmail.js';
import type { DsnStyle } from './types.js';

const LANGUAGES = ['nl', 'de', 'fr'] as const;
/** Exchange in the languages of the NL/DE/FR market: exchange-nl, exchange-de, exchange-fr. */
const LOCALISED_EXCHANGE = LANGUAGES.map((code) => exchangeStyleIn(NDR_LANGUAGES[code]));
/** The same for Exchange Online tenants: office365-nl, office365-de, office365-fr. */
const LOCALISED_OFFICE365 = LANGUAGES.map((code) => exchangeStyleIn(NDR_LANGUAGES[code], true));

/** Every DSN style, with its share of real-world DSN traffic (Microsoft's: all its languages together). */
export const DSN_STYLES: ReadonlyArray<{ style: DsnStyle; weight: number }> = [
  { style: postfixStyle, weight: 30 },
  { style: eximStyle, weight: 15 },
  { style: sendmailStyle, weight: 5 },
  { style: amazonSesStyle, weight: 4 },
  { style: gmailStyle, weight: 10 },
  { style: exchangeStyle, weight: 12 },
  { style: office365Style, weight: 20 },
  ...LOCALISED_EXCHANGE.map((style) => ({ style, weight: 12 })),
  ...LOCALISED_OFFICE365.map((style) => ({ style, weight: 20 })),
];

/**
 * The language an Exchange server or Exchange Online tenant writes its
 * NDRs in, per audience: its share of the style's weight. An assumption, not a published figure: a
 * Dutch or German list meets mostly company servers set up in the local
 * language, and English ones (international companies, default installs);
 * a global list meets each language now and then; a US list English only.
 */
const NDR_LANGUAGE_SHARE: Readonly<Record<Audience, Readonly<Record<NdrLanguage['code'], number>>>> = {
  global: { en: 85, nl: 5, de: 5, fr: 5 },
  nl: { en: 40, nl: 60, de: 0, fr: 0 },
  de: { en: 30, nl: 0, de: 70, fr: 0 },
  us: { en: 100, nl: 0, de: 0, fr: 0 },
};

/** A DSN style's weight in a mix for this audience: Exchange's and Exchange Online's split by language. */
export function dsnStyleWeight(name: string, audience: Audience = 'global'): number {
  const entry = DSN_STYLES.find((s) => s.style.name === name);
  if (!entry) return 1;
  const language = /^(?:exchange|office365)(?:-(nl|de|fr))?$/.exec(name);
  if (!language) return entry.weight;
  const share = NDR_LANGUAGE_SHARE[audience][(language[1] ?? 'en') as NdrLanguage['code']];
  return (entry.weight * share) / 100;
}
