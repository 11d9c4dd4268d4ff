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

/** `Wed, 15 Jul 2026 02:30:00 -0700 (PDT)`: how Google stamps its own mail. */
export function pacificDate(ms: number): string {
  return `${rfc5322Date(ms, offsetMinutes(ms))} (${zoneName(zoneFormats().name, ms)})`;
}
