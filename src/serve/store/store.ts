import type { SendOptions, StoredMessage, StoredTemplate, TimelineEvent } from '../types.js';

/** An event's place in its message's timeline: the number after the key's last `/`. */
export const eventNumber = (e: TimelineEvent): number => Number(e.key.slice(e.key.lastIndexOf('/') + 1));

/** Which messages a listing wants: any mix of recipient, tags (any of them) and template. */
export interface MessageFilter {
  recipient?: string;
  tags?: readonly string[];
  templateid?: number;
  limit: number;
}

/** Do a message's options pass the filter's tag and template parts (the recipient part is the store's index)? */
export function passes(options: Pick<SendOptions, 'tags' | 'templateid'>, filter: MessageFilter): boolean {
  if (filter.tags?.length && !filter.tags.some((t) => options.tags.includes(t))) return false;
  return filter.templateid === undefined || options.templateid === filter.templateid;
}

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
  messages(filter: MessageFilter): StoredMessage[];
  events(messageId: string): TimelineEvent[];
  /** Calls not yet delivered or given up: what a restart resumes. */
  pending(): TimelineEvent[];
  /** A new template under the next id (1, 2, ...). */
  addTemplate(template: Omit<StoredTemplate, 'id'>): StoredTemplate;
  /** By id ("12") or by name; templates are never evicted, only deleted. */
  template(ref: string): StoredTemplate | undefined;
  /** PUT /v1/template/ID: the same id, new content (and name). Undefined: no such template. */
  replaceTemplate(id: number, template: Omit<StoredTemplate, 'id'>): StoredTemplate | undefined;
  /** DELETE /v1/template/ID: gone; its id is never given again. False: no such template. */
  deleteTemplate(id: number): boolean;
  /** Oldest first. */
  templates(): StoredTemplate[];
  /** Messages stored so far (the next message's sequence number). */
  count(): number;
  /** Messages no longer kept (evicted by the keep limit). */
  evicted(): number;
  close(): void;
}
