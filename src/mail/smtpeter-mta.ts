import { mix32 } from '../random/rng.js';

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
