import { fnv1a, mix32 } from '../../random/rng.js';
import type { SendOptions } from '../types.js';
import type { PackedSlot } from './packed-ring.js';
import type { MessageFilter } from './store.js';

/** Slots to start with; doubled as messages come, up to `keep`. */
const FIRST_CAPACITY = 1024;
/** A slot not packed (its message is live, or none is there). */
const NOT_PACKED = -1;

/** A filter's parts as the index's columns hold them: what may pass, before a message is read to be sure. */
export interface FilterHashes {
  recipient: number | undefined;
  tagBits: number;
  templateid: number | undefined;
}

/** One bit of 32 per tag: a message whose bits share none with a filter's has none of its tags. */
const tagBits = (tags: readonly string[]): number => {
  let bits = 0;
  for (const t of tags) bits |= 1 << (fnv1a(t) & 31);
  return bits;
};

export const filterHashes = (filter: MessageFilter): FilterHashes => ({
  recipient: filter.recipient === undefined ? undefined : fnv1a(filter.recipient.toLowerCase()),
  tagBits: filter.tags?.length ? tagBits(filter.tags) : 0,
  templateid: filter.templateid,
});

/**
 * What the memory store knows of each kept message without reading it, in
 * typed arrays (outside V8's heap, no object per message): where its packed
 * bytes are, hashes of its id, recipient and tags, its template, and an
 * open-addressing table from id hash to slot. The message numbered `seq`
 * (0, 1, ... in the order stored) is in slot `seq % capacity`; the capacity
 * doubles up to `keep` before the first eviction, so a slot is reused only
 * once its message is evicted. As objects and a Map, each kept message was
 * ~260 bytes in V8's old generation, and evicting them made garbage there at
 * the rate of sends: the old generation grew ~35 MB past the first eviction.
 * Hashes are not proof: the store checks a message it finds by reading it.
 */
export class KeptIndex {
  private capacity = 0;
  private chunk = new Int32Array(0);
  private offset = new Int32Array(0);
  private length = new Int32Array(0);
  private idHash = new Uint32Array(0);
  private recipientHash = new Uint32Array(0);
  private tags = new Int32Array(0);
  private template = new Float64Array(0);
  /** slot + 1 at each id hash's place (linear probing; 0: empty), at most half full. */
  private table = new Int32Array(0);

  constructor(private readonly keep: number) {}

  /** The slot of message number `seq`. */
  slotOf(seq: number): number {
    return seq % this.capacity;
  }

  /** Message number `seq` in (`seq` below `keep` or its slot's message evicted): its slot. */
  put(seq: number, id: string, recipient: string, options: Pick<SendOptions, 'tags' | 'templateid'>): number {
    if (seq >= this.capacity && this.capacity < this.keep) this.grow(seq);
    const slot = this.slotOf(seq);
    this.chunk[slot] = NOT_PACKED;
    this.idHash[slot] = fnv1a(id);
    this.recipientHash[slot] = fnv1a(recipient.toLowerCase());
    this.tags[slot] = tagBits(options.tags);
    this.template[slot] = options.templateid ?? Number.NaN;
    this.insert(slot);
    return slot;
  }

  /** The first slot whose id hash is `id`'s and which `is` confirms, or -1. */
  find(id: string, is: (slot: number) => boolean): number {
    if (this.capacity === 0) return -1;
    const h = fnv1a(id);
    const mask = this.table.length - 1;
    for (let i = mix32(h) & mask; this.table[i] !== 0; i = (i + 1) & mask) {
      const slot = this.table[i]! - 1;
      if (this.idHash[slot] === h && is(slot)) return slot;
    }
    return -1;
  }

  /** Could the message in `slot` pass the filter? False only when it cannot. */
  mayPass(slot: number, f: FilterHashes): boolean {
    if (f.recipient !== undefined && this.recipientHash[slot] !== f.recipient) return false;
    if (f.tagBits !== 0 && (this.tags[slot]! & f.tagBits) === 0) return false;
    return f.templateid === undefined || this.template[slot] === f.templateid;
  }

  packed(slot: number): PackedSlot | undefined {
    const chunk = this.chunk[slot]!;
    return chunk === NOT_PACKED
      ? undefined
      : { chunk, offset: this.offset[slot]!, length: this.length[slot]! };
  }

  setPacked(slot: number, packed: PackedSlot | undefined): void {
    this.chunk[slot] = packed?.chunk ?? NOT_PACKED;
    this.offset[slot] = packed?.offset ?? 0;
    this.length[slot] = packed?.length ?? 0;
  }

  /** The message in `slot` is evicted: its id no longer finds it. */
  remove(slot: number): void {
    const mask = this.table.length - 1;
    let i = mix32(this.idHash[slot]!) & mask;
    while (this.table[i] !== slot + 1) i = (i + 1) & mask;
    // Backward-shift deletion: move up each later entry the hole now stands between it and its place.
    for (let j = (i + 1) & mask; this.table[j] !== 0; j = (j + 1) & mask) {
      const home = mix32(this.idHash[this.table[j]! - 1]!) & mask;
      if (((j - home) & mask) >= ((j - i) & mask)) {
        this.table[i] = this.table[j]!;
        i = j;
      }
    }
    this.table[i] = 0;
    this.chunk[slot] = NOT_PACKED;
  }

  private insert(slot: number): void {
    const mask = this.table.length - 1;
    let i = mix32(this.idHash[slot]!) & mask;
    while (this.table[i] !== 0) i = (i + 1) & mask;
    this.table[i] = slot + 1;
  }

  /** Room for message `seq` (below `keep`: nothing evicted yet, so slots 0..seq-1 are all in use). */
  private grow(seq: number): void {
    this.capacity = Math.min(this.keep, Math.max(FIRST_CAPACITY, this.capacity * 2, seq + 1));
    const wider = <T extends Int32Array | Uint32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(this.capacity);
      b.set(a);
      return b;
    };
    this.chunk = wider(this.chunk, (n) => new Int32Array(n));
    this.offset = wider(this.offset, (n) => new Int32Array(n));
    this.length = wider(this.length, (n) => new Int32Array(n));
    this.idHash = wider(this.idHash, (n) => new Uint32Array(n));
    this.recipientHash = wider(this.recipientHash, (n) => new Uint32Array(n));
    this.tags = wider(this.tags, (n) => new Int32Array(n));
    this.template = wider(this.template, (n) => new Float64Array(n));
    let size = 2;
    while (size < this.capacity * 2) size *= 2;
    this.table = new Int32Array(size);
    for (let slot = 0; slot < seq; slot++) this.insert(slot);
  }
}
