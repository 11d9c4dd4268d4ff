import { type Rng, WeightedTable } from '../random/rng.js';

/**
 * Microsoft 365's server names: `DM6PR11MB4428.namprd11.prod.outlook.com`.
 * The letters in front name the datacenter, the `prd` label its region, so
 * a Dublin prefix (DB) never carries a North American region (namprd).
 */
interface MsRegion {
  /** `namprd`, `eurprd`, `apcprd`. */
  prd: string;
  /** Region numbers in use, written after `prd` and after `PR` in a mailbox server's name. */
  numbers: readonly number[];
  /** Datacenter prefixes of the region's servers (`BN8`, `DB7`, `TYZ`). */
  pods: readonly string[];
  /** Its outbound pool label: `mail-bn8nam04on2046.outbound.protection.outlook.com`. */
  outbound: string;
  outboundNumbers: readonly number[];
  /** Third octets of 40.107.x.y its outbound hosts send from. */
  outboundOctets: readonly number[];
  /** The /32 its servers' IPv6 addresses are in (`2603:10b6` for namprd). */
  ipv6: string;
}

const REGIONS: readonly MsRegion[] = [
  {
    prd: 'namprd',
    numbers: [2, 3, 4, 5, 6, 8, 10, 11, 12, 13, 14, 15, 17, 18, 19, 20, 21, 22],
    pods: [
      'BN6',
      'BN8',
      'BN9',
      'CY4',
      'CY5',
      'CY8',
      'SN6',
      'SN7',
      'CH0',
      'CH2',
      'CH3',
      'MN0',
      'MN2',
      'DM4',
      'DM5',
      'DM6',
      'DM8',
      'SA0',
      'SA1',
      'SA2',
      'PH0',
      'PH7',
      'PH8',
      'BL1',
      'BL3',
      'CO1',
      'SJ0',
      'SJ1',
      'MW4',
      'MW5',
      'IA1',
      'BY5',
    ],
    outbound: 'nam',
    outboundNumbers: [2, 4, 10, 11, 12],
    outboundOctets: [92, 93, 94, 95, 100, 101, 102, 220, 223, 236, 243, 244],
    ipv6: '2603:10b6',
  },
  {
    prd: 'eurprd',
    numbers: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    pods: [
      'AM0',
      'AM4',
      'AM5',
      'AM6',
      'AM7',
      'AM8',
      'AM9',
      'DB6',
      'DB7',
      'DB8',
      'DB9',
      'VI1',
      'PA4',
      'PA6',
      'HE1',
      'AS4',
      'AS8',
      'DU0',
      'DU2',
      'GV1',
      'PR3',
      'PAX',
    ],
    outbound: 'eur',
    outboundNumbers: [1, 2, 3, 4, 5],
    outboundOctets: [0, 1, 2, 3, 6, 7, 8, 20, 21, 22, 104, 105, 247, 249],
    ipv6: '2603:10a6',
  },
  {
    prd: 'apcprd',
    numbers: [1, 2, 3, 4, 6],
    pods: ['SG2', 'HK0', 'HK2', 'TY0', 'TYZ', 'KL1', 'SI2', 'PS1', 'PSA', 'SEZ', 'SEY'],
    outbound: 'apc',
    outboundNumbers: [1],
    outboundOctets: [215, 216, 255],
    ipv6: '2603:1096',
  },
];

/** Rough shares of the Microsoft 365 mailboxes SMTPeter's customers write to. */
const BY_SHARE = new WeightedTable<MsRegion>([
  [REGIONS[0]!, 50],
  [REGIONS[1]!, 38],
  [REGIONS[2]!, 12],
]);

/** The region a server name from this module is in (its second label); namprd if none. */
function regionOf(host: string): MsRegion {
  const from = host.indexOf('.') + 1;
  const prd = host.slice(from, from + 6);
  return REGIONS.find((r) => r.prd === prd) ?? REGIONS[0]!;
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

/** A mailbox server: `DM6PR11MB4428.namprd11.prod.outlook.com` (the PR number is the region's). */
export function mailboxServer(rng: Rng): string {
  const region = BY_SHARE.pick(rng);
  const n = pad2(rng.pick(region.numbers));
  return `${rng.pick(region.pods)}PR${n}MB${rng.int(1000, 9999)}.${region.prd}${n}.prod.outlook.com`;
}

/** A front-end (EOP) server, as it signs SMTP replies: `SA2PEPF00003AEA.namprd02.prod.outlook.com`. */
export function frontendServer(rng: Rng): string {
  const region = BY_SHARE.pick(rng);
  return `${rng.pick(region.pods)}PEPF0000${rng.hex(4).toUpperCase()}.${region.prd}${pad2(rng.pick(region.numbers))}.prod.outlook.com`;
}

/** The outbound host that hands a server's mail to the internet, and its address. */
export function outboundHost(server: string, rng: Rng): { host: string; ip: string } {
  const region = regionOf(server);
  const pod = server.slice(0, 3).toLowerCase();
  const octet = rng.int(1, 254);
  const pool = `${region.outbound}${pad2(rng.pick(region.outboundNumbers))}`;
  return {
    host: `mail-${pod}${pool}on2${String(octet).padStart(3, '0')}.outbound.protection.outlook.com`,
    ip: `40.107.${rng.pick(region.outboundOctets)}.${octet}`,
  };
}

/** An IPv6 address of a server in the same region: `2603:10b6:806:3c4::12`. */
export function serverIpv6(server: string, rng: Rng): string {
  const group = (): string => rng.int(0x100, 0xfff).toString(16);
  return `${regionOf(server).ipv6}:${group()}:${group()}::${rng.int(1, 0xff).toString(16)}`;
}
