import type { Rng } from '../random/rng.js';
import { addressIn, type Network, networkMatcher } from './networks.js';

/**
 * Who fetches a message's images and follows its links. A receiver that
 * counts people must tell these apart: a mailbox provider's image proxy
 * (one fetch per message, no person behind its address), Apple Mail
 * Privacy Protection (prefetches every image soon after delivery, whether
 * anyone reads the message or not), security scanners (follow every link
 * within seconds of delivery), and people in mail apps and browsers.
 */
export type ClientRole = 'proxy' | 'prefetch' | 'scanner' | 'person';

export interface MailClient {
  name: string;
  /** What listen's page calls it. */
  label: string;
  role: ClientRole;
  /** User-Agent headers it sends (one picked per fetch); empty: none sent. */
  userAgents: readonly string[];
  /** Where its fetches come from. */
  networks: readonly Network[];
  /** Referer on a fetch ('' = none); empty list: never one. */
  referers: readonly string[];
}

/** Home and office connections people read mail on (IPv4 and IPv6). */
const HOME_NETWORKS: readonly Network[] = [
  '73.128.0.0/10', // Comcast
  '24.16.0.0/13', // Comcast
  '76.240.0.0/12', // AT&T
  '84.80.0.0/13', // KPN
  '86.80.0.0/13', // Ziggo
  '92.64.0.0/13', // Orange
  '2601:1c0::/32', // Comcast
  '2600:1700::/32', // AT&T
  '2a02:a440::/32', // KPN
  '2a01:cb00::/32', // Orange
  '2003:e0::/32', // Deutsche Telekom
];

const CHROME = '126.0.0.0';
const BROWSERS = [
  `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${CHROME} Safari/537.36`,
  `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${CHROME} Safari/537.36 Edg/126.0.2592.87`,
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${CHROME} Safari/537.36`,
] as const;
const MOBILE_BROWSERS = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  `Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${CHROME} Mobile Safari/537.36`,
  'Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36',
] as const;

/** Every client the simulator models; listen names a fetch after the first one that matches. */
export const MAIL_CLIENTS: readonly MailClient[] = [
  {
    name: 'gmail-proxy',
    label: 'Gmail image proxy',
    role: 'proxy',
    userAgents: ['Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)'],
    networks: [
      '66.249.80.0/20',
      '66.102.0.0/20',
      '74.125.208.0/20',
      '64.233.172.0/22',
      '2a00:1450:4864::/48',
    ],
    referers: [],
  },
  {
    name: 'yahoo-proxy',
    label: 'Yahoo image proxy',
    role: 'proxy',
    userAgents: ['YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html'],
    networks: ['98.136.0.0/16', '74.6.128.0/18', '106.10.240.0/20', '2001:4998:124::/48'],
    referers: [],
  },
  {
    name: 'apple-mpp',
    label: 'Apple MPP prefetch',
    role: 'prefetch',
    // Mail Privacy Protection fetches through Apple's relay partners with a bare UA.
    userAgents: ['Mozilla/5.0'],
    networks: [
      '172.224.224.0/20',
      '172.225.0.0/17',
      '104.28.0.0/16',
      '146.75.160.0/19',
      '2a02:26f7::/32',
      '2a09:bac0::/32',
    ],
    referers: [],
  },
  {
    name: 'defender',
    label: 'scanner (Microsoft Defender Safe Links)',
    role: 'scanner',
    userAgents: [
      `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/110.0.0.0 Safari/537.36`,
      'Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 10.0; Win64; x64; Trident/7.0; .NET4.0C; .NET4.0E)',
    ],
    networks: ['40.94.0.0/16', '52.102.0.0/16', '2a01:111:f403::/48'],
    referers: [],
  },
  {
    name: 'proofpoint',
    label: 'scanner (Proofpoint URL Defense)',
    role: 'scanner',
    userAgents: [
      'Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/79.0.3945.88 Safari/537.36',
    ],
    networks: ['148.163.128.0/19', '67.231.144.0/20'],
    referers: [],
  },
  {
    name: 'mimecast',
    label: 'scanner (Mimecast URL Protect)',
    role: 'scanner',
    userAgents: [
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
    ],
    networks: ['205.139.110.0/24', '216.205.24.0/24', '185.58.84.0/22'],
    referers: [],
  },
  {
    name: 'barracuda',
    label: 'scanner (Barracuda Link Protection)',
    role: 'scanner',
    userAgents: ['Mozilla/5.0 (compatible; Barracuda Link Protection)', ''],
    networks: ['209.222.80.0/21', '64.235.144.0/20'],
    referers: [],
  },
  {
    name: 'outlook',
    label: 'Outlook (Windows)',
    role: 'person',
    userAgents: [
      'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17928; Pro)',
      'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17726; Pro)',
      'Mozilla/4.0 (compatible; ms-office; MSOffice 16)',
    ],
    networks: HOME_NETWORKS,
    referers: [],
  },
  {
    name: 'apple-mail-ios',
    label: 'Apple Mail (iPhone)',
    role: 'person',
    userAgents: [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
    ],
    networks: HOME_NETWORKS,
    referers: [],
  },
  {
    name: 'apple-mail-mac',
    label: 'Apple Mail (Mac)',
    role: 'person',
    userAgents: ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)'],
    networks: HOME_NETWORKS,
    referers: [],
  },
  {
    name: 'thunderbird',
    label: 'Thunderbird',
    role: 'person',
    userAgents: ['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Thunderbird/128.1.0'],
    networks: HOME_NETWORKS,
    referers: [],
  },
  {
    name: 'samsung-email',
    label: 'Samsung Email (Android)',
    role: 'person',
    userAgents: [
      'Mozilla/5.0 (Linux; Android 14; SM-S918B Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/126.0.6478.122 Mobile Safari/537.36',
    ],
    networks: HOME_NETWORKS,
    referers: [],
  },
  {
    name: 'webmail',
    label: 'webmail in a desktop browser',
    role: 'person',
    userAgents: BROWSERS,
    networks: HOME_NETWORKS,
    // The webmail's own page, given per recipient by webmailReferer().
    referers: [],
  },
  {
    name: 'mobile-browser',
    label: 'mobile browser',
    role: 'person',
    userAgents: MOBILE_BROWSERS,
    networks: HOME_NETWORKS,
    referers: [],
  },
];

export function mailClient(name: string): MailClient {
  const client = MAIL_CLIENTS.find((c) => c.name === name);
  if (!client) throw new Error(`no mail client '${name}'`);
  return client;
}

/** One fetch as the tracking server sees it. */
export interface Fetch {
  ip: string;
  useragent?: string;
  referer?: string;
}

/**
 * A fetch by `client`: one of its addresses (IPv4 or IPv6), agents and
 * referers; `referer` (the reader's webmail page) when the client is a
 * browser showing webmail.
 */
export function clientFetch(client: MailClient, rng: Rng, referer?: string): Fetch {
  const fetch: Fetch = { ip: addressIn(rng.pick(client.networks), rng) };
  const agent = client.userAgents.length ? rng.pick(client.userAgents) : '';
  if (agent) fetch.useragent = agent;
  const sent = referer ?? (client.referers.length ? rng.pick(client.referers) : '');
  if (sent) fetch.referer = sent;
  return fetch;
}

/**
 * The page a webmail reader's browser names as Referer on a click: the
 * webmail's origin (browsers send only the origin cross-site). Gmail sends
 * none: its links go through a redirect with `noreferrer`.
 */
export function webmailReferer(recipientDomain: string): string | undefined {
  if (/^(outlook|hotmail|live)\.com$/.test(recipientDomain)) return 'https://outlook.live.com/';
  if (/^(yahoo|ymail|rocketmail|aol)\.com$/.test(recipientDomain)) return 'https://mail.yahoo.com/';
  if (recipientDomain === 'comcast.net') return 'https://connect.xfinity.com/';
  return undefined;
}

/** Who opens first, by the recipient's mailbox provider (weights: share of opens). */
const OPENERS_BY_DOMAIN: ReadonlyArray<readonly [RegExp, ReadonlyArray<readonly [string, number]>]> = [
  [
    /^(gmail|googlemail)\.com$/,
    [
      ['gmail-proxy', 92],
      ['apple-mpp', 8],
    ],
  ],
  [
    /^(yahoo|ymail|aol)\.com$/,
    [
      ['yahoo-proxy', 70],
      ['apple-mpp', 20],
      ['mobile-browser', 10],
    ],
  ],
  [
    /^(outlook|hotmail|live)\.com$/,
    [
      ['webmail', 40],
      ['outlook', 25],
      ['apple-mpp', 25],
      ['samsung-email', 10],
    ],
  ],
  [
    /^(icloud|me|mac)\.com$/,
    [
      ['apple-mpp', 85],
      ['apple-mail-ios', 10],
      ['apple-mail-mac', 5],
    ],
  ],
];
/** Company mailboxes: Outlook desktop, Apple devices, some Google Workspace. */
const COMPANY_OPENERS: ReadonlyArray<readonly [string, number]> = [
  ['outlook', 40],
  ['apple-mpp', 28],
  ['apple-mail-ios', 8],
  ['apple-mail-mac', 6],
  ['gmail-proxy', 10],
  ['thunderbird', 3],
  ['samsung-email', 5],
];

/** The client that opens a message sent to `recipientDomain`. */
export function openingClient(rng: Rng, recipientDomain: string): MailClient {
  const table = OPENERS_BY_DOMAIN.find(([pattern]) => pattern.test(recipientDomain))?.[1] ?? COMPANY_OPENERS;
  return mailClient(rng.weighted(table, ([, w]) => w)[0]);
}

/** A person following a link: a desktop browser (often via webmail) or a phone. */
export function clickingClient(rng: Rng): MailClient {
  return mailClient(rng.chance(0.55) ? 'webmail' : 'mobile-browser');
}

/** The link scanner in front of a company mailbox. */
export function scanningClient(rng: Rng): MailClient {
  return mailClient(rng.pick(['defender', 'proofpoint', 'mimecast', 'barracuda']));
}

const MATCHERS = MAIL_CLIENTS.map((c) => ({ client: c, inNetwork: networkMatcher(c.networks) }));

/**
 * The client a fetch came from, as a receiver can tell it: proxies,
 * prefetchers and scanners by their published address ranges (and agent),
 * people by their agent. Undefined: not a client modelled here.
 */
export function identifyClient(useragent: string | undefined, ip: string): MailClient | undefined {
  const agent = useragent ?? '';
  for (const { client, inNetwork } of MATCHERS) {
    if (client.role === 'person') continue;
    if (inNetwork(ip) && (client.role === 'scanner' || client.userAgents.includes(agent))) return client;
  }
  return MATCHERS.find(({ client }) => client.role === 'person' && client.userAgents.includes(agent))?.client;
}
