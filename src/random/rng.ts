/**
 * A small, fast, seedable PRNG (sfc32). Every generator takes an Rng, so a
 * seed reproduces events byte for byte and events can be built in any order
 * (event i's seed is derived from the run seed and i, not from event i-1).
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  /** Pick by weight; weights need not sum to 1. */
  weighted<T>(items: readonly T[], weight: (item: T) => number): T;
  chance(p: number): boolean;
  hex(length: number): string;
  alnum(length: number): string;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Two hex digits per byte value: hex() builds 8 digits from 4 lookups, not toString(16) + padStart. */
const HEX2 = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** The character code of each hex digit. */
const HEX_CODES = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
/** The hex digit of `x` at bit `shift` (28 for the first of eight), as a character code. */
const digit = (x: number, shift: number): number => HEX_CODES[(x >>> shift) & 15]!;

/** V8 copies a concatenation shorter than 13 characters into a flat string; from 13 on it makes a rope. */
const FLAT_HEX_FROM = 13;
/** hex()'s bytes for long strings, reused (hex() runs to completion: nothing else writes it meanwhile). */
let HEX_SCRATCH = Buffer.alloc(64);

/** Mix a 32-bit state (murmur3 finaliser): spreads nearby seeds apart. */
export function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Seed of the i-th event of a run. */
export function deriveSeed(runSeed: number, index: number): number {
  return mix32(mix32(runSeed >>> 0) ^ mix32(index + 0x9e3779b9));
}

/** A seed for a run given none: the one place outside a generator that may draw at random. */
export function randomSeed(): number {
  return (Math.random() * 2 ** 32) >>> 0;
}

/** A seed from a string (so `--seed hello` works too). */
export function seedFromString(text: string): number {
  if (/^\d+$/.test(text) && Number(text) <= 0xffffffff) return Number(text) >>> 0;
  return fnv1a(text);
}

/** FNV-1a of a string's UTF-16 code units: a 32-bit hash, the same on every run. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * sfc32 as a class: methods live on the prototype and `reseed` reuses the
 * object, so a generator re-seeding per event allocates nothing (a closure
 * per method per event was measurable at 100k+ events/s).
 */
export class Sfc32 implements Rng {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 1;

  constructor(seed: number) {
    this.reseed(seed);
  }

  /** Restart the stream at `seed`: the same numbers as `new Sfc32(seed)`. */
  reseed(seed: number): this {
    this.a = mix32(seed ^ 0x243f6a88);
    this.b = mix32(seed ^ 0x85a308d3);
    this.c = mix32(seed ^ 0x13198a2e);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.u32();
    return this;
  }

  /** Uniform 32-bit unsigned integer. */
  u32(): number {
    const { a, b, c, d } = this;
    const t = (((a + b) | 0) + d) | 0;
    this.d = (d + 1) | 0;
    this.a = b ^ (b >>> 9);
    this.b = (c + (c << 3)) | 0;
    const r = (c << 21) | (c >>> 11);
    this.c = (r + t) | 0;
    return t >>> 0;
  }

  next(): number {
    return this.u32() / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  weighted<T>(items: readonly T[], weight: (item: T) => number): T {
    let total = 0;
    for (const item of items) total += weight(item);
    let r = this.next() * total;
    for (const item of items) {
      r -= weight(item);
      if (r < 0) return item;
    }
    return items[items.length - 1] as T;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  hex(length: number): string {
    if (length === 32) return this.hex32();
    if (length >= FLAT_HEX_FROM) return this.longHex(length);
    let out = '';
    while (out.length < length) {
      const t = this.u32();
      out += HEX2[t >>> 24]! + HEX2[(t >>> 16) & 255]! + HEX2[(t >>> 8) & 255]! + HEX2[t & 255]!;
    }
    return out.length === length ? out : out.slice(0, length);
  }

  /**
   * The same digits as the loop in hex() gives, written as one flat string:
   * `+=` past 12 characters makes a rope (one 32-byte cons cell per piece),
   * and serve keeps ids and Message-IDs for as long as it keeps a message.
   */
  private longHex(length: number): string {
    const bytes = Math.ceil(length / 2);
    if (HEX_SCRATCH.length < bytes + 3) HEX_SCRATCH = Buffer.alloc(bytes + 3);
    for (let i = 0; i < bytes; i += 4) HEX_SCRATCH.writeUInt32BE(this.u32(), i);
    const out = HEX_SCRATCH.toString('hex', 0, bytes);
    return out.length === length ? out : out.slice(0, length);
  }

  /**
   * longHex(32) (every message id) as one String.fromCharCode of the 32
   * digits: a flat string at less than half the cost of the Buffer's hex
   * slice (a native call and a Buffer method's checks per id).
   */
  private hex32(): string {
    const a = this.u32();
    const b = this.u32();
    const c = this.u32();
    const d = this.u32();
    // biome-ignore format: eight digits of one 32-bit draw a line
    return String.fromCharCode(
      digit(a, 28), digit(a, 24), digit(a, 20), digit(a, 16), digit(a, 12), digit(a, 8), digit(a, 4), digit(a, 0),
      digit(b, 28), digit(b, 24), digit(b, 20), digit(b, 16), digit(b, 12), digit(b, 8), digit(b, 4), digit(b, 0),
      digit(c, 28), digit(c, 24), digit(c, 20), digit(c, 16), digit(c, 12), digit(c, 8), digit(c, 4), digit(c, 0),
      digit(d, 28), digit(d, 24), digit(d, 20), digit(d, 16), digit(d, 12), digit(d, 8), digit(d, 4), digit(d, 0),
    );
  }

  alnum(length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += ALNUM[this.u32() % ALNUM.length];
    return out;
  }
}

export function createRng(seed: number): Rng {
  return new Sfc32(seed);
}

/**
 * Items with fixed weights, summed once: `pick` is one draw and a short
 * scan, where `Rng.weighted` calls the weight function twice per item per
 * draw. Same distribution as `weighted` with the same weights.
 */
export class WeightedTable<T> {
  private readonly items: readonly T[];
  private readonly cumulative: Float64Array;
  private readonly total: number;

  constructor(entries: Iterable<readonly [T, number]>) {
    const items: T[] = [];
    const cumulative: number[] = [];
    let total = 0;
    for (const [item, weight] of entries) {
      total += weight;
      items.push(item);
      cumulative.push(total);
    }
    if (items.length === 0) throw new Error('a weighted table needs at least one item');
    this.items = items;
    this.cumulative = Float64Array.from(cumulative);
    this.total = total;
  }

  static of<T>(items: readonly T[], weight: (item: T) => number): WeightedTable<T> {
    return new WeightedTable(items.map((item) => [item, weight(item)] as const));
  }

  pick(rng: Rng): T {
    const r = rng.next() * this.total;
    const cumulative = this.cumulative;
    for (let i = 0; i < cumulative.length; i++) if (r < cumulative[i]!) return this.items[i]!;
    return this.items[this.items.length - 1]!;
  }
}

/**
 * `bytes` random bytes in base64: the same as
 * `Buffer.from(rng.hex(bytes * 2), 'hex').toString('base64')`, without the
 * hex string in between.
 */
export function randomBase64(rng: Rng, bytes: number): string {
  const buf = Buffer.allocUnsafe(Math.ceil(bytes / 4) * 4);
  // int(0, 2^32 - 1) is exactly the next 32-bit output, as hex() uses it.
  for (let i = 0; i < bytes; i += 4) buf.writeUInt32BE(rng.int(0, 0xffffffff), i);
  return buf.toString('base64', 0, bytes);
}

/**
 * A DKIM signature's `b=` value: RSA-2048 signs 256 bytes (344 base64
 * characters), more than a header line holds. Signers fold it (RFC 6376
 * ignores white space in it): spaces every 76 characters, after 74 for the
 * first piece that follows `b=`, so foldHeader breaks there within 78 columns.
 */
export function dkimSignatureValue(rng: Rng, bytes = 256): string {
  const b64 = randomBase64(rng, bytes);
  let out = b64.slice(0, 74);
  for (let i = 74; i < b64.length; i += 76) out += ` ${b64.slice(i, i + 76)}`;
  return out;
}
