import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AnswerParser, type AnswerReader } from '../../src/transport/answer-parser.js';

/** What the parser told its reader, bodies joined (their split follows the reads'), and how it ended. */
interface Seen {
  events: string[];
  /** `more` of each answer's end: bytes followed in the same read. */
  more: boolean[];
}

function recorder(seen: Seen, stopBodyAfter = Number.POSITIVE_INFINITY): AnswerReader {
  let bodyBytes = 0;
  return {
    onAnswerHead(status, retryAfter, headers) {
      seen.events.push(`head ${status}${retryAfter === undefined ? '' : ` retry-after=${retryAfter}`}`);
      if (headers) seen.events.push(`headers ${JSON.stringify(headers)}`);
    },
    onAnswerBody(chunk, start, length) {
      const text = chunk.toString('latin1', start, start + length);
      const last = seen.events.length - 1;
      if (seen.events[last]?.startsWith('body ')) seen.events[last] += text;
      else seen.events.push(`body ${text}`);
      bodyBytes += length;
      return bodyBytes <= stopBodyAfter;
    },
    onAnswerEnd(keepAlive, more) {
      seen.events.push(keepAlive ? 'end keep-alive' : 'end close');
      seen.more.push(more);
    },
  };
}

/**
 * Feed `bytes` in the reads `cuts` makes (each read copied into one reused
 * buffer, as the socket does), then the socket's end.
 */
function feed(bytes: Buffer, cuts: number[], keepHeaders: boolean, stopBodyAfter?: number): Seen {
  const seen: Seen = { events: [], more: [] };
  const parser = new AnswerParser(recorder(seen, stopBodyAfter), keepHeaders);
  const read = Buffer.alloc(bytes.length + 8, 0x0a); // stale bytes after each read: line ends the parser must not see
  let from = 0;
  for (const to of [...cuts, bytes.length]) {
    read.fill(0x0a);
    bytes.copy(read, 3, from, to);
    const err = parser.execute(read, 3, to - from);
    if (err) {
      seen.events.push(`error ${err.code}`);
      return seen;
    }
    from = to;
  }
  if (parser.finish()) seen.events.push('finished at the end');
  return seen;
}

const CASES: { name: string; bytes: string; keep?: boolean; events: string[] }[] = [
  {
    name: 'nginx 204, keep-alive',
    bytes:
      'HTTP/1.1 204 No Content\r\nServer: nginx\r\nDate: Sun, 06 Dec 2026 12:00:00 GMT\r\nConnection: keep-alive\r\n\r\n',
    events: ['head 204', 'end keep-alive'],
  },
  {
    name: 'Content-Length body, Retry-After, names in any case, headers kept',
    bytes:
      'HTTP/1.1 503 Service Unavailable\r\nCONTENT-length:  9 \r\nretry-AFTER: 120\r\nX-Why:\tbusy\t\r\n\r\ntry later',
    keep: true,
    events: [
      'head 503 retry-after=120',
      'headers ["CONTENT-length","9","retry-AFTER","120","X-Why","busy"]',
      'body try later',
      'end keep-alive',
    ],
  },
  {
    name: 'chunked body with extensions and trailers',
    bytes:
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=value\r\nhello\r\n7 ; x="y"\r\n, world\r\n0\r\nX-Trailer: t\r\nX-Other: u\r\n\r\n',
    events: ['head 200', 'body hello, world', 'end keep-alive'],
  },
  {
    name: 'chunked with upper-case hex and Transfer-Encoding gzip, chunked over a Content-Length',
    bytes:
      'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: gzip, Chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n',
    events: ['head 200', 'body 0123456789', 'end keep-alive'],
  },
  {
    name: 'no length: the body runs to the socket end',
    bytes: 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it\r\nuntil close',
    events: ['head 200', 'body all of it\r\nuntil close', 'end close', 'finished at the end'],
  },
  {
    name: 'a Transfer-Encoding other than chunked: to the socket end',
    bytes: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: 2\r\n\r\nabcdef',
    events: ['head 200', 'body abcdef', 'end close', 'finished at the end'],
  },
  {
    name: '1xx interim answers skipped (100 Continue, 103 Early Hints with headers)',
    bytes:
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok',
    events: ['head 201', 'body ok', 'end keep-alive'],
  },
  {
    name: 'Connection: close',
    bytes: 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: Close\r\n\r\nbye',
    events: ['head 200', 'body bye', 'end close'],
  },
  {
    name: 'HTTP/1.0 without keep-alive closes; with it stays',
    bytes:
      'HTTP/1.0 200 OK\r\nContent-Length: 1\r\nConnection: Keep-Alive\r\n\r\naHTTP/1.0 204 No Content\r\n\r\n',
    events: ['head 200', 'body a', 'end keep-alive', 'head 204', 'end close'],
  },
  {
    name: 'pipelined answers in one read, 204 and 304 bodiless whatever they say, empty lines between',
    bytes:
      'HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi\r\nHTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\nHTTP/1.1 500 Oops\r\nContent-Length: 0\r\n\r\n',
    events: [
      'head 204',
      'end keep-alive',
      'head 200',
      'body hi',
      'end keep-alive',
      'head 304',
      'end keep-alive',
      'head 500',
      'end keep-alive',
    ],
  },
  {
    name: 'a status line without a reason, bare LF line ends, the same Content-Length twice',
    bytes: 'HTTP/1.1 202\nContent-Length: 4, 4\nContent-Length: 4\n\nokay',
    events: ['head 202', 'body okay', 'end keep-alive'],
  },
  {
    name: 'an obsolete folded header line is part of the one before',
    bytes:
      'HTTP/1.1 429 Too Many\r\nRetry-After: Sun, 06 Dec 2026\r\n 12:00:00 GMT\r\nContent-Length: 0\r\n\r\n',
    keep: true,
    events: [
      'head 429 retry-after=Sun, 06 Dec 2026 12:00:00 GMT',
      'headers ["Retry-After","Sun, 06 Dec 2026 12:00:00 GMT","Content-Length","0"]',
      'end keep-alive',
    ],
  },
  {
    name: '101 Switching Protocols: final, and the socket goes',
    bytes:
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\x81\x05hello',
    events: ['head 101', 'end close'],
  },
  { name: 'not HTTP', bytes: 'SSH-2.0-OpenSSH_9.6\r\n', events: ['error HPE_INVALID_CONSTANT'] },
  { name: 'HTTP/2 status line', bytes: 'HTTP/2.0 200 OK\r\n\r\n', events: ['error HPE_INVALID_CONSTANT'] },
  { name: 'status of two digits', bytes: 'HTTP/1.1 20 OK\r\n\r\n', events: ['error HPE_INVALID_CONSTANT'] },
  {
    name: 'a header line without a colon',
    bytes: 'HTTP/1.1 200 OK\r\nContent-Length 5\r\n\r\nhello',
    events: ['error HPE_INVALID_HEADER_TOKEN'],
  },
  {
    name: 'a space before the colon',
    bytes: 'HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\nhello',
    events: ['error HPE_INVALID_HEADER_TOKEN'],
  },
  {
    name: 'a Content-Length that is not a number',
    bytes: 'HTTP/1.1 200 OK\r\nContent-Length: 5x\r\n\r\nhello',
    events: ['error HPE_INVALID_CONTENT_LENGTH'],
  },
  {
    name: 'two different Content-Lengths',
    bytes: 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!',
    events: ['error HPE_UNEXPECTED_CONTENT_LENGTH'],
  },
  {
    name: 'a chunk size that is not hex',
    bytes: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
    events: ['head 200', 'error HPE_INVALID_CHUNK_SIZE'],
  },
  {
    name: 'chunk data longer than its size',
    bytes: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n',
    events: ['head 200', 'body ab', 'error HPE_STRICT'],
  },
  {
    name: 'a bare CR inside a header line',
    bytes: 'HTTP/1.1 200 OK\r\nX-A: b\rc\r\nContent-Length: 0\r\n\r\n',
    events: ['error HPE_LF_EXPECTED'],
  },
];

/** Every way to cut `n` bytes in two reads, and one read per byte. */
function splits(n: number): number[][] {
  const all: number[][] = [[]];
  for (let i = 1; i < n; i++) all.push([i]);
  all.push(Array.from({ length: n - 1 }, (_, i) => i + 1));
  return all;
}

describe('AnswerParser', () => {
  for (const c of CASES)
    it(`${c.name}: the same at every split point`, () => {
      const bytes = Buffer.from(c.bytes, 'latin1');
      const whole = feed(bytes, [], c.keep === true);
      assert.deepEqual(whole.events, c.events);
      for (const cuts of splits(bytes.length))
        assert.deepEqual(
          feed(bytes, cuts, c.keep === true).events,
          c.events,
          `reads cut at ${cuts.join(',')}`,
        );
    });

  it('never throws on damaged answers: every byte of each case replaced in turn, fed in two reads', () => {
    // A fixed walk over replacement bytes (deterministic): control bytes, digits, separators, high bytes.
    const replacements = [0x00, 0x0a, 0x0d, 0x20, 0x3a, 0x3b, 0x30, 0x39, 0x66, 0x7f, 0xff];
    let refused = 0;
    let read = 0;
    for (const c of CASES) {
      const bytes = Buffer.from(c.bytes, 'latin1');
      for (let i = 0; i < bytes.length; i++) {
        const damaged = Buffer.from(bytes);
        damaged[i] = replacements[(i * 7 + c.name.length) % replacements.length]!;
        const seen = feed(damaged, [Math.floor(damaged.length / 2)], c.keep === true);
        for (const event of seen.events) assert.match(event, /^(head|headers|body|end|error HPE_|finished)/);
        if (seen.events.at(-1)?.startsWith('error')) refused++;
        else if (seen.events.some((e) => e.startsWith('end'))) read++;
      }
    }
    // Both kinds occur: damage the parser refuses, and damage it reads past (a reason phrase, a header value).
    assert.ok(refused > 100 && read > 100, `refused ${refused}, read ${read}`);
  });

  it('says whether the next pipelined answer begins in the same read', () => {
    const bytes = Buffer.from(
      'HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi',
    );
    assert.deepEqual(feed(bytes, [], false).more, [true, false]);
    assert.deepEqual(feed(bytes, [27], false).more, [false, false]);
  });

  it('stops at once when the reader wants no more body (the socket goes)', () => {
    const bytes = Buffer.from(
      'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789HTTP/1.1 204 No Content\r\n\r\n',
    );
    assert.deepEqual(feed(bytes, [], false, 3).events, ['head 200', 'body 0123456789']);
  });

  it('refuses a head past 80 KB, read in pieces, without growing further', () => {
    const line = `X-Big: ${'a'.repeat(1000)}\r\n`;
    const bytes = Buffer.from(`HTTP/1.1 200 OK\r\n${line.repeat(90)}\r\n`);
    const cuts = Array.from({ length: Math.floor(bytes.length / 700) }, (_, i) => (i + 1) * 700);
    assert.deepEqual(feed(bytes, cuts, false).events, ['error HPE_HEADER_OVERFLOW']);
  });

  it('reads nothing after a malformed answer, and reports a cut answer as unfinished at the end', () => {
    const seen: Seen = { events: [], more: [] };
    const parser = new AnswerParser(recorder(seen), false);
    const bad = Buffer.from('HTTP/1.1 2x0 OK\r\n\r\n');
    assert.equal(
      parser.execute(bad, 0, bad.length)?.message,
      'malformed answer: status line "HTTP/1.1 2x0 OK"',
    );
    const good = Buffer.from('HTTP/1.1 204 No Content\r\n\r\n');
    assert.equal(parser.execute(good, 0, good.length), undefined);
    assert.deepEqual(seen.events, []);
    const cut = new AnswerParser(recorder(seen), false);
    const part = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nhalf');
    cut.execute(part, 0, part.length);
    assert.equal(cut.finish(), false);
    assert.deepEqual(seen.events, ['head 200', 'body half']);
  });
});
