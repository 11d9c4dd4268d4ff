import { createRng, deriveSeed, mix32, type Rng, seedFromString } from '../random/rng.js';

/**
 * Delivery disorder, seeded: SMTPeter delivers calls twice and out of order,
 * and not the instant an event happens. Pure transforms of the call stream
 * (lazy, so an endless stream is fine) plus a per-call delay; the same seed
 * gives the same duplicates, order and delays.
 */

/** Extra wait before a call is sent. */
export type DelayDist =
  | { kind: 'fixed'; ms: number }
  | { kind: 'uniform'; minMs: number; maxMs: number }
  /** Exponential with this mean. */
  | { kind: 'exp'; meanMs: number }
  /** Normal, cut at 0. */
  | { kind: 'normal'; meanMs: number; sdMs: number };

export interface DisorderOptions {
  /** Chance that a call is delivered a second time (0..1). */
  duplicate?: number;
  /** Shuffle within windows of this many calls (0 or 1: keep the order). */
  reorder?: number;
  delay?: DelayDist;
}

/** One delivery of a call: the original or a redelivery of it. */
export interface Delivery<T> {
  item: T;
  /** A second delivery of an item delivered before (or after, once reordered). */
  duplicate: boolean;
}

/**
 * Whether the options change which deliveries go out or their order, so a
 * call is re-signed per delivery and cannot come prepared from a worker.
 * (`--delay` only waits.)
 */
export function reshuffles(options: DisorderOptions): boolean {
  return (options.duplicate ?? 0) > 0 || (options.reorder ?? 0) > 1;
}

/** A duplicate goes out 1 to this many deliveries after its original (a redelivery comes later). */
export const DUPLICATE_SPREAD = 8;

/** A sub-seed per purpose, so turning one kind of disorder on does not move the others. */
function disorderSeed(runSeed: number, purpose: 'duplicate' | 'reorder' | 'delay'): number {
  return mix32(runSeed ^ seedFromString(`disorder-${purpose}`));
}

/**
 * Each item once, and with probability `p` once more, `1..DUPLICATE_SPREAD`
 * deliveries later (never a duplicate of a duplicate). The tail's pending
 * duplicates follow the last item.
 */
export function* withDuplicates<T>(items: Iterable<T>, p: number, rng: Rng): Generator<Delivery<T>> {
  if (!(p > 0)) {
    for (const item of items) yield { item, duplicate: false };
    return;
  }
  /** Duplicates waiting for their position, in position order. */
  const pending: { at: number; item: T }[] = [];
  let position = 0;
  const due = function* (): Generator<Delivery<T>> {
    while (pending.length && pending[0]!.at <= position) {
      yield { item: pending.shift()!.item, duplicate: true };
      position++;
    }
  };
  for (const item of items) {
    yield* due();
    yield { item, duplicate: false };
    if (rng.chance(p)) {
      const at = position + 1 + rng.int(0, DUPLICATE_SPREAD - 1);
      let i = pending.length;
      while (i > 0 && pending[i - 1]!.at > at) i--;
      pending.splice(i, 0, { at, item });
    }
    position++;
  }
  while (pending.length) yield { item: pending.shift()!.item, duplicate: true };
}

/** The first `n` (all when n is not finite). */
export function* limit<T>(items: Iterable<T>, n: number): Generator<T> {
  if (!(n > 0)) return;
  let i = 0;
  for (const item of items) {
    yield item;
    if (++i >= n) return;
  }
}

/**
 * Shuffle within consecutive windows of `window` items. A window never ends
 * between two items of one group (`sameGroup` of the last and the next: a
 * message's bounce and failure calls, which the generator yields together,
 * bounce first), so with a window of 2 or more either can arrive first. Each
 * item moves less than a window (plus its group) from where it was.
 */
export function* reorderWindows<T>(
  items: Iterable<T>,
  window: number,
  rng: Rng,
  sameGroup: (a: T, b: T) => boolean = () => false,
): Generator<T> {
  if (!(window > 1)) {
    yield* items;
    return;
  }
  let buffer: T[] = [];
  const flush = function* (): Generator<T> {
    for (let i = buffer.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [buffer[i], buffer[j]] = [buffer[j]!, buffer[i]!];
    }
    yield* buffer;
    buffer = [];
  };
  for (const item of items) {
    if (buffer.length >= window && !sameGroup(buffer[buffer.length - 1]!, item)) yield* flush();
    buffer.push(item);
  }
  yield* flush();
}

/**
 * The delivery stream: duplicates inserted, cut to `count` deliveries (so
 * reordering moves calls within the run, never in or out of it), then
 * shuffled in windows. `group` names a call's message (its event id).
 */
export function deliveries<T>(
  items: Iterable<T>,
  options: DisorderOptions,
  seed: number,
  count: number,
  group: (item: T) => string,
): Iterable<Delivery<T>> {
  const withDups = withDuplicates(items, options.duplicate ?? 0, createRng(disorderSeed(seed, 'duplicate')));
  const cut = Number.isFinite(count) ? limit(withDups, count) : withDups;
  return reorderWindows(
    cut,
    options.reorder ?? 0,
    createRng(disorderSeed(seed, 'reorder')),
    (a, b) => group(a.item) === group(b.item),
  );
}

/** Draw from the distribution (never below 0). */
export function sampleDelay(d: DelayDist, rng: Rng): number {
  switch (d.kind) {
    case 'fixed':
      return d.ms;
    case 'uniform':
      return d.minMs + rng.next() * (d.maxMs - d.minMs);
    case 'exp':
      return -d.meanMs * Math.log(1 - rng.next());
    case 'normal': {
      // Box–Muller; 1 - u keeps log's argument above 0.
      const u = 1 - rng.next();
      const v = rng.next();
      return Math.max(0, d.meanMs + d.sdMs * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
    }
  }
}

/** The delay of delivery `index`: its own stream, so it does not depend on what ran before it. */
export function delayFor(d: DelayDist, seed: number, index: number): number {
  return sampleDelay(d, createRng(deriveSeed(disorderSeed(seed, 'delay'), index)));
}

/**
 * `fixed:200ms`, `uniform:0-500ms` (or `uniform:100ms-2s`), `exp:100ms`
 * (mean), `normal:200ms,50ms` (mean, standard deviation). Returns a message
 * instead of throwing, so the CLI words the error.
 */
export function parseDelay(
  text: string,
  parseDuration: (t: string) => number | undefined,
): DelayDist | string {
  const m = /^\s*([a-z]+)\s*:\s*(.+?)\s*$/i.exec(text);
  const usage = 'fixed:200ms, uniform:0-500ms, exp:100ms or normal:200ms,50ms';
  if (!m) return `expected a distribution such as ${usage}, got '${text}'`;
  const kind = m[1]!.toLowerCase();
  const args = m[2]!;
  const dur = (t: string, what: string): number | string => {
    const ms = parseDuration(t.trim());
    return ms === undefined || !(ms >= 0)
      ? `${kind}: ${what} '${t.trim()}' is not a duration with a unit such as 200ms or 2s`
      : ms;
  };
  if (kind === 'fixed') {
    const ms = dur(args, 'delay');
    return typeof ms === 'string' ? ms : { kind: 'fixed', ms };
  }
  if (kind === 'exp') {
    const meanMs = dur(args, 'mean');
    if (typeof meanMs === 'string') return meanMs;
    return { kind: 'exp', meanMs };
  }
  if (kind === 'uniform') {
    const r = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*-\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/i.exec(args);
    if (!r) return `uniform: expected MIN-MAX such as 0-500ms, got '${args}'`;
    // `0-500ms`: a unit given once applies to both ends; none at all is no duration.
    const unit = r[4] ?? r[2] ?? '';
    const minMs = dur(`${r[1]}${r[2] ?? unit}`, 'minimum');
    const maxMs = dur(`${r[3]}${unit}`, 'maximum');
    if (typeof minMs === 'string') return minMs;
    if (typeof maxMs === 'string') return maxMs;
    if (minMs > maxMs) return `uniform: the minimum is above the maximum in '${args}'`;
    return { kind: 'uniform', minMs, maxMs };
  }
  if (kind === 'normal') {
    const parts = args.split(',');
    if (parts.length !== 2) return `normal: expected MEAN,SD such as 200ms,50ms, got '${args}'`;
    const meanMs = dur(parts[0]!, 'mean');
    const sdMs = dur(parts[1]!, 'standard deviation');
    if (typeof meanMs === 'string') return meanMs;
    if (typeof sdMs === 'string') return sdMs;
    return { kind: 'normal', meanMs, sdMs };
  }
  return `unknown distribution '${kind}' (${usage})`;
}

/** `0.1`, `10%`: a probability in 0..1. */
export function parseProbability(text: string): number | string {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(%)?\s*$/.exec(text);
  const p = m ? Number(m[1]) / (m[2] ? 100 : 1) : Number.NaN;
  if (!(p >= 0 && p <= 1))
    return `expected a probability from 0 to 1 or a percentage such as 5%, got '${text}'`;
  return p;
}

const fmt = (ms: number): string => (ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);

/** `exp:100ms`, as it would be typed. */
export function describeDelay(d: DelayDist): string {
  switch (d.kind) {
    case 'fixed':
      return `fixed:${fmt(d.ms)}`;
    case 'uniform':
      return `uniform:${fmt(d.minMs)}-${fmt(d.maxMs)}`;
    case 'exp':
      return `exp:${fmt(d.meanMs)}`;
    case 'normal':
      return `normal:${fmt(d.meanMs)},${fmt(d.sdMs)}`;
  }
}
