import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { UsageError } from '../../src/model/errors.js';
import { MemoryStore } from '../../src/serve/store/memory.js';
import { SqliteStore } from '../../src/serve/store/sqlite.js';
import type { MessageFilter, ServeStore } from '../../src/serve/store/store.js';
import type { StoredMessage, TimelineEvent } from '../../src/serve/types.js';
import { sqliteUnavailable } from '../helpers/sqlite.js';

const message = (n: number, tags = ['t']): StoredMessage => ({
  id: n.toString(16).padStart(32, '0'),
  recipient: n % 2 ? 'odd@x.example' : 'even@x.example',
  envelope: '',
  mime: 'From: a@b.c\r\n\r\nx',
  options: {
    trackclicks: true,
    trackopens: true,
    trackbounces: true,
    preventscam: false,
    inlinecss: false,
    tags,
  },
  acceptedAt: 1_700_000_000_000 + n,
  fate: 'delivered',
  links: [],
  via: 'rest',
  submitted: { envelope: '', mime: 'From: a@b.c\r\n\r\nx' },
});
const event = (m: StoredMessage, n: number): TimelineEvent => ({
  key: `${m.id}/${n}`,
  messageId: m.id,
  kind: 'delivery',
  dueAt: m.acceptedAt + 1000,
  call: {
    event: {
      id: m.id,
      type: 'delivery',
      timestamp: '',
      time: 0,
      recipient: m.recipient,
      code: '250',
      description: 'ok',
      tags: [],
    },
    scenario: 'delivered',
    style: 'postfix',
  },
  state: 'scheduled',
  attempts: [],
});

function behaves(name: string, make: () => ServeStore, skip: string | false = false): void {
  test(`${name}: messages with their timelines, filters, pending calls`, { skip }, () => {
    const store = make();
    for (let n = 1; n <= 5; n++) {
      const m = message(n, n === 3 ? ['special'] : ['t']);
      store.add([m], [event(m, 0)]);
    }
    assert.equal(store.count(), 5);
    assert.deepEqual(
      store.messages({ limit: 2 }).map((m) => m.acceptedAt % 10),
      [5, 4],
    );
    assert.deepEqual(
      store.messages({ recipient: 'ODD@x.example', limit: 10 }).map((m) => m.acceptedAt % 10),
      [5, 3, 1],
    );
    assert.deepEqual(
      store.messages({ tags: ['special'], limit: 10 }).map((m) => m.acceptedAt % 10),
      [3],
    );
    const e = store.events(message(2).id)[0]!;
    e.state = 'delivered';
    store.updateEvent(e);
    assert.equal(store.pending().length, 4);
    assert.equal(store.events(message(2).id)[0]!.state, 'delivered');
    store.close();
  });

  test(`${name}: templates under ids 1, 2, ... found by id or by name`, { skip }, () => {
    const store = make();
    const content = { from: 'a@shop.example', text: 'Dear {$name}' };
    assert.equal(store.addTemplate({ name: 'welcome', content, createdAt: 1 }).id, 1);
    assert.equal(store.addTemplate({ content: { ...content, subject: 'x' }, createdAt: 2 }).id, 2);
    assert.deepEqual(store.template('welcome'), { id: 1, name: 'welcome', content, createdAt: 1 });
    assert.equal(store.template('2')?.content['subject'], 'x');
    assert.equal(store.template('3'), undefined);
    assert.equal(store.template('0'), undefined);
    assert.equal(store.template('nope'), undefined);
    assert.deepEqual(
      store.templates().map((t) => t.id),
      [1, 2],
    );
    const replaced = { name: 'welcome', content: { ...content, text: 'Hello {$name}' }, createdAt: 1 };
    assert.deepEqual(store.replaceTemplate(1, replaced), { id: 1, ...replaced });
    assert.equal(store.template('welcome')?.content['text'], 'Hello {$name}');
    assert.equal(store.replaceTemplate(9, replaced), undefined);
    assert.equal(store.deleteTemplate(2), true);
    assert.equal(store.deleteTemplate(2), false);
    assert.equal(store.template('2'), undefined);
    assert.equal(store.addTemplate({ content, createdAt: 3 }).id, 3, 'a deleted id is not given again');
    store.close();
  });

  test(`${name}: messages made from a template, by template id`, { skip }, () => {
    const store = make();
    for (let n = 1; n <= 4; n++) {
      const m = message(n);
      if (n % 2 === 0) m.options.templateid = 7;
      store.add([m], []);
    }
    assert.deepEqual(
      store.messages({ templateid: 7, limit: 10 }).map((m) => m.acceptedAt % 10),
      [4, 2],
    );
    assert.deepEqual(store.messages({ templateid: 8, limit: 10 }), []);
    store.close();
  });
}

describe('stores', () => {
  behaves('memory', () => new MemoryStore(100));
  const noSqlite = sqliteUnavailable();
  behaves('sqlite', () => new SqliteStore(mkdtempSync(join(tmpdir(), 'serve-store-')), 100), noSqlite);

  test('memory: the oldest messages are evicted past --keep, and counted', () => {
    const store = new MemoryStore(3);
    for (let n = 1; n <= 5; n++) store.add([message(n)], [event(message(n), 0)]);
    assert.equal(store.count(), 5);
    assert.equal(store.evicted(), 2);
    assert.equal(store.message(message(1).id), undefined);
    assert.equal(store.pending().length, 3);
  });

  test('memory: past many evictions (the id list compacted) the newest are kept, listed newest first', () => {
    const store = new MemoryStore(3);
    for (let n = 1; n <= 10_000; n++) store.add([message(n)], [event(message(n), 0)]);
    assert.equal(store.evicted(), 9_997);
    assert.deepEqual(
      store.messages({ limit: 10 }).map((m) => m.id),
      [10_000, 9_999, 9_998].map((n) => message(n).id),
    );
    assert.equal(store.message(message(9_997).id), undefined);
    assert.equal(store.pending().length, 3);
  });

  test('memory: a settled message reads back as it was stored (Buffers, shared drafts, attempts), and a later event unpacks it', () => {
    const store = new MemoryStore(100);
    const draft = {
      fields: { from: 'a@shop.example', text: 'hi' },
      messageId: '<x@y>',
      date: 1,
      boundary: 'b',
    };
    const m: StoredMessage = { ...message(1), mime: undefined, draft, submitted: { envelope: '', draft } };
    delete m.mime;
    const bounce = event(m, 1);
    bounce.kind = 'bounce';
    bounce.call = {
      ...bounce.call,
      event: { ...bounce.call.event, type: 'bounce', mime: 'x', mimeBytes: Buffer.from([0xe9]) } as never,
    };
    store.add([m], [event(m, 0), bounce]);
    const [d, b] = store.events(m.id);
    for (const e of [d!, b!]) {
      e.state = 'delivered';
      e.attempts = [{ attempt: 1, at: 5, url: 'http://127.0.0.1/', latencyMs: 1.5, status: 204 }];
      store.updateEvent(e);
    }
    const back = store.message(m.id)!;
    assert.notEqual(back, m, 'settled: read back from its packed bytes');
    assert.deepEqual(back, m);
    assert.equal(back.draft, back.submitted.draft, 'the shared draft stays one object');
    const events = store.events(m.id);
    assert.deepEqual(events, [d, b]);
    assert.ok(Buffer.isBuffer((events[1]!.call.event as unknown as { mimeBytes: Buffer }).mimeBytes));
    const click = { ...event(m, 2), kind: 'click' as const };
    store.addEvent(click);
    assert.deepEqual(
      store.events(m.id).map((e) => e.state),
      ['delivered', 'delivered', 'scheduled'],
    );
    assert.equal(store.events(m.id)[2], click, 'pending again: the live objects the dispatcher updates');
    assert.deepEqual(store.pending(), [click]);
  });

  test('memory: packed bytes of evicted messages are written over, not added to (10^4 sends at --keep 100)', () => {
    const store = new MemoryStore(100);
    const ringBytes = () => (store as unknown as { ring: { bytes: number } }).ring.bytes;
    let afterFirst = 0;
    for (let n = 1; n <= 10_000; n++) {
      const m = message(n);
      const e = { ...event(m, 0), state: 'delivered' as const };
      store.add([m], [e]);
      if (n === 2_000) afterFirst = ringBytes();
    }
    assert.equal(ringBytes(), afterFirst, 'the same chunks, reused');
    assert.ok(afterFirst <= 3 * 2 ** 20, `${afterFirst} bytes for 100 small messages`);
    assert.equal(store.message(message(10_000).id)?.acceptedAt, message(10_000).acceptedAt);
    assert.equal(store.message(message(9_900).id), undefined);
    assert.deepEqual(store.events(message(9_950).id)[0]?.state, 'delivered');
  });

  test('memory: past index growth and many evictions, ids, recipients, tags and templates find the kept messages only', () => {
    const store = new MemoryStore(3_000);
    for (let n = 1; n <= 10_000; n++) {
      const m = message(n, n % 10 === 0 ? ['tenth'] : []);
      if (n % 7 === 0) m.options.templateid = 7;
      store.add([m], [{ ...event(m, 0), state: 'delivered' }]);
    }
    assert.equal(store.evicted(), 7_000);
    for (const n of [7_001, 8_500, 10_000])
      assert.equal(store.message(message(n).id)?.acceptedAt, message(n).acceptedAt);
    for (const n of [1, 5_000, 7_000]) assert.equal(store.message(message(n).id), undefined);
    const newest = (f: Omit<MessageFilter, 'limit'>) =>
      store.messages({ ...f, limit: 3 }).map((m) => m.acceptedAt - 1_700_000_000_000);
    assert.deepEqual(newest({ recipient: 'EVEN@x.example' }), [10_000, 9_998, 9_996]);
    assert.deepEqual(newest({ tags: ['tenth'] }), [10_000, 9_990, 9_980]);
    assert.deepEqual(newest({ templateid: 7 }), [9_996, 9_989, 9_982]);
    assert.equal(store.messages({ tags: ['tenth'], limit: 10_000 }).length, 300);
    assert.equal(store.messages({ limit: 10_000 }).at(-1)?.id, message(7_001).id, 'the oldest kept last');
  });

  test('memory: a batch larger than --keep keeps its newest; an event for an evicted message is not kept', () => {
    const store = new MemoryStore(2);
    const batch = [1, 2, 3, 4].map((n) => message(n));
    store.add(
      batch,
      batch.map((m) => event(m, 0)),
    );
    assert.deepEqual(
      store.messages({ limit: 10 }).map((m) => m.id),
      [message(4).id, message(3).id],
    );
    assert.deepEqual(
      store.pending().map((e) => e.messageId),
      [message(3).id, message(4).id],
    );
    store.addEvent(event(message(1), 1));
    assert.deepEqual(store.events(message(1).id), []);
    assert.equal(store.pending().length, 2);
  });

  test('sqlite: what was stored is there after reopening (the restart)', { skip: noSqlite }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'serve-store-'));
    const a = new SqliteStore(dir, 100);
    a.add([message(7)], [event(message(7), 0)]);
    a.close();
    const b = new SqliteStore(dir, 100);
    assert.equal(b.count(), 1);
    assert.equal(b.message(message(7).id)?.recipient, 'odd@x.example');
    assert.equal(b.pending()[0]?.key, `${message(7).id}/0`);
    b.close();
    const c = new SqliteStore(dir, 100);
    c.addTemplate({ name: 'kept', content: { from: 'a@shop.example', text: 't' }, createdAt: 3 });
    c.close();
    const d = new SqliteStore(dir, 100);
    assert.equal(d.template('kept')?.id, 1);
    d.close();
  });

  // Two serves on one data dir would both resume the same pending calls: the second is refused
  // while the first holds the store, and the store opens again once the first has closed it.
  test('sqlite: a data dir another store holds, or a file, is refused with a usage error', {
    skip: noSqlite,
  }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'serve-store-'));
    const first = new SqliteStore(dir, 100);
    first.add([message(7)], [event(message(7), 0)]);
    assert.throws(
      () => new SqliteStore(dir, 100),
      (err: Error) =>
        err instanceof UsageError && /^--data-dir .*: in use by another serve/.test(err.message),
    );
    assert.equal(first.count(), 1, 'the first store is untouched');
    first.close();
    const again = new SqliteStore(dir, 100);
    assert.equal(again.pending().length, 1);
    again.close();
    assert.throws(
      () => new SqliteStore(join(dir, 'serve.sqlite'), 100),
      (err: Error) => err instanceof UsageError && /: is a file, not a folder$/.test(err.message),
    );
  });
});
