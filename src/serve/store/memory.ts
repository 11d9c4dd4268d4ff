import { deserialize, serialize } from 'node:v8';
import type { StoredMessage, StoredTemplate, TimelineEvent } from '../types.js';
import { PackedRing, type PackedSlot } from './packed-ring.js';
import { type MessageFilter, passes, type ServeStore } from './store.js';

/**
 * One kept message. The message itself is packed as it is stored (nothing
 * changes it after): serialised with node:v8 (which keeps Buffers,
 * undefined and shared references) into the store's PackedRing, outside
 * V8's heap. Its timeline stays objects while a call of it is pending (the
 * dispatcher updates them in place) and is packed too once every call is
 * settled. As objects a settled message was ~25 of them in V8's old
 * generation for as long as it is kept (10^5 by default), 2.2 KB; packed,
 * its objects die young and what stays on V8's heap is this record. The
 * recipient and filter options stay here, so listings filter without
 * unpacking.
 */
interface Kept {
  message: PackedSlot;
  events: TimelineEvent[] | PackedSlot;
  recipient: string;
  options: Pick<StoredMessage['options'], 'tags' | 'templateid'>;
}

/** The filter options of a message without tags or template (most of them): one shared object, not one each. */
const PLAIN: Kept['options'] = Object.freeze({ tags: Object.freeze([]) as unknown as string[] });

/**
 * In memory, the newest `keep` messages: older ones (and their events) are
 * evicted so memory stays flat however long serve runs. A message whose
 * calls are still pending is evicted too; the dispatcher holds those calls.
 */
export class MemoryStore implements ServeStore {
  private readonly byId = new Map<string, Kept>();
  private readonly ring = new PackedRing();
  /**
   * Kept ids, oldest first from `head`: eviction and newest-first listing
   * read this, not the Map's order (a Map's first entry sits behind every
   * entry deleted since its last rehash, so taking it walks up to `keep`
   * holes: that was a quarter of serve's time per send past 10^5 messages).
   */
  private order: string[] = [];
  private head = 0;
  private readonly open = new Set<TimelineEvent>();
  private readonly kept = new Map<number, StoredTemplate>();
  private lastTemplateId = 0;
  private total = 0;
  private dropped = 0;

  constructor(private readonly keep: number) {}

  add(messages: readonly StoredMessage[], events: readonly TimelineEvent[]): void {
    for (const message of messages) {
      const { tags, templateid } = message.options;
      this.byId.set(message.id, {
        message: this.ring.write(serialize(message)),
        events: [],
        recipient: message.recipient,
        options: tags.length || templateid !== undefined ? { tags, templateid } : PLAIN,
      });
      this.order.push(message.id);
    }
    for (const e of events) this.append(e);
    for (const message of messages) this.settle(this.byId.get(message.id)!);
    this.total += messages.length;
    while (this.byId.size > this.keep) {
      const id = this.order[this.head++]!;
      const gone = this.byId.get(id)!;
      if (Array.isArray(gone.events)) for (const e of gone.events) this.open.delete(e);
      else this.ring.free(gone.events);
      this.ring.free(gone.message);
      this.byId.delete(id);
      this.dropped++;
    }
    if (this.head > 4096 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
  }

  addEvent(event: TimelineEvent): void {
    this.append(event);
    const kept = this.byId.get(event.messageId);
    if (kept) this.settle(kept);
  }

  updateEvent(event: TimelineEvent): void {
    if (isOpen(event)) return;
    this.open.delete(event);
    const kept = this.byId.get(event.messageId);
    if (kept) this.settle(kept);
  }

  message(id: string): StoredMessage | undefined {
    const kept = this.byId.get(id);
    return kept && (this.unpack(kept.message) as StoredMessage);
  }

  messages(filter: MessageFilter): StoredMessage[] {
    const out: StoredMessage[] = [];
    const recipient = filter.recipient?.toLowerCase();
    for (let i = this.order.length - 1; i >= this.head && out.length < filter.limit; i--) {
      const kept = this.byId.get(this.order[i]!)!;
      if (recipient && kept.recipient.toLowerCase() !== recipient) continue;
      if (!passes(kept.options, filter)) continue;
      out.push(this.unpack(kept.message) as StoredMessage);
    }
    return out;
  }

  events(messageId: string): TimelineEvent[] {
    const kept = this.byId.get(messageId);
    if (!kept) return [];
    return Array.isArray(kept.events) ? kept.events : (this.unpack(kept.events) as TimelineEvent[]);
  }

  pending(): TimelineEvent[] {
    return [...this.open];
  }

  /** An event into its message's timeline (unpacked again, if it was settled). */
  private append(event: TimelineEvent): void {
    const kept = this.byId.get(event.messageId);
    if (kept) {
      const events = Array.isArray(kept.events) ? kept.events : (this.unpack(kept.events) as TimelineEvent[]);
      if (!Array.isArray(kept.events)) this.ring.free(kept.events);
      // A new array of the exact length (concat; push() and spread grow it to 17 slots).
      kept.events = events.concat(event);
    }
    if (isOpen(event)) this.open.add(event);
  }

  /** The timeline packed once no call of it is pending. */
  private settle(kept: Kept): void {
    if (Array.isArray(kept.events) && !kept.events.some(isOpen))
      kept.events = this.ring.write(serialize(kept.events));
  }

  /** A fresh copy of what was packed. */
  private unpack(slot: PackedSlot): unknown {
    return deserialize(this.ring.read(slot));
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
