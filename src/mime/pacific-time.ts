import { rfc5322Date } from './headers.js';

interface Zone {
  offset: number;
  name: string;
}
const PST: Zone = { offset: -8 * 60, name: 'PST' };
const PDT: Zone = { offset: -7 * 60, name: 'PDT' };

/** Day of the month of the `nth` Sunday of a month (UTC calendar). */
function sunday(year: number, month: number, nth: number): number {
  const first = 1 + ((7 - new Date(Date.UTC(year, month, 1)).getUTCDay()) % 7);
  return first + 7 * (nth - 1);
}

/**
 * US Pacific time at `ms`: daylight time (PDT, -0700) from the second Sunday
 * of March, 02:00 PST (10:00 UTC), to the first Sunday of November, 02:00 PDT
 * (09:00 UTC), as US rules have it since 2007; standard time (PST) otherwise.
 */
export function pacificZone(ms: number): Zone {
  const year = new Date(ms).getUTCFullYear();
  const start = Date.UTC(year, 2, sunday(year, 2, 2), 10);
  const end = Date.UTC(year, 10, sunday(year, 10, 1), 9);
  return ms >= start && ms < end ? PDT : PST;
}

/** `Wed, 15 Jul 2026 02:30:00 -0700 (PDT)`: how Google stamps its own mail. */
export function pacificDate(ms: number): string {
  const zone = pacificZone(ms);
  return `${rfc5322Date(ms, zone.offset)} (${zone.name})`;
}
