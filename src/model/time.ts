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
