import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { headStart, lengthLine, requestHead, writeRequest } from '../../src/transport/request-head.js';

const URL_ = new URL('http://127.0.0.1:8080/hooks?env=test');

/** The request's bytes as the net transport writes them. */
const wire = (headers: Record<string, string> | string[], body: string, start = headStart(URL_)): string =>
  writeRequest(requestHead(start, headers, Buffer.byteLength(body)), Buffer.from(body)).toString('latin1');

describe('requestHead', () => {
  it('writes the head with the body and its length line, for lengths of every digit count', () => {
    for (const body of ['', 'a', 'x'.repeat(9), 'x'.repeat(10), 'x'.repeat(383), 'x'.repeat(12345)]) {
      const head = requestHead(headStart(URL_), ['Content-Type', 'text/plain'], body.length);
      const expected = `POST /hooks?env=test HTTP/1.1\r\nhost: 127.0.0.1:8080\r\nconnection: keep-alive\r\nContent-Type: text/plain\r\n${lengthLine(body.length)}${body}`;
      assert.equal(writeRequest(head, Buffer.from(body)).toString('latin1'), expected);
    }
  });

  it('keeps the head of the last headers: the same headers give the same head, whatever the length', () => {
    const start = headStart(URL_);
    const first = requestHead(start, { 'Content-Type': 'a/b', 'Content-Length': '3', Date: 'd1' }, 3);
    const again = requestHead(start, { 'Content-Type': 'a/b', 'Content-Length': '12', Date: 'd1' }, 12);
    assert.equal(again, first);
    assert.equal(
      wire({ 'Content-Type': 'a/b', 'Content-Length': '5', Date: 'd1' }, 'hello', start),
      'POST /hooks?env=test HTTP/1.1\r\nhost: 127.0.0.1:8080\r\nconnection: keep-alive\r\nContent-Type: a/b\r\nDate: d1\r\ncontent-length: 5\r\n\r\nhello',
    );
  });

  it('builds a new head when a value, a name, the order or the count changes', () => {
    const start = headStart(URL_);
    const base = { 'Content-Type': 'a/b', Date: 'd1' };
    const first = requestHead(start, base, 0);
    const others: Record<string, string>[] = [
      { 'Content-Type': 'a/b', Date: 'd2' },
      { 'Content-Type': 'a/b', date: 'd1' },
      { Date: 'd1', 'Content-Type': 'a/b' },
      { 'Content-Type': 'a/b' },
      { 'Content-Type': 'a/b', Date: 'd1', 'X-More': '1' },
    ];
    for (const other of others) {
      const head = requestHead(start, other, 0);
      assert.notEqual(head, first);
      const names = Object.keys(other);
      assert.equal(
        head.bytes
          .toString('latin1')
          .split('\r\n')
          .slice(3, -1)
          .map((l) => l.split(':')[0])
          .join(),
        names.join(),
      );
      requestHead(start, base, 0);
    }
  });

  it('still refuses a Content-Length that is not the body length, and a bad value, with the head kept', () => {
    const start = headStart(URL_);
    requestHead(start, ['Content-Length', '3', 'X-A', 'b'], 3);
    assert.throws(
      () => requestHead(start, ['Content-Length', '3', 'X-A', 'b'], 4),
      /does not match content-length/,
    );
    assert.throws(
      () => requestHead(start, ['Content-Length', '3', 'X-A', 'b\r\nX-Evil: 1'], 3),
      /invalid X-A header/,
    );
    assert.throws(
      () => requestHead(start, { 'Content-Length': '3', 'X-A': 'b' }, 4),
      /does not match content-length/,
    );
  });
});
