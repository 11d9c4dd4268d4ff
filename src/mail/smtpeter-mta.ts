import { fnv1a, mix32 } from '../random/rng.js';

/** One of SMTPeter's outgoing MTAs: its name and the address it sends from. */
export interface SendingMta {
  host: string;
  ip: string;
}

/**
 * SMTPeter's outgoing pool, mta1 to mta40, each on a fixed address: a
 * receiver that looks a host up finds the same address every time, so a
 * host and an IP drawn separately would contradict each other.
 */
const POOL: readonly SendingMta[] = Array.from({ length: 40 }, (_, i) => ({
  host: `mta${i + 1}.smtpeter.com`,
  ip: `185.110.${56 + Math.floor(i / 20)}.${21 + (i % 20)}`,
}));

/**
 * The MTA a message went out through, as a pure function of a seed of the
 * message: no draw from the event's stream, so reading it (or not) moves no
 * other value.
 */
export function sendingMta(seed: number): SendingMta {
  return POOL[mix32(seed ^ 0x6d746173) % POOL.length]!;
}

/** The MTA that sent message `id` (serve): the same one every read, and the one its bounces name. */
export function messageMta(id: string): SendingMta {
  return sendingMta(fnv1a(id));
}

/**
 * The address of the recipient domain's MX that SMTPeter talked to: the
 * big mailbox providers' inbound ranges, any other domain a stable public
 * address of its own.
 */
export function mxAddress(domain: string): string {
  const h = mix32(fnv1a(domain.toLowerCase()));
  const host = (h & 0xff) % 254;
  if (/^(gmail|googlemail)\.com$/i.test(domain)) return `142.250.${(h >>> 8) & 0xff}.${host + 1}`;
  if (/^(outlook|hotmail|live)\.com$/i.test(domain)) return `52.101.${(h >>> 8) & 0xff}.${host + 1}`;
  if (/^(yahoo|ymail|aol)\.com$/i.test(domain)) return `67.195.204.${host + 1}`;
  const first = [23, 34, 52, 64, 74, 98, 104, 173, 198, 209, 212, 217][(h >>> 24) % 12]!;
  return `${first}.${(h >>> 16) & 0xff}.${(h >>> 8) & 0xff}.${host + 1}`;
}
