/**
 * Dates, times and amounts as English mail writes them. Plain arithmetic on
 * UTC fields: Intl and toLocaleString cost more than the rest of a body.
 */

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

export const DAY = 86_400_000;

/** `Tuesday, January 20`. */
export function weekdayDate(ms: number): string {
  const d = new Date(ms);
  return `${WEEKDAYS[d.getUTCDay()]}, ${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;
}

/** `Tuesday`. */
export function weekday(ms: number): string {
  return WEEKDAYS[new Date(ms).getUTCDay()]!;
}

/** `January 20`. */
export function monthDay(ms: number): string {
  const d = new Date(ms);
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;
}

/** `January 20, 2026`. */
export function longDate(ms: number): string {
  const d = new Date(ms);
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}`;
}

/** `January 2026`. */
export function monthYear(ms: number): string {
  const d = new Date(ms);
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** `2:30 PM` for minutes after midnight. */
export function clockTime(minutes: number): string {
  const h = Math.floor(minutes / 60) % 24;
  const m = minutes % 60;
  return `${h % 12 || 12}:${m < 10 ? '0' : ''}${m} ${h < 12 ? 'AM' : 'PM'}`;
}

/** `$1,249.00` (or `€` for a shop in the euro zone), from cents. */
export function money(cents: number, euro: boolean): string {
  const whole = Math.floor(cents / 100);
  const rest = cents % 100;
  const units =
    whole >= 1000 ? `${Math.floor(whole / 1000)},${String(whole % 1000).padStart(3, '0')}` : `${whole}`;
  return `${euro ? '€' : '$'}${units}.${rest < 10 ? '0' : ''}${rest}`;
}
