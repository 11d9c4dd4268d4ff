import { deserialize, serialize } from 'node:v8';
import type { StoredMessage, StoredTemplate, TimelineEvent } from '../types.js';
import { filterHashes, KeptIndex } from './kept-index.js';
import { PackedRing } from './packed-ring.js';
import { type MessageFilter, passes, type ServeStore } from './store.js';

/** A message with its timeline, as objects: the dispatcher updates its events in place. */
interface Live {
  message: StoredMessage;
  events: TimelineEvent[];
}

/**
 * In memory, the newest `keep` messages: older ones (and their events) are
 * evicted so memory stays flat however long serve runs. A message whose
 * calls are still pending is evicted too; the dispatcher holds those calls.
 *
 * While a call of a message is pending it is live (objects: the dispatcher
 * holds its events); once every call is settled it is packed: the message
 * and its timeline serialised (node:v8, which keeps Buffers, undefined and
 * shared references) into the store's PackedRing, and what the store keeps
 * of it is a slot in KeptIndex's typed arrays. Nothing per settled message
 * stays on V8's heap, so evicting one makes no garbage there.
 */
export class MemoryStore implements ServeStore {
  private readonly index: KeptIndex;
  private readonly ring = new PackedRing();
  /** Live messages by slot: those with a call pending. */
  private readonly live = new Map<number, Live>();
  private readonly kept = new Map<number, StoredTemplate>();
  private lastTemplateId = 0;
  private total = 0;
  private dropped = 0;

  constructor(private readonly keep: number) {
    this.index = new KeptIndex(keep);
  }

  add(messages: readonly StoredMessage[], events: readonly TimelineEvent[]): void {
    const first = this.total;
    for (const message of messages) {
      if (this.total - this.dropped === this.keep) this.evictOldest();
      const slot = this.index.put(this.total++, message.id, message.recipient, message.options);
      this.live.set(slot, { message, events: [] });
    }
    for (const e of events) this.append(e);
    for (let seq = Math.max(first, this.dropped); seq < this.total; seq++)
      this.settle(this.index.slotOf(seq));
  }

  addEvent(event: TimelineEvent): void {
    const slot = this.append(event);
    if (slot >= 0) this.settle(slot);
  }

  updateEvent(event: TimelineEvent): void {
    if (isOpen(event)) return;
    const id = event.messageId;
    const slot = this.index.find(id, (s) => this.live.get(s)?.message.id === id);
    if (slot >= 0) this.settle(slot);
  }

  message(id: string): StoredMessage | undefined {
    return this.lookup(id)?.live.message;
  }

  messages(filter: MessageFilter): StoredMessage[] {
    const out: StoredMessage[] = [];
    const hashes = filterHashes(filter);
    const recipient = filter.recipient?.toLowerCase();
    for (let seq = this.total - 1; seq >= this.dropped && out.length < filter.limit; seq--) {
      const slot = this.index.slotOf(seq);
      if (!this.index.mayPass(slot, hashes)) continue;
      const { message } = this.liveOf(slot);
      if (recipient && message.recipient.toLowerCase() !== recipient) continue;
      if (passes(message.options, filter)) out.push(message);
    }
    return out;
  }

  events(messageId: string): TimelineEvent[] {
    return this.lookup(messageId)?.live.events ?? [];
  }

  pending(): TimelineEvent[] {
    const out: TimelineEvent[] = [];
    for (const { events } of this.live.values()) for (const e of events) if (isOpen(e)) out.push(e);
    return out;
  }

  /** The oldest message out: its slot is the next one's. */
  private evictOldest(): void {
    const slot = this.index.slotOf(this.dropped++);
    const packed = this.index.packed(slot);
    if (packed) this.ring.free(packed);
    this.live.delete(slot);
    this.index.remove(slot);
  }

  /** A kept message by id: its slot, and its objects (its own while live, a copy of the packed ones once settled). */
  private lookup(id: string): { slot: number; live: Live } | undefined {
    let found: Live | undefined;
    const slot = this.index.find(id, (s) => {
      const live = this.liveOf(s);
      if (live.message.id === id) found = live;
      return found !== undefined;
    });
    return found && { slot, live: found };
  }

  /** An event into its message's timeline (unpacked again, if it was settled); the message's slot, -1 if not kept. */
  private append(event: TimelineEvent): number {
    const at = this.lookup(event.messageId);
    if (!at) return -1;
    const packed = this.index.packed(at.slot);
    if (packed) {
      this.ring.free(packed);
      this.index.setPacked(at.slot, undefined);
      this.live.set(at.slot, at.live);
    }
    // A new array of the exact length (concat; push() and spread grow it to 17 slots).
    at.live.events = at.live.events.concat(event);
    return at.slot;
  }

  /** Packed once no call of the message is pending. */
  private settle(slot: number): void {
    const live = this.live.get(slot);
    if (!live || live.events.some(isOpen)) return;
    this.index.setPacked(slot, this.ring.write(serialize(live)));
    this.live.delete(slot);
  }

  /** The message and timeline as objects: its own while live, a fresh copy of the packed ones once settled. */
  private liveOf(slot: number): Live {
    return this.live.get(slot) ?? (deserialize(this.ring.read(this.index.packed(slot)!)) as Live);
  }

  addTemplate(template: Omit<StoredTemplate, 'id'>): StoredTemplate {
    const t = { id: ++this.lastTemplateId, ...template };
    this.kept.set(t.id, t);
    return t;
  }

  template(ref: string): StoredTemplate | undefined {
    if (/^\d+$/.test(ref)) return this.kept.get(Number(ref));
    for (const t of this.kept.values()) if (t.name === ref) return t;
    return undefined;
  }

  replaceTemplate(id: number, template: Omit<StoredTemplate, 'id'>): StoredTemplate | undefined {
    if (!this.kept.has(id)) return undefined;
    const t = { id, ...template };
    this.kept.set(id, t);
    return t;
  }

  deleteTemplate(id: number): boolean {
    return this.kept.delete(id);
  }

  templates(): StoredTemplate[] {
    return [...this.kept.values()];
  }

  count(): number {
    return this.total;
  }

  evicted(): number {
    return this.dropped;
  }

  close(): void {}
}

export const isOpen = (e: TimelineEvent): boolean => e.state === 'scheduled' || e.state === 'retrying';
