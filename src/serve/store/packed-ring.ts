/** Bytes per chunk: ~900 settled messages of a text send each. */
const CHUNK_BYTES = 1 << 20;
/**
 * Emptied chunks kept for reuse: at least 2, up to an eighth of those in use.
 * Evicting (at each send) runs ahead of packing (once a message's calls are
 * made) by the calls pending, so chunks empty in bursts: with 2 spares at
 * most, one 1 MiB chunk in five was dropped and allocated again at 10^5 kept
 * messages and ~4,000 calls pending, and the allocator's heap grew with them.
 */
const MIN_SPARES = 2;

/** Where a packed message's bytes are: a chunk and a range in it. */
export interface PackedSlot {
  chunk: number;
  offset: number;
  length: number;
}

/**
 * The bytes of settled messages, outside V8's heap, in 1 MiB chunks written
 * one after the other and reused once every message in them is gone (most
 * go oldest first, as the store evicts). Kept as objects, or as one string
 * each, 10^5 messages sit in V8's old generation, which grows to 1.5x what
 * survives plus its fragmentation as eviction churns them; here the same
 * chunks are written again, so the memory stays what `keep` messages need.
 */
export class PackedRing {
  private readonly chunks: (Buffer | undefined)[] = [];
  /** Messages whose bytes are in each chunk. */
  private readonly uses: number[] = [];
  private readonly freeIndexes: number[] = [];
  private readonly spares: Buffer[] = [];
  private current = -1;
  private used = CHUNK_BYTES;
  /** Chunks holding messages (or being written). */
  private inUse = 0;

  /** Copy `bytes` in; where they went. */
  write(bytes: Uint8Array): PackedSlot {
    if (bytes.length > CHUNK_BYTES) {
      // A big message (attachments, a long MIME): a chunk of its own, dropped when it goes.
      const chunk = this.place(Buffer.from(bytes));
      return { chunk, offset: 0, length: bytes.length };
    }
    if (this.used + bytes.length > CHUNK_BYTES) {
      const full = this.current;
      this.current = this.place(this.spares.pop() ?? Buffer.allocUnsafeSlow(CHUNK_BYTES));
      this.used = 0;
      if (full >= 0 && this.uses[full] === 0) this.release(full);
    }
    const chunk = this.chunks[this.current]!;
    chunk.set(bytes, this.used);
    this.uses[this.current]!++;
    const slot = { chunk: this.current, offset: this.used, length: bytes.length };
    this.used += bytes.length;
    return slot;
  }

  /** A copy of the bytes (what is read from them may keep views on them, and the chunk is written again later). */
  read(slot: PackedSlot): Buffer {
    return Buffer.from(this.chunks[slot.chunk]!.subarray(slot.offset, slot.offset + slot.length));
  }

  /** The message is gone (evicted, or live again): its chunk is reused once nothing in it is kept. */
  free(slot: PackedSlot): void {
    if (--this.uses[slot.chunk]! === 0 && slot.chunk !== this.current) this.release(slot.chunk);
  }

  /** Bytes held in chunks (in use, partly used or spare). */
  get bytes(): number {
    let n = 0;
    for (const c of this.chunks) n += c?.length ?? 0;
    for (const c of this.spares) n += c.length;
    return n;
  }

  private place(buffer: Buffer): number {
    const i = this.freeIndexes.pop() ?? this.chunks.length;
    this.chunks[i] = buffer;
    this.uses[i] = buffer.length > CHUNK_BYTES ? 1 : 0;
    this.inUse++;
    return i;
  }

  private release(i: number): void {
    const buffer = this.chunks[i]!;
    this.inUse--;
    if (buffer.length === CHUNK_BYTES && this.spares.length < Math.max(MIN_SPARES, this.inUse >> 3))
      this.spares.push(buffer);
    this.chunks[i] = undefined;
    this.freeIndexes.push(i);
  }
}
