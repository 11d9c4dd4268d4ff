import { type Network, networkMatcher } from './networks.js';

/** Where an IP address is, as a GeoIP city database names it (SMTPeter's open and click logs). */
export interface Place {
  city: string;
  countryname: string;
  /** ISO 3166-1 alpha-2. */
  countrycode: string;
  /** The ISO 3166-2 subdivision code without its country prefix; '' where the database has none. */
  regioncode: string;
}

const place = (city: string, countryname: string, countrycode: string, regioncode: string): Place => ({
  city,
  countryname,
  countrycode,
  regioncode,
});

const MOUNTAIN_VIEW = place('Mountain View', 'United States', 'US', 'CA');
const SUNNYVALE = place('Sunnyvale', 'United States', 'US', 'CA');
const AMSTERDAM = place('Amsterdam', 'Netherlands', 'NL', 'NH');
const PARIS = place('Paris', 'France', 'FR', 'IDF');
const PHILADELPHIA = place('Philadelphia', 'United States', 'US', 'PA');
const DALLAS = place('Dallas', 'United States', 'US', 'TX');
const LEXINGTON = place('Lexington', 'United States', 'US', 'MA');
const CAMPBELL = place('Campbell', 'United States', 'US', 'CA');

/**
 * The places of the networks the simulated mail clients fetch from
 * (mail/user-agents.ts): image proxies and scanners where their operators
 * run them, home networks in their ISP's largest city.
 */
const PLACES: ReadonlyArray<readonly [Network[], Place]> = [
  [
    ['66.249.80.0/20', '66.102.0.0/20', '74.125.208.0/20', '64.233.172.0/22', '2a00:1450:4864::/48'],
    MOUNTAIN_VIEW,
  ],
  [['98.136.0.0/16', '2001:4998:124::/48', '148.163.128.0/19', '67.231.144.0/20'], SUNNYVALE],
  [['74.6.128.0/18'], place('Lockport', 'United States', 'US', 'NY')],
  [['106.10.240.0/20'], place('Singapore', 'Singapore', 'SG', '')],
  [['172.224.224.0/20'], place('Los Angeles', 'United States', 'US', 'CA')],
  [['172.225.0.0/17'], place('New York', 'United States', 'US', 'NY')],
  [['104.28.0.0/16', '2a01:111:f403::/48', '84.80.0.0/13'], AMSTERDAM],
  [['146.75.160.0/19'], place('Frankfurt am Main', 'Germany', 'DE', 'HE')],
  [['2a02:26f7::/32', '92.64.0.0/13', '2a01:cb00::/32'], PARIS],
  [['2a09:bac0::/32', '185.58.84.0/22'], place('London', 'United Kingdom', 'GB', 'ENG')],
  [['40.94.0.0/16'], place('Dublin', 'Ireland', 'IE', 'L')],
  [['52.102.0.0/16'], place('Boydton', 'United States', 'US', 'VA')],
  [['205.139.110.0/24', '216.205.24.0/24'], LEXINGTON],
  [['209.222.80.0/21', '64.235.144.0/20'], CAMPBELL],
  [['73.128.0.0/10', '2601:1c0::/32'], PHILADELPHIA],
  [['24.16.0.0/13'], place('Seattle', 'United States', 'US', 'WA')],
  [['76.240.0.0/12', '2600:1700::/32'], DALLAS],
  [['86.80.0.0/13'], place('Utrecht', 'Netherlands', 'NL', 'UT')],
  [['2a02:a440::/32'], place('Rotterdam', 'Netherlands', 'NL', 'ZH')],
  [['2003:e0::/32'], place('Berlin', 'Germany', 'DE', 'BE')],
];

const MATCHERS = PLACES.map(([networks, where]) => [networkMatcher(networks), where] as const);

/** Nowhere: what a GeoIP lookup gives for a loopback, private or unknown address. */
const NOWHERE = place('', '', '', '');

/** The place of `ip`: empty fields for an address no database places (127.0.0.1, a LAN). */
export function placeOf(ip: string): Place {
  return MATCHERS.find(([inside]) => inside(ip))?.[1] ?? NOWHERE;
}
