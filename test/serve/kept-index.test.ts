import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { filterHashes, KeptIndex } from '../../src/serve/store/kept-index.js';

const id = (n: number) => n.toString(16).padStart(32, '0');
const plain = { tags: [] as string[] };

describe('KeptIndex', () => {
  test('past 10^4 evictions at keep 7 (a table of 16 places: probes run into each other) every kept id is found in its slot, no evicted one', () => {
    const keep = 7;
    const index = new KeptIndex(keep);
    const inSlot: string[] = [];
    const find = (x: string) => index.find(x, (slot) => inSlot[slot] === x);
    for (let seq = 0; seq < 10_000; seq++) {
      if (seq >= keep) {
        const slot = index.slotOf(seq - keep);
        index.remove(slot);
        assert.equal(find(id(seq - keep)), -1, `evicted ${seq - keep}`);
      }
      const slot = index.put(seq, id(seq), 'a@x.example', plain);
      assert.equal(slot, seq % keep);
      inSlot[slot] = id(seq);
      for (let back = 0; back < Math.min(keep, seq + 1); back++)
        assert.equal(find(id(seq - back)), (seq - back) % keep, `kept ${seq - back} at ${seq}`);
    }
    assert.equal(find('not-an-id'), -1);
  });

  test('grows from 1,024 slots up to keep, finding what it had', () => {
    const index = new KeptIndex(5_000);
    for (let seq = 0; seq < 5_000; seq++) assert.equal(index.put(seq, id(seq), 'a@x.example', plain), seq);
    for (let seq = 0; seq < 5_000; seq++)
      assert.equal(
        index.find(id(seq), (slot) => slot === seq),
        seq,
      );
    index.remove(0);
    assert.equal(index.put(5_000, id(5_000), 'a@x.example', plain), 0, 'at keep: the oldest slot again');
  });

  test('a filter rules out only messages that cannot pass: recipient (any case), any of the tags, template', () => {
    const index = new KeptIndex(10);
    index.put(0, id(0), 'Ann@X.example', { tags: ['news', 'fr'] });
    index.put(1, id(1), 'bob@x.example', { tags: [], templateid: 7 });
    const may = (f: Parameters<typeof filterHashes>[0]) =>
      [0, 1].filter((s) => index.mayPass(s, filterHashes(f)));
    assert.deepEqual(may({ limit: 1 }), [0, 1]);
    assert.deepEqual(may({ recipient: 'ann@x.EXAMPLE', limit: 1 }), [0]);
    assert.deepEqual(may({ recipient: 'carl@x.example', limit: 1 }), []);
    assert.deepEqual(may({ tags: ['other', 'fr'], limit: 1 }), [0]);
    assert.deepEqual(may({ templateid: 7, limit: 1 }), [1]);
    assert.deepEqual(may({ templateid: 8, limit: 1 }), []);
  });

  test('a packed slot reads back; cleared, and on eviction, it is not packed', () => {
    const index = new KeptIndex(2);
    index.put(0, id(0), 'a@x.example', plain);
    assert.equal(index.packed(0), undefined);
    index.setPacked(0, { chunk: 3, offset: 100, length: 50 });
    assert.deepEqual(index.packed(0), { chunk: 3, offset: 100, length: 50 });
    index.setPacked(0, undefined);
    assert.equal(index.packed(0), undefined);
    index.setPacked(0, { chunk: 0, offset: 0, length: 1 });
    index.remove(0);
    assert.equal(index.packed(0), undefined);
  });
});
