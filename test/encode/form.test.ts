/**
 * The form encoder (src/encode/form.ts) against the references a receiver
 * has: WHATWG URLSearchParams (what Node, browsers and most frameworks
 * decode with) and PHP's conventions (`name[]=` repeated for an array, so
 * `$_POST['tags']` is an array; `+` for a space).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encodeCall, formEncode } from '../../src/encode/body.js';
import { DIALECTS, dialectCarries, toPayload } from '../../src/encode/dialect.js';
import { formEncodeBuffer, formEncodeFields } from '../../src/encode/form.js';
import { EventGenerator, SEEDED_EPOCH } from '../../src/generate/events.js';
import type { FailureEvent } from '../../src/model/events.js';
import { t } from '../../src/model/pieced-text.js';
import { SAMPLE_BOUNCE as call } from '../helpers/sample-call.js';

let ASCII = '';
for (let c = 0; c < 128; c++) ASCII += String.fromCharCode(c);

/** Strings that break naive encoders: separators, every ASCII byte, multi-byte UTF-8, CRLF. */
const SAMPLES = [
  '',
  ASCII,
  'a&b=c+d%20e#f?g',
  'Grüße, Zoë — “quotes” ½ €',
  'emoji 😀 and 𝄞 (surrogate pairs)',
  'ÿĀ߿ࠀ￿', // UTF-8 length boundaries: 2, 2, 3, 3 bytes
  'line one\r\nline two\n\ttabbed',
  'x'.repeat(70_000) + 'é', // past the reused scratch buffer and the shared slab
  `${ASCII}Grüße 😀 ½\r\n`.repeat(40), // a long value (a MIME's size): escaped in a scratch of its own
];

/**
 * URLSearchParams serializes with the WHATWG urlencoded set, which keeps
 * `*` and escapes `~`; the encoder follows RFC 3986 (`~` unreserved) and
 * escapes `*` as encodeURIComponent's callers do. Those two bytes are the
 * whole difference; a receiver decodes both forms to the same text.
 */
const whatwgToOurs = (text: string): string => text.replace(/\*/g, '%2A').replace(/%7E/g, '~');

/** What PHP's parse_str makes of a body: `name[]` keys collect into an array. */
function phpParse(body: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    if (key.endsWith('[]')) {
      const name = key.slice(0, -2);
      const list = out[name];
      out[name] = Array.isArray(list) ? [...list, value] : [value];
    } else out[key] = value;
  }
  return out;
}

describe('formEncode', () => {
  test('one tags[]= per tag, form escaping, documented field order', () => {
    assert.equal(
      formEncode(toPayload(call)),
      'id=id1&type=bounce&timestamp=2026-01-15+09%3A30%3A00&time=1768469400&recipient=jan%40example.nl' +
        '&envelope=bounce-id1%40bounces.shop.example&mime=Subject%3A+a%26b%3Dc+%C3%BC%0D%0A%0D%0Abody+%2B1&tags[]=news&tags[]=nl',
    );
  });

  test('round-trips through URLSearchParams (what receivers use)', () => {
    const parsed = new URLSearchParams(encodeCall(call).body.toString());
    assert.equal(parsed.get('mime'), call.event.type === 'bounce' ? call.event.mime : '');
    assert.deepEqual(parsed.getAll('tags[]'), ['news', 'nl']);
  });

  test('the byte writer agrees with encodeURIComponent on every kind of character', () => {
    const reference = (text: string): string =>
      encodeURIComponent(text)
        .replace(/%20/g, '+')
        .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    for (const text of SAMPLES) {
      assert.equal(formEncode([['v', text]]), `v=${reference(text)}`, JSON.stringify(text.slice(0, 40)));
    }
  });
});

describe('form encoding against URLSearchParams', () => {
  test('the same bytes as URLSearchParams, but for `*` (escaped) and `~` (kept)', () => {
    for (const text of SAMPLES) {
      const reference = new URLSearchParams([['v', text]]).toString();
      assert.equal(formEncode([['v', text]]), whatwgToOurs(reference), JSON.stringify(text.slice(0, 40)));
    }
  });

  test('every sample decodes back to itself, each field apart, in order', () => {
    const payload = SAMPLES.map((text, i) => [`f${i}`, text] as const);
    const decoded = [...new URLSearchParams(formEncode(payload))];
    assert.deepEqual(
      decoded,
      payload.map(([k, v]) => [k, v]),
    );
  });

  test('a lone surrogate is sent as U+FFFD, as URLSearchParams and TextEncoder do', () => {
    const lone = 'a\uD800b\uDC00c';
    assert.equal(formEncode([['v', lone]]), new URLSearchParams([['v', lone]]).toString());
    assert.equal(new URLSearchParams(formEncode([['v', lone]])).get('v'), 'a\uFFFDb\uFFFDc');
  });

  test('numbers are written as their decimal text', () => {
    assert.equal(formEncode([['time', 1768469400]]), 'time=1768469400');
    assert.equal(formEncode([['n', 0]]), new URLSearchParams([['n', '0']]).toString());
    // Integers are written digit by digit, anything else through String(): the same text either way.
    for (const n of [
      0,
      7,
      10,
      99,
      100,
      1_000_000,
      2 ** 32,
      Number.MAX_SAFE_INTEGER,
      -1,
      1.5,
      1e21,
      Number.NaN,
    ])
      assert.equal(formEncode([['n', n]]), new URLSearchParams([['n', String(n)]]).toString(), String(n));
  });
});

describe('form encoding: PHP conventions', () => {
  test('an array is one name[]= per item, in order, so PHP sees an array', () => {
    const body = formEncode([
      ['id', 'x'],
      ['tags', ['news', 'nl & be', 'ü']],
    ]);
    assert.equal(body, 'id=x&tags[]=news&tags[]=nl+%26+be&tags[]=%C3%BC');
    assert.deepEqual(phpParse(body), { id: 'x', tags: ['news', 'nl & be', 'ü'] });
  });

  test('an empty array sends no field at all (PHP: the key is absent, not an empty string)', () => {
    const body = formEncode([
      ['id', 'x'],
      ['tags', []],
      ['type', 'failure'],
    ]);
    assert.equal(body, 'id=x&type=failure');
    assert.deepEqual(phpParse(body), { id: 'x', type: 'failure' });
  });

  test('a space is `+` (application/x-www-form-urlencoded, PHP urlencode), a plus is %2B', () => {
    assert.equal(formEncode([['v', 'a b+c']]), 'v=a+b%2Bc');
    assert.equal(phpParse(formEncode([['v', 'a b+c']]))['v'], 'a b+c');
  });

  test('an empty payload is an empty body', () => {
    assert.equal(formEncodeBuffer([]).length, 0);
  });
});

describe('form encoding: buffers', () => {
  test('a body stays intact when later bodies are encoded (shared slab and scratch reuse)', () => {
    const texts = [10, 5_000, 40_000, 70_000, 200_000, 10].map((n, i) =>
      String.fromCharCode(97 + i).repeat(n),
    );
    const bodies = texts.map((text) => formEncodeBuffer([['v', text]]));
    // Many more small bodies: enough to move past the first slab.
    for (let i = 0; i < 200; i++) formEncodeBuffer([['w', 'é'.repeat(300)]]);
    texts.forEach((text, i) => {
      assert.equal(bodies[i]!.toString('latin1'), `v=${text}`);
    });
  });

  test('the Buffer and string forms are the same bytes; the body is ASCII', () => {
    const payload = toPayload(call);
    const buffer = formEncodeBuffer(payload);
    assert.equal(buffer.toString('latin1'), formEncode(payload));
    assert.ok(buffer.every((b) => b < 0x80));
    assert.equal(encodeCall(call).contentType, 'application/x-www-form-urlencoded');
  });
});

describe('form encoding: a bytes value (a captured message that is not UTF-8)', () => {
  test('each byte as it is: unreserved kept, space `+`, every other byte %XX, as PHP http_build_query does', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, b) => b));
    const body = formEncodeBuffer([['mime', all]]).toString('latin1');
    let expected = 'mime=';
    for (const b of all)
      expected += /[A-Za-z0-9\-._~]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : b === 0x20
          ? '+'
          : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    assert.equal(body, expected);
  });

  test('an empty bytes value is still a field: `mime=`', () => {
    const body = formEncodeBuffer([
      ['mime', new Uint8Array(0)],
      ['id', 'z'],
    ]).toString('latin1');
    assert.equal(body, 'mime=&id=z');
  });

  test('a big one (past the slab) and text fields around it keep their own encoding', () => {
    const big = Buffer.alloc(100_000, 0xfc);
    const body = formEncodeBuffer([
      ['recipient', 'jürgen@example.de'],
      ['mime', big],
      ['tags', ['a b']],
    ]).toString('latin1');
    assert.ok(body.startsWith('recipient=j%C3%BCrgen%40example.de&mime=%FC%FC'));
    assert.ok(body.endsWith('%FC&tags[]=a+b'));
    assert.equal(
      body.length,
      'recipient=j%C3%BCrgen%40example.de&mime='.length + 300_000 + '&tags[]=a+b'.length,
    );
  });
});

describe('form encoding of a call: fields read straight from the dialect table', () => {
  const generated = new EventGenerator({ seed: 11, clock: (i) => SEEDED_EPOCH + i * 1000 }).take(400);
  test('encodeCall writes the bytes formEncodeBuffer writes of the call payload, every kind and dialect', () => {
    let compared = 0;
    for (const c of [call, ...generated])
      for (const dialect of DIALECTS) {
        if (!dialectCarries(dialect, c.event.type)) continue;
        const expected = formEncodeBuffer(toPayload(c, dialect));
        assert.deepEqual(encodeCall(c, 'form', dialect).body, expected, `${c.scenario} ${dialect}`);
        compared++;
      }
    assert.ok(compared > 400);
  });
  test('an undefined value is left out, the fields around it keep their order', () => {
    const body = formEncodeFields(['a', 'b', 'c', 'd'], ['1', undefined, 2, ['x', 'y']], 4);
    assert.equal(body.toString('latin1'), 'a=1&c=2&d[]=x&d[]=y');
    assert.equal(formEncodeFields(['a', 'b'], [undefined, 'z'], 2).toString('latin1'), 'b=z');
    assert.equal(
      formEncodeFields(['a', 'b'], ['1', '2'], 1).toString('latin1'),
      'a=1',
      'only `count` fields',
    );
  });
  test('a bytes value among them takes the bytes path with the same field rules', () => {
    const mime = Uint8Array.from([0x41, 0x20, 0xe9, 0x7e]);
    const body = formEncodeFields(['id', 'x', 'mime', 'tags'], ['i d', undefined, mime, ['t']], 4);
    assert.equal(body.toString('latin1'), 'id=i+d&mime=A+%E9~&tags[]=t');
  });
});

describe('form encoding: a text from a template (a sync wording)', () => {
  const value = 'ü&x y';
  const text = t`<${value}>: not here, ${'b+c'} [${''}]`;
  test('t`...` spells what the template literal spells', () => {
    assert.equal(text.text, `<${value}>: not here, ${'b+c'} [${''}]`);
    assert.equal(text.pieces.length, text.values.length + 1);
  });
  test('its stored pieces and escaped values are the bytes of its whole text, first field or not, again and again', () => {
    for (let round = 0; round < 3; round++) {
      assert.deepEqual(
        formEncodeFields(['id', 'description', 'tags'], ['1', text, ['a']], 3),
        formEncodeFields(['id', 'description', 'tags'], ['1', text.text, ['a']], 3),
      );
      assert.deepEqual(formEncodeFields(['d'], [text], 1), formEncodeFields(['d'], [text.text], 1));
    }
  });
  test('beside a bytes value it is written whole', () => {
    const mime = Uint8Array.from([0x41]);
    const body = formEncodeFields(['d', 'mime'], [text, mime], 2).toString('latin1');
    assert.equal(body, `d=${formEncodeFields(['x'], [text.text], 1).toString('latin1').slice(2)}&mime=A`);
  });
  test('sync failures carry their wording as a template; encodeCall writes it only while it spells the description', () => {
    const sync = new EventGenerator({
      seed: 5,
      clock: (i) => SEEDED_EPOCH + i * 1000,
      scenario: 'sync-userunknown',
    }).take(50);
    const templated = sync.filter((c) => c.descriptionText !== undefined);
    assert.ok(templated.length > 40, 'the sync wordings are templates');
    for (const c of templated) {
      const e = c.event as FailureEvent;
      assert.equal(c.descriptionText!.text, e.description);
      const changed = { ...c, event: { ...e, description: 'replaced & changed' } };
      const body = encodeCall(changed, 'form', 'smtpeter').body.toString('latin1');
      assert.match(body, /&description=replaced\+%26\+changed&/);
    }
  });
});
