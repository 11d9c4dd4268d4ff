import { rfc5322Date } from './headers.js';

const ZONE = 'America/Los_Angeles';
/**
 * The formatters are made on first use: making them loads the zone's data
 * (tens of ms), which a run that makes no Gmail message need not wait for.
 */
let formats: { offset: Intl.DateTimeFormat; name: Intl.DateTimeFormat } | undefined;
const zoneFormats = () =>
  (formats ??= {
    /** `GMT-07:00`: the offset in force at an instant. */
    offset: new Intl.DateTimeFormat('en-US', { timeZone: ZONE, timeZoneName: 'longOffset' }),
    /** `PDT` or `PST`. */
    name: new Intl.DateTimeFormat('en-US', { timeZone: ZONE, timeZoneName: 'short' }),
  });

const zoneName = (format: Intl.DateTimeFormat, ms: number): string =>
  format.formatToParts(ms).find((p) => p.type === 'timeZoneName')?.value ?? '';

/** Minutes east of UTC from `GMT-07:00` (plain `GMT` is 0). */
function offsetMinutes(ms: number): number {
  const m = /^GMT([+-])(\d{2}):(\d{2})$/.exec(zoneName(zoneFormats().offset, ms));
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

/** The offset and zone name in force during one UTC hour. */
interface HourZone {
  offset: number;
  name: string;
}

/**
 * Per UTC hour: Los Angeles changes offset only on the hour (10:00 and
 * 09:00 UTC), and formatToParts twice per date was a twentieth of the time
 * to make a DSN bounce. Bounded: cleared when full.
 */
const HOURS = new Map<number, HourZone>();
const HOUR_MS = 3_600_000;

function hourZone(ms: number): HourZone {
  const hour = Math.floor(ms / HOUR_MS);
  let zone = HOURS.get(hour);
  if (zone === undefined) {
    // Asked at the hour's own start: the same answer as anywhere in it.
    const at = hour * HOUR_MS;
    zone = { offset: offsetMinutes(at), name: zoneName(zoneFormats().name, at) };
    if (HOURS.size >= 4096) HOURS.clear();
    HOURS.set(hour, zone);
  }
  return zone;
}

/** `Wed, 15 Jul 2026 02:30:00 -0700 (PDT)`: how Google stamps its own mail. */
export function pacificDate(ms: number): string {
  const zone = hourZone(ms);
  return `${rfc5322Date(ms, zone.offset)} (${zone.name})`;
}
