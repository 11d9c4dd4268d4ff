/**
 * Strings of many calls as UTF-8 bytes in one transferable buffer, each
 * call's decoded only when the call is read. A build pool's batches used to
 * carry them as a cloned `string[]`: ~11 strings a call, alive on the main
 * thread's heap from the batch's arrival until its last call was read
 * (~100 ms of an open run's schedule), so they survived two scavenges and
 * were promoted, and the old generation filled to a mark-compact (3-6 ms,
 * every ~2 s at 5000/s) that made late calls (docs/performance.md, "Per-call
 * strings off the main heap"). As bytes they are off the heap until used,
 * and a call's strings die young with it.
 */
export interface PackedStrings {
  /** Every call's fields joined, as UTF-8, call after call. */
  text: ArrayBuffer;
  /** Call k's bytes end at `callEnds[k]`. */
  callEnds: Uint32Array;
  /** Field f of call k ends at `fieldEnds[k × fields + f]` characters into the call's joined string. */
  fieldEnds: Uint32Array;
  /** Fields per call. */
  fields: number;
}

/** Collects calls' fields (each call the same number of them), then packs them once. */
export class StringPacker {
  private readonly joined: string[] = [];
  private readonly ends: number[] = [];
  private bytes = 0;

  constructor(readonly fields: number) {}

  /** One call's fields, in order. */
  push(values: readonly string[]): void {
    if (values.length !== this.fields)
      throw new Error(`a call with ${values.length} strings, not ${this.fields}`);
    let at = 0;
    for (const v of values) {
      at += v.length;
      this.ends.push(at);
    }
    const s = values.join('');
    this.joined.push(s);
    this.bytes += Buffer.byteLength(s, 'utf8');
  }

  /** The calls pushed, in buffers of their own (never Node's shared pool, so they can be transferred). */
  pack(): PackedStrings {
    const text = new ArrayBuffer(this.bytes);
    const view = Buffer.from(text);
    const callEnds = new Uint32Array(this.joined.length);
    let at = 0;
    for (let k = 0; k < this.joined.length; k++) {
      at += view.write(this.joined[k]!, at, 'utf8');
      callEnds[k] = at;
    }
    return { text, callEnds, fieldEnds: Uint32Array.from(this.ends), fields: this.fields };
  }
}

/** Reads calls' fields out of packed strings, one call at a time. */
export class StringReader {
  private readonly view: Buffer;

  constructor(private readonly packed: PackedStrings) {
    this.view = Buffer.from(packed.text);
  }

  /** Call k's fields, decoded now. */
  call(k: number): string[] {
    const { callEnds, fieldEnds, fields } = this.packed;
    const s = this.view.toString('utf8', k === 0 ? 0 : callEnds[k - 1]!, callEnds[k]!);
    const out: string[] = new Array(fields);
    let from = 0;
    for (let f = 0; f < fields; f++) {
      const to = fieldEnds[k * fields + f]!;
      out[f] = s.slice(from, to);
      from = to;
    }
    return out;
  }
}
