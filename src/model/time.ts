/** A clock is passed in, never read from a global deep inside generators. */
export type Clock = () => number; // milliseconds since the epoch

export const systemClock: Clock = () => Date.now();

export function fixedClock(ms: number): Clock {
  return () => ms;
}

/** SMTPeter's `timestamp`: UTC `YYYY-MM-DD HH:MM:SS`. */
export function formatTimestamp(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
}
