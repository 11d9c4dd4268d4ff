import { TransportError } from './transport-error.js';

/** What the parser tells the socket that reads answers. */
export interface AnswerReader {
  /** A final answer's head (1xx interim answers other than 101 are skipped). `headers` only when kept. */
  onAnswerHead(status: number, retryAfter: string | undefined, headers: string[] | undefined): void;
  /** Body bytes, in a buffer the next read overwrites; false: read no more (the socket goes). */
  onAnswerBody(chunk: Buffer, start: number, length: number): boolean;
  /** The answer ended; `keepAlive`: the socket may carry another; `more`: bytes follow in this read. */
  onAnswerEnd(keepAlive: boolean, more: boolean): void;
}

/** A head (status line and headers, or a chunked body's trailers) past this is refused, as http-parser-js. */
const MAX_HEAD_BYTES = 80 * 1024;

enum State {
  Status,
  Headers,
  Sized,
  ChunkSize,
  ChunkData,
  ChunkDataEnd,
  Trailers,
  ToClose,
  Failed,
}

/** The header kinds that frame an answer or that the caller reads, recognised by their bytes. */
enum Kind {
  /** No header line yet. */
  None,
  Other,
  ContentLength,
  TransferEncoding,
  Connection,
  RetryAfter,
}

const CR = 13;
const LF = 10;
const SP = 32;
const HT = 9;

const lower = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
const CONTENT_LENGTH = lower('content-length');
const TRANSFER_ENCODING = lower('transfer-encoding');
const CONNECTION = lower('connection');
const RETRY_AFTER = lower('retry-after');
const CLOSE = lower('close');
const KEEP_ALIVE = lower('keep-alive');
const CHUNKED = lower('chunked');
const HTTP_SLASH = lower('http/');

/** RFC 9110 tchar: what a header name may be made of. */
const TOKEN = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
  TOKEN[c.charCodeAt(0)] = 1;

/** `buf[start, end)` equals `lowerName` ignoring ASCII case (the names compared hold letters and `-` only). */
function sameName(buf: Buffer, start: number, end: number, lowerName: number[]): boolean {
  if (end - start !== lowerName.length) return false;
  for (let i = 0; i < lowerName.length; i++) if ((buf[start + i]! | 0x20) !== lowerName[i]) return false;
  return true;
}

/** `word` (lower case) occurs in `buf[start, end)` ignoring ASCII case. */
function contains(buf: Buffer, start: number, end: number, word: number[]): boolean {
  const last = end - word.length;
  outer: for (let i = start; i <= last; i++) {
    for (let j = 0; j < word.length; j++) if ((buf[i + j]! | 0x20) !== word[j]) continue outer;
    return true;
  }
  return false;
}

function kindOf(buf: Buffer, start: number, end: number): Kind {
  switch (end - start) {
    case 14:
      return sameName(buf, start, end, CONTENT_LENGTH) ? Kind.ContentLength : Kind.Other;
    case 17:
      return sameName(buf, start, end, TRANSFER_ENCODING) ? Kind.TransferEncoding : Kind.Other;
    case 10:
      return sameName(buf, start, end, CONNECTION) ? Kind.Connection : Kind.Other;
    case 11:
      return sameName(buf, start, end, RETRY_AFTER) ? Kind.RetryAfter : Kind.Other;
    default:
      return Kind.Other;
  }
}

const malformed = (code: string, what: string): TransportError =>
  new TransportError(code, `malformed answer: ${what}`);

/** A line's bytes for an error message: printable ASCII, at most 60 characters. */
function shown(buf: Buffer, start: number, end: number): string {
  const text = buf.toString('latin1', start, Math.min(end, start + 60)).replace(/[^\x20-\x7e]/g, '?');
  return JSON.stringify(end - start > 60 ? `${text}...` : text);
}

/**
 * HTTP/1.1 answers to POST requests, read from a socket's reads as they come
 * (any split, several pipelined answers in one read): the status line, the
 * headers that frame the body (Content-Length, Transfer-Encoding: chunked
 * with extensions and trailers, or a body running to the socket's end),
 * keep-alive (Connection, HTTP/1.0 vs 1.1), Retry-After, and 1xx interim
 * answers skipped. Written for the net transport in place of http-parser-js:
 * it works on the bytes in place and makes strings only of what is kept
 * (all headers only with `keepHeaders`), where http-parser-js builds a
 * string per line, a regular-expression match per header and a buffer per
 * body piece. A malformed answer is an error with llhttp's code, and the
 * parser reads nothing more.
 */
export class AnswerParser {
  private state = State.Status;
  /** Bytes of an unfinished line, copied (the read buffer is reused). */
  private carry: Buffer | undefined = undefined;
  private headBytes = 0;
  private halted = false;
  // The answer being read.
  private status = 0;
  private http10 = false;
  private retryAfter: string | undefined = undefined;
  private headers: string[] | undefined = undefined;
  private length = -1;
  private chunked = false;
  /** Transfer-Encoding without chunked last: the body runs to the socket's end. */
  private encoded = false;
  private close = false;
  private keepAliveAsked = false;
  /** The kind of the last header line, for an obsolete folded line continuing it. */
  private lastKind = Kind.None;
  /** Body bytes left: of a sized body, or of the current chunk. */
  private left = 0;

  constructor(
    private readonly reader: AnswerReader,
    private readonly keepHeaders: boolean,
  ) {}

  /** Read nothing more (the socket is going). */
  halt(): void {
    this.halted = true;
  }

  /** Parse `buf[start, start + length)`; a malformed answer's error (and nothing more is parsed). */
  execute(buf: Buffer, start: number, length: number): TransportError | undefined {
    let at = start;
    const end = start + length;
    try {
      while (at < end && !this.halted) {
        const state = this.state;
        if (state === State.Sized || state === State.ChunkData || state === State.ToClose)
          at = this.body(buf, at, end);
        else at = this.line(buf, at, end);
      }
    } catch (err) {
      if (!(err instanceof TransportError)) throw err;
      this.state = State.Failed;
      this.halted = true;
      return err;
    }
    return undefined;
  }

  /** The socket's end: an answer running to it ends here; true if one did. */
  finish(): boolean {
    if (this.state !== State.ToClose || this.halted) return false;
    this.ended(false);
    return true;
  }

  /** One line (or the part of one this read holds); where parsing goes on. */
  private line(buf: Buffer, at: number, end: number): number {
    let lf = at;
    while (lf < end && buf[lf] !== LF) lf++;
    const carried = this.carry === undefined ? 0 : this.carry.length;
    if (this.state === State.Status || this.state === State.Headers || this.state === State.Trailers) {
      this.headBytes += lf - at;
      if (this.headBytes > MAX_HEAD_BYTES) throw malformed('HPE_HEADER_OVERFLOW', 'head past 80 KB');
    } else if (carried + lf - at > 1024)
      throw malformed('HPE_INVALID_CHUNK_SIZE', 'chunk size line past 1 KB');
    if (lf === end) {
      const piece = Buffer.from(buf.subarray(at, end));
      this.carry = this.carry === undefined ? piece : Buffer.concat([this.carry, piece]);
      return end;
    }
    if (this.carry === undefined) {
      this.oneLine(buf, at, lf > at && buf[lf - 1] === CR ? lf - 1 : lf, lf + 1 < end);
    } else {
      const whole = Buffer.concat([this.carry, buf.subarray(at, lf)]);
      this.carry = undefined;
      const n = whole.length;
      this.oneLine(whole, 0, n > 0 && whole[n - 1] === CR ? n - 1 : n, lf + 1 < end);
    }
    return lf + 1;
  }

  private oneLine(buf: Buffer, start: number, end: number, more: boolean): void {
    switch (this.state) {
      case State.Status:
        // Empty lines between answers are skipped, as http-parser-js and llhttp do.
        if (end > start) this.statusLine(buf, start, end);
        return;
      case State.Headers:
        if (end > start) this.headerLine(buf, start, end);
        else this.headEnd(more);
        return;
      case State.ChunkSize:
        this.chunkSize(buf, start, end);
        return;
      case State.ChunkDataEnd:
        if (end > start) throw malformed('HPE_STRICT', 'no line end after a chunk');
        this.state = State.ChunkSize;
        return;
      case State.Trailers:
        // Trailer fields are read past, not kept: nothing the caller reads comes in them.
        if (end === start) this.ended(more);
        return;
    }
  }

  /** `HTTP/1.x NNN[ reason]`. */
  private statusLine(buf: Buffer, start: number, end: number): void {
    const minor = buf[start + 7]! - 48;
    const s0 = buf[start + 9]! - 48;
    const s1 = buf[start + 10]! - 48;
    const s2 = buf[start + 11]! - 48;
    const ok =
      end - start >= 12 &&
      sameName(buf, start, start + 5, HTTP_SLASH) &&
      buf[start + 5] === 49 &&
      buf[start + 6] === 46 &&
      minor >= 0 &&
      minor <= 9 &&
      buf[start + 8] === SP &&
      s0 >= 1 &&
      s0 <= 9 &&
      s1 >= 0 &&
      s1 <= 9 &&
      s2 >= 0 &&
      s2 <= 9 &&
      (end - start === 12 || buf[start + 12] === SP);
    if (!ok) throw malformed('HPE_INVALID_CONSTANT', `status line ${shown(buf, start, end)}`);
    this.http10 = minor === 0;
    this.status = s0 * 100 + s1 * 10 + s2;
    if (this.keepHeaders) this.headers = [];
    this.state = State.Headers;
  }

  private headerLine(buf: Buffer, start: number, end: number): void {
    const first = buf[start]!;
    if (first === SP || first === HT) {
      this.folded(buf, start, end);
      return;
    }
    let colon = start;
    while (colon < end && TOKEN[buf[colon]!] === 1) colon++;
    if (colon === start || colon === end || buf[colon] !== 58)
      throw malformed('HPE_INVALID_HEADER_TOKEN', `header line ${shown(buf, start, end)}`);
    let from = colon + 1;
    let to = end;
    while (from < to && (buf[from] === SP || buf[from] === HT)) from++;
    while (to > from && (buf[to - 1] === SP || buf[to - 1] === HT)) to--;
    for (let i = from; i < to; i++)
      if (buf[i] === CR) throw malformed('HPE_LF_EXPECTED', `header line ${shown(buf, start, end)}`);
    const kind = kindOf(buf, start, colon);
    this.lastKind = kind;
    this.field(kind, buf, from, to);
    if (this.headers !== undefined)
      this.headers.push(buf.toString('latin1', start, colon), buf.toString('latin1', from, to));
  }

  /** What a header the parser reads says (`buf[from, to)` is its value, trimmed). */
  private field(kind: Kind, buf: Buffer, from: number, to: number): void {
    switch (kind) {
      case Kind.ContentLength:
        this.contentLength(buf, from, to);
        return;
      case Kind.TransferEncoding:
        // Only chunked as the last coding frames the body by chunks (RFC 9112 §6.3).
        this.chunked =
          to - from >= 7 &&
          sameName(buf, to - 7, to, CHUNKED) &&
          (to - from === 7 || buf[to - 8] === 44 || buf[to - 8] === SP || buf[to - 8] === HT);
        this.encoded = !this.chunked;
        return;
      case Kind.Connection:
        if (contains(buf, from, to, CLOSE)) this.close = true;
        if (contains(buf, from, to, KEEP_ALIVE)) this.keepAliveAsked = true;
        return;
      case Kind.RetryAfter:
        this.retryAfter = buf.toString('latin1', from, to);
        return;
    }
  }

  /** Digits, or a list of the same digits repeated (RFC 9110 §8.6). */
  private contentLength(buf: Buffer, from: number, to: number): void {
    let value = -1;
    let i = from;
    while (i < to) {
      let n = 0;
      const digits = i;
      while (i < to && buf[i]! >= 48 && buf[i]! <= 57) n = n * 10 + buf[i++]! - 48;
      if (i === digits || n > Number.MAX_SAFE_INTEGER || (value >= 0 && n !== value))
        throw malformed('HPE_INVALID_CONTENT_LENGTH', `Content-Length ${shown(buf, from, to)}`);
      value = n;
      while (i < to && (buf[i] === SP || buf[i] === HT)) i++;
      if (i < to && buf[i++] !== 44)
        throw malformed('HPE_INVALID_CONTENT_LENGTH', `Content-Length ${shown(buf, from, to)}`);
      while (i < to && (buf[i] === SP || buf[i] === HT)) i++;
    }
    if (value < 0) throw malformed('HPE_INVALID_CONTENT_LENGTH', 'empty Content-Length');
    if (this.length >= 0 && this.length !== value)
      throw malformed('HPE_UNEXPECTED_CONTENT_LENGTH', 'two different Content-Lengths');
    this.length = value;
  }

  /** An obsolete folded line: part of the header before it (RFC 9112 §5.2: read as one space). */
  private folded(buf: Buffer, start: number, end: number): void {
    const headers = this.headers;
    const kind = this.lastKind;
    if (kind === Kind.None || kind === Kind.ContentLength || kind === Kind.TransferEncoding)
      throw malformed('HPE_INVALID_HEADER_TOKEN', `folded header line ${shown(buf, start, end)}`);
    let from = start;
    while (from < end && (buf[from] === SP || buf[from] === HT)) from++;
    if (kind === Kind.Connection) this.field(kind, buf, from, end);
    else if (kind === Kind.RetryAfter)
      this.retryAfter = `${this.retryAfter} ${buf.toString('latin1', from, end)}`;
    if (headers && headers.length > 0 && from < end)
      headers[headers.length - 1] = `${headers[headers.length - 1]} ${buf.toString('latin1', from, end)}`;
  }

  /** The empty line after the headers: skip an interim answer, or hand the head over and frame the body. */
  private headEnd(more: boolean): void {
    const status = this.status;
    if (status < 200 && status !== 101) {
      this.reset();
      return;
    }
    this.reader.onAnswerHead(status, this.retryAfter, this.headers);
    this.headBytes = 0;
    // POST answers without a body whatever their headers say (RFC 9112 §6.3); after a 101 the bytes are not HTTP.
    if (status < 200 || status === 204 || status === 304) {
      if (status === 101) this.close = true;
      this.ended(more);
      if (status === 101) this.halted = true;
    } else if (this.chunked) this.state = State.ChunkSize;
    else if (this.encoded || this.length < 0) {
      this.close = true;
      this.state = State.ToClose;
    } else if (this.length === 0) this.ended(more);
    else {
      this.left = this.length;
      this.state = State.Sized;
    }
  }

  /** `HEX[ext]`: a chunk's size, its extensions ignored. */
  private chunkSize(buf: Buffer, start: number, end: number): void {
    let n = 0;
    let i = start;
    for (; i < end && i - start < 13; i++) {
      const c = buf[i]! | 0x20;
      const v = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
      if (v < 0) break;
      n = n * 16 + v;
    }
    const digits = i - start;
    while (i < end && (buf[i] === SP || buf[i] === HT)) i++;
    if (digits === 0 || (i < end && buf[i] !== 59))
      throw malformed('HPE_INVALID_CHUNK_SIZE', `chunk size ${shown(buf, start, end)}`);
    this.left = n;
    this.state = n === 0 ? State.Trailers : State.ChunkData;
  }

  /** Body bytes of the current frame; where parsing goes on. */
  private body(buf: Buffer, at: number, end: number): number {
    const state = this.state;
    const n = state === State.ToClose ? end - at : Math.min(end - at, this.left);
    if (!this.reader.onAnswerBody(buf, at, n)) {
      this.halted = true;
      return end;
    }
    if (state === State.ToClose) return end;
    this.left -= n;
    if (this.left === 0) {
      if (state === State.ChunkData) this.state = State.ChunkDataEnd;
      else this.ended(at + n < end);
    }
    return at + n;
  }

  /** The answer ended: the socket's fate, then the next answer from a clean state. */
  private ended(more: boolean): void {
    const keepAlive = !this.close && (this.http10 ? this.keepAliveAsked : true);
    this.reset();
    this.reader.onAnswerEnd(keepAlive, more);
  }

  private reset(): void {
    this.state = State.Status;
    this.headBytes = 0;
    this.status = 0;
    this.http10 = false;
    this.retryAfter = undefined;
    this.headers = undefined;
    this.length = -1;
    this.chunked = false;
    this.encoded = false;
    this.close = false;
    this.keepAliveAsked = false;
    this.lastKind = Kind.None;
    this.left = 0;
  }
}
