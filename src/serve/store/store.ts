import type { StoredMessage, StoredTemplate, TimelineEvent } from '../types.js';

/**
 * Where serve keeps what it accepted and what it caused. Writes are
 * synchronous and a message is stored with its whole timeline in one step:
 * what the client was told was accepted is stored, nothing half.
 */
export interface ServeStore {
  /** Messages and their timelines, all or nothing. */
  add(messages: readonly StoredMessage[], events: readonly TimelineEvent[]): void;
  /** An event that happened later (a real click or open). */
  addEvent(event: TimelineEvent): void;
  /** An event's call state or attempts changed. */
  updateEvent(event: TimelineEvent): void;
  message(id: string): StoredMessage | undefined;
  /** Newest first. */
  messages(filter: { recipient?: string; tags?: readonly string[]; limit: number }): StoredMessage[];
  events(messageId: string): TimelineEvent[];
  /** Calls not yet delivered or given up: what a restart resumes. */
  pending(): TimelineEvent[];
  /** A new template under the next id (1, 2, ...). */
  addTemplate(template: Omit<StoredTemplate, 'id'>): StoredTemplate;
  /** By id ("12") or by name; templates are never evicted. */
  template(ref: string): StoredTemplate | undefined;
  /** Oldest first. */
  templates(): StoredTemplate[];
  /** Messages stored so far (the next message's sequence number). */
  count(): number;
  /** Messages no longer kept (evicted by the keep limit). */
  evicted(): number;
  close(): void;
}
