/** A clock is passed in, never read from a global deep inside generators. */
type Clock = () => number; // milliseconds since the epoch

export const systemClock: Clock = () => Date.now();

/** The last minute formatted: consecutive calls mostly fall in the same minute. */
let cachedMinute = Number.NaN;
let cachedPrefix = '';

/** SMTPeter's `timestamp`: UTC `YYYY-MM-DD HH:MM:SS`. */
export function formatTimestamp(unixSeconds: number): string {
  const whole = Math.floor(unixSeconds);
  const minute = Math.floor(whole / 60);
  if (minute !== cachedMinute) {
    cachedPrefix = new Date(minute * 60_000).toISOString().slice(0, 17).replace('T', ' ');
    cachedMinute = minute;
  }
  const second = whole - minute * 60;
  return second < 10 ? `${cachedPrefix}0${second}` : `${cachedPrefix}${second}`;
}

const DURATION = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/i;

/**
 * The one duration reader (flags, fixture `at`/`delay`, stages, retry
 * schedules, delays): `500ms`, `30s`, `2m`, `1h` in ms, or undefined. A
 * number needs its unit (a bare `30` is not guessed to be ms or s); only
 * `0` may go without. The fixture schema's pattern is stricter still.
 */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (!m) return undefined;
  const value = Number(m[1]);
  const unit = m[2]?.toLowerCase();
  if (unit === undefined) return value === 0 ? 0 : undefined;
  return value * (unit === 'h' ? 3_600_000 : unit === 'm' ? 60_000 : unit === 's' ? 1000 : 1);
}
