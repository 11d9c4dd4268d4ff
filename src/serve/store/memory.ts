import type { StoredMessage, StoredTemplate, TimelineEvent } from '../types.js';
import { type MessageFilter, passes, type ServeStore } from './store.js';

/**
 * In memory, the newest `keep` messages: older ones (and their events) are
 * evicted so memory stays flat however long serve runs. A message whose
 * calls are still pending is evicted too; the dispatcher holds those calls.
 */
export class MemoryStore implements ServeStore {
  private readonly byId = new Map<string, { message: StoredMessage; events: TimelineEvent[] }>();
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
      this.byId.set(message.id, { message, events: [] });
      this.order.push(message.id);
    }
    for (const e of events) this.addEvent(e);
    this.total += messages.length;
    while (this.byId.size > this.keep) {
      const id = this.order[this.head++]!;
      for (const e of this.byId.get(id)?.events ?? []) this.open.delete(e);
      this.byId.delete(id);
      this.dropped++;
    }
    if (this.head > 4096 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
  }

  addEvent(event: TimelineEvent): void {
    this.byId.get(event.messageId)?.events.push(event);
    if (isOpen(event)) this.open.add(event);
  }

  updateEvent(event: TimelineEvent): void {
    if (!isOpen(event)) this.open.delete(event);
  }

  message(id: string): StoredMessage | undefined {
    return this.byId.get(id)?.message;
  }

  messages(filter: MessageFilter): StoredMessage[] {
    const out: StoredMessage[] = [];
    for (let i = this.order.length - 1; i >= this.head && out.length < filter.limit; i--) {
      const m = this.byId.get(this.order[i]!)!.message;
      if (filter.recipient && m.recipient.toLowerCase() !== filter.recipient.toLowerCase()) continue;
      if (!passes(m, filter)) continue;
      out.push(m);
    }
    return out;
  }

  events(messageId: string): TimelineEvent[] {
    return this.byId.get(messageId)?.events ?? [];
  }

  pending(): TimelineEvent[] {
    return [...this.open];
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
