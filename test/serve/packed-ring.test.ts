import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PackedRing } from '../../src/serve/store/packed-ring.js';

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

describe('PackedRing', () => {
  test('bytes read back as written, as copies the ring does not share', () => {
    const ring = new PackedRing();
    const a = ring.write(bytes(10, 1));
    const b = ring.write(bytes(20, 2));
    assert.deepEqual([...ring.read(a)], [...bytes(10, 1)]);
    assert.deepEqual([...ring.read(b)], [...bytes(20, 2)]);
    const copy = ring.read(a);
    copy.fill(9);
    assert.deepEqual([...ring.read(a)], [...bytes(10, 1)]);
  });

  test('a chunk whose messages are all freed is written again; one still in use is not', () => {
    const ring = new PackedRing();
    const slots = Array.from({ length: 3000 }, (_, i) => ring.write(bytes(1000, i % 250)));
    const chunks = new Set(slots.map((s) => s.chunk)).size;
    assert.equal(chunks, 3, '1,048 messages of 1,000 bytes per 1 MiB chunk');
    // The oldest first, as the store evicts; one message of the second chunk stays.
    const stay = slots[1500]!;
    for (const s of slots) if (s !== stay) ring.free(s);
    const held = ring.bytes;
    for (let i = 0; i < 5000; i++) ring.free(ring.write(bytes(1000, 7)));
    assert.equal(ring.bytes, held, 'written over the freed chunks, nothing added');
    assert.deepEqual([...ring.read(stay)], [...bytes(1000, 1500 % 250)]);
  });

  test('chunks emptied in a burst (evictions ahead of packing) are kept for reuse, up to an eighth of those in use', () => {
    const ring = new PackedRing();
    const perChunk = 1048;
    const slots = Array.from({ length: 80 * perChunk }, () => ring.write(bytes(1000, 1)));
    const held = ring.bytes;
    for (const s of slots.slice(0, 8 * perChunk)) ring.free(s);
    assert.equal(ring.bytes, held, '8 emptied of 80: all kept as spares');
    for (let i = 0; i < 8 * perChunk; i++) ring.write(bytes(1000, 2));
    assert.equal(ring.bytes, held, 'and written again, nothing allocated');
    for (const s of slots.slice(8 * perChunk, 40 * perChunk)) ring.free(s);
    assert.equal(
      ring.bytes,
      held - (32 - 8) * 2 ** 20,
      '32 emptied of 80: 8 kept (up to an eighth of the 79-48 in use as each emptied), the rest dropped',
    );
  });

  test('a message bigger than a chunk gets a chunk of its own, dropped when it is freed', () => {
    const ring = new PackedRing();
    ring.write(bytes(5, 1));
    const before = ring.bytes;
    const big = ring.write(bytes(3 * 2 ** 20, 4));
    assert.equal(ring.read(big).length, 3 * 2 ** 20);
    assert.equal(ring.bytes, before + 3 * 2 ** 20);
    ring.free(big);
    assert.equal(ring.bytes, before);
  });
});
