import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { type PackedStrings, StringPacker, StringReader } from '../../src/run/packed-strings.js';

/** Calls whose strings hold what a run can: non-ASCII (IDN, UTF-8 local parts), empty fields, long values, surrogate pairs. */
const CALLS: string[][] = [
  ['0123456789abcdef0123456789abcdef', 'failure', 'jürgen@bücher.example', 'sync-userunknown', 'tcp', ''],
  ['id-2', 'bounce', 'ὀδυσσεύς@example.gr', 'dsn', 'postfix', 'no-dsn,broken-boundary'],
  ['', '', '', '', '', ''],
  ['😀 emoji', 'x'.repeat(70_000), '日本語@例え.jp', 'a', 'b', 'c'],
];

function packed(calls: string[][]): PackedStrings {
  const packer = new StringPacker(calls[0]!.length);
  for (const c of calls) packer.push(c);
  return packer.pack();
}

describe('packed strings', () => {
  test('each call read back equals the strings packed, after a transfer to another thread', () => {
    const p = packed(CALLS);
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(p, [p.text, p.callEnds.buffer as ArrayBuffer, p.fieldEnds.buffer as ArrayBuffer]);
    assert.equal(p.text.byteLength, 0, 'transferred, not copied');
    const moved = receiveMessageOnPort(port2)!.message as PackedStrings;
    port1.close();
    const reader = new StringReader(moved);
    // Out of order too: a call's strings do not depend on which were read before.
    for (const k of [3, 0, 2, 1]) assert.deepEqual(reader.call(k), CALLS[k]);
  });

  test('a call with another number of strings is refused, not packed misaligned', () => {
    const packer = new StringPacker(3);
    assert.throws(() => packer.push(['a', 'b']), /a call with 2 strings, not 3/);
  });

  test('no calls: an empty pack', () => {
    const p = new StringPacker(6).pack();
    assert.equal(p.text.byteLength, 0);
    assert.equal(p.callEnds.length, 0);
  });
});
