import { deserialize, serialize } from 'node:v8';
import type { StoredMessage, StoredTemplate, TimelineEvent } from '../types.js';
import { PackedRing, type PackedSlot } from './packed-ring.js';
import { type MessageFilter, passes, type ServeStore } from './store.js';

/** A message with its timeline, as objects: the dispatcher updates its events in place. */
interface Live {
  message: StoredMessage;
  events: TimelineEvent[];
}

/**
 * One kept message. While a call of it is pending it is `live` (the
 * dispatcher holds its events); once every call is settled it is `packed`:
 * the message and its timeline serialised (node:v8, which keeps Buffers,
 * undefined and shared references) into the store's PackedRing. A settled
 * message as objects is ~25 of them in V8's old generation for as long as
 * it is kept (10^5 by default), 2.2 KB; packed, its objects die young and
 * what stays on V8's heap is this record. The recipient and filter options
 * stay here, so listings filter without unpacking.
 */
interface Kept {
  live: Live | undefined;
  packed: PackedSlot | undefined;
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
        live: { message, events: [] },
        packed: undefined,
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
      for (const e of gone.live?.events ?? []) this.open.delete(e);
      if (gone.packed) this.ring.free(gone.packed);
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
    return kept && this.liveOf(kept).message;
  }

  messages(filter: MessageFilter): StoredMessage[] {
    const out: StoredMessage[] = [];
    const recipient = filter.recipient?.toLowerCase();
    for (let i = this.order.length - 1; i >= this.head && out.length < filter.limit; i--) {
      const kept = this.byId.get(this.order[i]!)!;
      if (recipient && kept.recipient.toLowerCase() !== recipient) continue;
      if (!passes(kept.options, filter)) continue;
      out.push(this.liveOf(kept).message);
    }
    return out;
  }

  events(messageId: string): TimelineEvent[] {
    const kept = this.byId.get(messageId);
    return kept ? this.liveOf(kept).events : [];
  }

  pending(): TimelineEvent[] {
    return [...this.open];
  }

  /** An event into its message's timeline (unpacked again, if it was settled). */
  private append(event: TimelineEvent): void {
    const kept = this.byId.get(event.messageId);
    if (kept) {
      if (kept.packed) {
        kept.live = this.unpack(kept.packed);
        this.ring.free(kept.packed);
        kept.packed = undefined;
      }
      // A new array of the exact length (concat; push() and spread grow it to 17 slots).
      const live = kept.live!;
      live.events = live.events.concat(event);
    }
    if (isOpen(event)) this.open.add(event);
  }

  /** Packed once no call of the message is pending. */
  private settle(kept: Kept): void {
    if (!kept.live || kept.live.events.some(isOpen)) return;
    kept.packed = this.ring.write(serialize(kept.live));
    kept.live = undefined;
  }

  private unpack(slot: PackedSlot): Live {
    return deserialize(this.ring.read(slot)) as Live;
  }

  /** The message and timeline as objects: its own while live, a fresh copy of the packed ones once settled. */
  private liveOf(kept: Kept): Live {
    return kept.live ?? this.unpack(kept.packed!);
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
