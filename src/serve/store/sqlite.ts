import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { UsageError } from '../../model/errors.js';
import type { StoredMessage, StoredTemplate, TimelineEvent } from '../types.js';
import { eventNumber, type MessageFilter, passes, type ServeStore } from './store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS messages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  recipient TEXT NOT NULL COLLATE NOCASE,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_recipient ON messages(recipient);
CREATE TABLE IF NOT EXISTS events (
  key TEXT PRIMARY KEY,
  message_id TEXT NOT NULL,
  n INTEGER NOT NULL,
  open INTEGER NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_message ON events(message_id, n);
CREATE INDEX IF NOT EXISTS events_open ON events(open) WHERE open = 1;
CREATE TABLE IF NOT EXISTS templates (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS templates_name ON templates(name);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
`;

const isOpen = (e: TimelineEvent): number => (e.state === 'scheduled' || e.state === 'retrying' ? 1 : 0);

/**
 * SQLite (better-sqlite3) in `dir/serve.sqlite`, WAL journal: a message and
 * its timeline are one transaction, committed before the client hears
 * "accepted", so a crash (kill -9) loses nothing acknowledged; pending
 * calls are read back at the next start.
 */
export class SqliteStore implements ServeStore {
  private readonly db: Database.Database;
  private readonly insertMessage: Database.Statement;
  private readonly insertEvent: Database.Statement;
  private readonly updateStmt: Database.Statement;
  private readonly addAll: (messages: readonly StoredMessage[], events: readonly TimelineEvent[]) => void;
  private readonly keep: number;

  constructor(dir: string, keep: number) {
    try {
      mkdirSync(dir, { recursive: true });
      // No waiting for a lock: the only other holder is another serve, which keeps it.
      this.db = new Database(join(dir, 'serve.sqlite'), { timeout: 0 });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new UsageError(
        code === 'ERR_DLOPEN_FAILED'
          ? `--data-dir ${dir}: better-sqlite3 was built for another Node.js version than ${process.version}; run npm rebuild better-sqlite3`
          : code === 'EEXIST' || code === 'ENOTDIR'
            ? `--data-dir ${dir}: is a file, not a folder`
            : `--data-dir ${dir}: cannot open the store (${code ?? (err as Error).message})`,
      );
    }
    this.keep = keep;
    try {
      // One serve per data dir: two would both resume the same pending calls and make each twice.
      // Exclusive locking mode holds the file lock from the first access until the store closes
      // (or the process dies, kill -9 included), so a second serve is refused at once.
      this.db.pragma('locking_mode = EXCLUSIVE');
      this.db.pragma('journal_mode = WAL');
      this.db.exec(SCHEMA);
    } catch (err) {
      this.db.close();
      throw new UsageError(
        (err as { code?: string }).code === 'SQLITE_BUSY'
          ? `--data-dir ${dir}: in use by another serve (its store ${join(dir, 'serve.sqlite')} is locked)`
          : `--data-dir ${dir}: cannot open the store (${(err as Error).message})`,
      );
    }
    this.insertMessage = this.db.prepare('INSERT INTO messages (id, recipient, body) VALUES (?, ?, ?)');
    this.insertEvent = this.db.prepare(
      'INSERT OR REPLACE INTO events (key, message_id, n, open, body) VALUES (?, ?, ?, ?, ?)',
    );
    this.updateStmt = this.db.prepare('UPDATE events SET open = ?, body = ? WHERE key = ?');
    this.addAll = this.db.transaction(
      (messages: readonly StoredMessage[], events: readonly TimelineEvent[]) => {
        for (const m of messages) this.insertMessage.run(m.id, m.recipient, JSON.stringify(m));
        for (const e of events) this.writeEvent(e);
        this.db
          .prepare(
            "INSERT INTO meta (name, value) VALUES ('total', ?) ON CONFLICT(name) DO UPDATE SET value = value + excluded.value",
          )
          .run(messages.length);
      },
    );
  }

  private writeEvent(e: TimelineEvent): void {
    this.insertEvent.run(e.key, e.messageId, eventNumber(e), isOpen(e), JSON.stringify(e));
  }

  add(messages: readonly StoredMessage[], events: readonly TimelineEvent[]): void {
    this.addAll(messages, events);
  }

  addEvent(event: TimelineEvent): void {
    this.writeEvent(event);
  }

  updateEvent(event: TimelineEvent): void {
    this.updateStmt.run(isOpen(event), JSON.stringify(event), event.key);
  }

  message(id: string): StoredMessage | undefined {
    const row = this.db.prepare('SELECT body FROM messages WHERE id = ?').get(id) as
      | { body: string }
      | undefined;
    return row ? (JSON.parse(row.body) as StoredMessage) : undefined;
  }

  messages(filter: MessageFilter): StoredMessage[] {
    const rows = (
      filter.recipient
        ? this.db
            .prepare('SELECT body FROM messages WHERE recipient = ? ORDER BY seq DESC LIMIT ?')
            .all(filter.recipient, this.scanLimit(filter))
        : this.db.prepare('SELECT body FROM messages ORDER BY seq DESC LIMIT ?').all(this.scanLimit(filter))
    ) as { body: string }[];
    return rows
      .map((r) => JSON.parse(r.body) as StoredMessage)
      .filter((m) => passes(m.options, filter))
      .slice(0, filter.limit);
  }

  /** Tag and template filters read further back than the limit (both are inside the JSON). */
  private scanLimit(filter: MessageFilter): number {
    return filter.tags?.length || filter.templateid !== undefined
      ? Math.max(filter.limit, this.keep)
      : filter.limit;
  }

  events(messageId: string): TimelineEvent[] {
    return (
      this.db.prepare('SELECT body FROM events WHERE message_id = ? ORDER BY n').all(messageId) as {
        body: string;
      }[]
    ).map((r) => JSON.parse(r.body) as TimelineEvent);
  }

  pending(): TimelineEvent[] {
    return (this.db.prepare('SELECT body FROM events WHERE open = 1').all() as { body: string }[]).map(
      (r) => JSON.parse(r.body) as TimelineEvent,
    );
  }

  addTemplate(template: Omit<StoredTemplate, 'id'>): StoredTemplate {
    const { lastInsertRowid } = this.db
      .prepare('INSERT INTO templates (name, body) VALUES (?, ?)')
      .run(template.name ?? null, JSON.stringify(template));
    return { id: Number(lastInsertRowid), ...template };
  }

  template(ref: string): StoredTemplate | undefined {
    const row = (
      /^\d+$/.test(ref)
        ? this.db.prepare('SELECT id, body FROM templates WHERE id = ?').get(Number(ref))
        : this.db.prepare('SELECT id, body FROM templates WHERE name = ? ORDER BY id LIMIT 1').get(ref)
    ) as { id: number; body: string } | undefined;
    return row ? { id: row.id, ...(JSON.parse(row.body) as Omit<StoredTemplate, 'id'>) } : undefined;
  }

  replaceTemplate(id: number, template: Omit<StoredTemplate, 'id'>): StoredTemplate | undefined {
    const { changes } = this.db
      .prepare('UPDATE templates SET name = ?, body = ? WHERE id = ?')
      .run(template.name ?? null, JSON.stringify(template), id);
    return changes === 1 ? { id, ...template } : undefined;
  }

  deleteTemplate(id: number): boolean {
    return this.db.prepare('DELETE FROM templates WHERE id = ?').run(id).changes === 1;
  }

  templates(): StoredTemplate[] {
    return (
      this.db.prepare('SELECT id, body FROM templates ORDER BY id').all() as { id: number; body: string }[]
    ).map((r) => ({ id: r.id, ...(JSON.parse(r.body) as Omit<StoredTemplate, 'id'>) }));
  }

  count(): number {
    return (
      (this.db.prepare("SELECT value FROM meta WHERE name = 'total'").get() as { value: number } | undefined)
        ?.value ?? 0
    );
  }

  evicted(): number {
    return 0;
  }

  close(): void {
    this.db.close();
  }
}
