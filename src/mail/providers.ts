import { domainToASCII } from 'node:url';
import type { Fake } from '../random/fake.js';
import { WeightedTable } from '../random/rng.js';
import { COMPANY_TLDS, companyLabel, companyLabelWord } from '../random/words.js';
import { type Audience, companyTld, consumerDomain } from './audience.js';

/**
 * Receiving sides: what their MX hosts look like; their domains per audience
 * are in audience.ts, so provider, recipient domain and wording always agree.
 */
export interface Provider {
  name: string;
  label: string;
  mx(domain: string, fake: Fake): string;
}

const dashed = (domain: string): string => domain.replace(/\./g, '-');

export const PROVIDERS: Record<string, Provider> = {
  gmail: {
    name: 'gmail',
    label: 'Gmail / Google Workspace',
    mx: (_d, fake) => fake.rng.pick(['gmail-smtp-in.l.google.com', 'alt1.gmail-smtp-in.l.google.com']),
  },
  outlook: {
    name: 'outlook',
    label: 'Microsoft 365 / Outlook.com',
    mx: (domain) => `${dashed(domain)}.olc.protection.outlook.com`,
  },
  office365: {
    name: 'office365',
    label: 'Microsoft 365 tenant',
    mx: (domain) => `${dashed(domain)}.mail.protection.outlook.com`,
  },
  yahoo: {
    name: 'yahoo',
    label: 'Yahoo / AOL',
    mx: (_d, fake) => `mta${fake.rng.int(5, 7)}.am0.yahoodns.net`,
  },
  postfix: {
    name: 'postfix',
    label: 'Postfix (generic)',
    mx: (domain, fake) => `${fake.rng.pick(['mx', 'mx1', 'mail', 'smtp'])}.${domain}`,
  },
  exim: {
    name: 'exim',
    label: 'Exim (generic)',
    mx: (domain, fake) => `${fake.rng.pick(['mx', 'mail', 'mx0'])}.${domain}`,
  },
  sendmail: {
    name: 'sendmail',
    label: 'Sendmail (generic)',
    mx: (domain, fake) => `${fake.rng.pick(['mail', 'mx', 'relay'])}.${domain}`,
  },
};

/**
 * A recipient domain at this provider: the audience's consumer domains for
 * Gmail, Outlook.com and Yahoo, a company domain (any shape, Unicode IDN
 * included: a sync failure carries no MIME) for the MTA styles.
 */
export function providerDomain(provider: Provider, fake: Fake, audience: Audience = 'global'): string {
  const name = provider.name;
  if (name === 'gmail' || name === 'outlook' || name === 'yahoo') return consumerDomain(audience, name, fake);
  return companyDomain(fake, audience, true);
}

/**
 * A company domain of any shape real lists hold: hyphenated
 * (`smith-jones.com`), short (`bauer.de`), long (`jansenlogistics.nl`), a
 * subdomain (`mail.smith-jones.co.uk`), IDN in punycode (`xn--mller-kva.de`)
 * and, where the caller can carry UTF-8 (`unicode`), IDN in Unicode
 * (`müller.de`). Without an audience: the global TLD mix.
 */
export function companyDomain(fake: Fake, audience?: Audience, unicode = false): string {
  const tld = audience ? companyTld(audience, fake) : COMPANY_TLDS.pick(fake.rng);
  const shape = DOMAIN_SHAPES.pick(fake.rng);
  if (shape === 'hyphenated') return `${companyLabel(fake.rng)}.${tld}`;
  // The label's first word, drawn as the label is but without making it.
  const base = companyLabelWord(fake.rng);
  switch (shape) {
    case 'short':
      return `${base}.${tld}`;
    case 'long':
      return `${base}${fake.rng.pick(SECTOR_WORDS)}.${tld}`;
    case 'subdomain':
      return `${fake.rng.pick(SUBDOMAINS)}.${companyLabel(fake.rng)}.${tld}`;
    default: {
      const name = `${fake.rng.pick(IDN_LABELS)}.${tld}`;
      return unicode && fake.rng.chance(0.5) ? name : punycoded(name);
    }
  }
}

const DOMAIN_SHAPES = new WeightedTable<'hyphenated' | 'short' | 'long' | 'subdomain' | 'idn'>([
  ['hyphenated', 35],
  ['short', 25],
  ['long', 15],
  ['subdomain', 15],
  ['idn', 10],
]);

/** The first label of a subdomain company domain (`mail.smith-jones.co.uk`). */
const SUBDOMAINS = ['mail', 'corp', 'staff', 'eu', 'nl', 'de'];

/** Second words of long company labels (`jansenlogistics`, `bauerholding`). */
const SECTOR_WORDS = [
  'logistics',
  'holding',
  'consultancy',
  'solutions',
  'international',
  'installatietechniek',
  'bouw',
  'gmbh',
];

/** Company names with letters outside ASCII, as registered under IDN. */
const IDN_LABELS = [
  'müller',
  'bäckerei-schröder',
  'café-de-zwaan',
  'jürgens-bau',
  'größer',
  'señor-tapas',
  'bjørnsen',
  'blümchen',
  'französisch',
  'çelik',
];

/** Few labels times few TLDs: each name is converted once, not per generated call (it showed in profiles). */
const PUNYCODED = new Map<string, string>();
function punycoded(name: string): string {
  let ascii = PUNYCODED.get(name);
  if (ascii === undefined) {
    ascii = domainToASCII(name);
    PUNYCODED.set(name, ascii);
  }
  return ascii;
}

/** A TEST-NET-free public-looking IPv4 (never a loopback or private range). */
export function remoteIp(fake: Fake): string {
  const first = fake.rng.pick([23, 34, 40, 52, 64, 74, 98, 104, 142, 173, 198, 209, 212, 217]);
  return `${first}.${fake.rng.int(0, 255)}.${fake.rng.int(0, 255)}.${fake.rng.int(1, 254)}`;
}
