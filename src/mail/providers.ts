import type { Fake } from '../random/fake.js';
import { COMPANY_TLDS, companyLabel } from '../random/words.js';

/**
 * Receiving sides: which domains they host and what their MX hosts look
 * like, so provider, recipient domain and wording always agree.
 */
export interface Provider {
  name: string;
  label: string;
  /** Domains with realistic weights; empty = a made-up company domain. */
  domains: ReadonlyArray<readonly [string, number]>;
  mx(domain: string, fake: Fake): string;
}

const dashed = (domain: string): string => domain.replace(/\./g, '-');

export const PROVIDERS: Record<string, Provider> = {
  gmail: {
    name: 'gmail',
    label: 'Gmail / Google Workspace',
    domains: [
      ['gmail.com', 95],
      ['googlemail.com', 5],
    ],
    mx: (_d, fake) => fake.rng.pick(['gmail-smtp-in.l.google.com', 'alt1.gmail-smtp-in.l.google.com']),
  },
  outlook: {
    name: 'outlook',
    label: 'Microsoft 365 / Outlook.com',
    domains: [
      ['outlook.com', 50],
      ['hotmail.com', 35],
      ['live.com', 15],
    ],
    mx: (domain) => `${dashed(domain)}.olc.protection.outlook.com`,
  },
  office365: {
    name: 'office365',
    label: 'Microsoft 365 tenant',
    domains: [],
    mx: (domain) => `${dashed(domain)}.mail.protection.outlook.com`,
  },
  yahoo: {
    name: 'yahoo',
    label: 'Yahoo / AOL',
    domains: [
      ['yahoo.com', 70],
      ['aol.com', 20],
      ['ymail.com', 10],
    ],
    mx: (_d, fake) => `mta${fake.rng.int(5, 7)}.am0.yahoodns.net`,
  },
  postfix: {
    name: 'postfix',
    label: 'Postfix (generic)',
    domains: [],
    mx: (domain, fake) => `${fake.rng.pick(['mx', 'mx1', 'mail', 'smtp'])}.${domain}`,
  },
  exim: {
    name: 'exim',
    label: 'Exim (generic)',
    domains: [],
    mx: (domain, fake) => `${fake.rng.pick(['mx', 'mail', 'mx0'])}.${domain}`,
  },
  sendmail: {
    name: 'sendmail',
    label: 'Sendmail (generic)',
    domains: [],
    mx: (domain, fake) => `${fake.rng.pick(['mail', 'mx', 'relay'])}.${domain}`,
  },
};

export function providerDomain(provider: Provider, fake: Fake): string {
  if (provider.domains.length === 0) return companyDomain(fake);
  return fake.rng.weighted(provider.domains, ([, w]) => w)[0];
}

/** A plausible company domain: `smith-jones.com`, `bauer-llc.nl`. */
export function companyDomain(fake: Fake): string {
  return `${companyLabel(fake.rng)}.${COMPANY_TLDS.pick(fake.rng)}`;
}

/** A TEST-NET-free public-looking IPv4 (never a loopback or private range). */
export function remoteIp(fake: Fake): string {
  const first = fake.rng.pick([23, 34, 40, 52, 64, 74, 98, 104, 142, 173, 198, 209, 212, 217]);
  return `${first}.${fake.rng.int(0, 255)}.${fake.rng.int(0, 255)}.${fake.rng.int(1, 254)}`;
}
