import type { Fake } from '../random/fake.js';
import { WeightedTable } from '../random/rng.js';

/** Whose list the recipients come from: `--audience`. */
export const AUDIENCES = ['global', 'nl', 'de', 'us'] as const;
export type Audience = (typeof AUDIENCES)[number];

/**
 * One audience's recipient population.
 *
 * `providers`: the share of each receiving side the catalogue has wordings
 * for. Consumer shares come from Mapp's Global Provider Report 2023 (as
 * reported by MediaPost, 2023-03, "Gmail Is Top Webmail Service -- Except In
 * Some Countries": US Gmail 50.1 %, Verizon/Yahoo 22.6 %, Microsoft 12.4 %;
 * DE 1&1 GMX/WEB.DE 39.9 %, Gmail 15.3 %, T-Online 11.9 %; FR Gmail 26.9 %,
 * Microsoft 25.9 %, Orange 17.8 %). Providers whose own reply texts the
 * catalogue lacks (GMX/WEB.DE, T-Online, Comcast, Apple, Orange, Ziggo,
 * KPN) are left out and the rest renormalised: their recipients are not
 * generated yet (README "Audiences"). NL has no public breakdown; its split
 * is an estimate (Gmail and Microsoft lead, Yahoo small).
 * `company`: the share of company mailboxes (the MTA styles: Microsoft 365
 * tenants, Postfix, Exim, sendmail). An assumption: B2C-heavy lists, about
 * a quarter company addresses; not from a published source.
 */
interface AudienceTable {
  providers: Readonly<Record<'gmail' | 'outlook' | 'yahoo' | 'company', number>>;
  /** Consumer domains per provider, weighted within the provider. */
  domains: Readonly<Record<'gmail' | 'outlook' | 'yahoo', ReadonlyArray<readonly [string, number]>>>;
  /** Top-level domains of company domains in this audience. */
  companyTlds: ReadonlyArray<readonly [string, number]>;
}

const GMAIL = [
  ['gmail.com', 95],
  ['googlemail.com', 5],
] as const;

export const AUDIENCE_TABLES: Readonly<Record<Audience, AudienceTable>> = {
  global: {
    providers: { gmail: 40, outlook: 20, yahoo: 10, company: 30 },
    domains: {
      gmail: GMAIL,
      outlook: [
        ['outlook.com', 40],
        ['hotmail.com', 35],
        ['live.com', 10],
        ['hotmail.co.uk', 5],
        ['hotmail.fr', 5],
        ['live.nl', 5],
      ],
      yahoo: [
        ['yahoo.com', 60],
        ['aol.com', 20],
        ['ymail.com', 5],
        ['yahoo.co.uk', 10],
        ['yahoo.fr', 5],
      ],
    },
    companyTlds: [
      ['com', 45],
      ['net', 8],
      ['org', 7],
      ['nl', 8],
      ['de', 8],
      ['fr', 6],
      ['co.uk', 6],
      ['be', 4],
      ['com.au', 4],
      ['ch', 4],
    ],
  },
  nl: {
    providers: { gmail: 38, outlook: 30, yahoo: 4, company: 28 },
    domains: {
      gmail: GMAIL,
      outlook: [
        ['hotmail.com', 45],
        ['live.nl', 20],
        ['outlook.com', 20],
        ['hotmail.nl', 10],
        ['outlook.nl', 5],
      ],
      yahoo: [
        ['yahoo.com', 70],
        ['ymail.com', 10],
        ['aol.com', 20],
      ],
    },
    companyTlds: [
      ['nl', 70],
      ['com', 18],
      ['eu', 5],
      ['be', 4],
      ['net', 3],
    ],
  },
  de: {
    providers: { gmail: 45, outlook: 12, yahoo: 5, company: 38 },
    domains: {
      gmail: GMAIL,
      outlook: [
        ['hotmail.de', 40],
        ['outlook.de', 30],
        ['outlook.com', 15],
        ['live.de', 15],
      ],
      yahoo: [
        ['yahoo.de', 70],
        ['yahoo.com', 20],
        ['aol.de', 10],
      ],
    },
    companyTlds: [
      ['de', 70],
      ['com', 15],
      ['at', 6],
      ['ch', 5],
      ['eu', 4],
    ],
  },
  us: {
    providers: { gmail: 50, yahoo: 22, outlook: 12, company: 16 },
    domains: {
      gmail: GMAIL,
      outlook: [
        ['outlook.com', 40],
        ['hotmail.com', 45],
        ['live.com', 10],
        ['msn.com', 5],
      ],
      yahoo: [
        ['yahoo.com', 70],
        ['aol.com', 25],
        ['ymail.com', 5],
      ],
    },
    companyTlds: [
      ['com', 75],
      ['net', 8],
      ['org', 8],
      ['us', 4],
      ['io', 5],
    ],
  },
};

/** The styles that write for company mailboxes, and their split of `company`. */
export const COMPANY_STYLES: Readonly<Record<string, number>> = {
  office365: 15,
  postfix: 12,
  exim: 8,
  sendmail: 3,
};

/**
 * The share of a sync style (a receiving provider or MTA) in an audience;
 * undefined for styles that are no receiving side (dns, tcp).
 */
export function audienceStyleShare(audience: Audience, style: string): number | undefined {
  const { providers } = AUDIENCE_TABLES[audience];
  if (style === 'gmail' || style === 'outlook' || style === 'yahoo') return providers[style];
  const company = COMPANY_STYLES[style];
  if (company === undefined) return undefined;
  const total = Object.values(COMPANY_STYLES).reduce((a, b) => a + b, 0);
  return (providers.company * company) / total;
}

type ConsumerProvider = 'gmail' | 'outlook' | 'yahoo';

/** Per audience, per provider: looked up by the two names, no key string made per call. */
const domainTables = new Map<Audience, Map<ConsumerProvider, WeightedTable<string>>>();

/** A consumer domain of `provider` in this audience (gmail.com, live.nl, yahoo.de, ...). */
export function consumerDomain(audience: Audience, provider: ConsumerProvider, fake: Fake): string {
  let tables = domainTables.get(audience);
  if (!tables) {
    tables = new Map();
    domainTables.set(audience, tables);
  }
  let table = tables.get(provider);
  if (!table) {
    table = new WeightedTable(AUDIENCE_TABLES[audience].domains[provider]);
    tables.set(provider, table);
  }
  return table.pick(fake.rng);
}

const tldTables = new Map<Audience, WeightedTable<string>>();

/** A company domain's top-level domain in this audience. */
export function companyTld(audience: Audience, fake: Fake): string {
  let table = tldTables.get(audience);
  if (!table) {
    table = new WeightedTable(AUDIENCE_TABLES[audience].companyTlds);
    tldTables.set(audience, table);
  }
  return table.pick(fake.rng);
}
