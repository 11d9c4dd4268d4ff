/**
 * When is the n-th call due? Pure: reads no clock, so rates are tested
 * without sleeping (vegeta's pacer idea).
 */
export interface Pacer {
  /** ms after the start at which call `n` (0-based) is due; Infinity = never. */
  dueAt(n: number): number;
}

/** Evenly spaced calls at `perSecond`. */
export function constantPacer(perSecond: number): Pacer {
  if (!(perSecond > 0)) throw new Error('rate must be positive');
  const interval = 1000 / perSecond;
  return { dueAt: (n) => n * interval };
}

/** No pacing: every call due at once (closed model, limited by concurrency). */
export const unpaced: Pacer = { dueAt: () => 0 };

/** Parse `500/s`, `30/m`, `2/h` or a bare number (per second). */
export function parseRate(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*(s|sec|second|m|min|minute|h|hour))?\s*$/i.exec(text);
  if (!m) return undefined;
  const value = Number(m[1]);
  const unit = (m[2] ?? 's').toLowerCase()[0];
  const perSecond = unit === 'm' ? value / 60 : unit === 'h' ? value / 3600 : value;
  return perSecond > 0 ? perSecond : undefined;
}
