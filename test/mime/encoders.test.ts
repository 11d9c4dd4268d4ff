import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { serialize } from 'node:v8';
import { quotedPrintable, wrapText } from '../../src/mime/body.js';
import { foldHeader, rfc5322Date } from '../../src/mime/headers.js';
import { createRng } from '../../src/random/rng.js';

/*
 * The MIME encoders were rewritten for speed (slices instead of a string per
 * byte, no regex split). These are the plain first versions, kept as the
 * reference the fast ones must match byte for byte.
 */
function referenceQp(text: string): string {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const bytes = Buffer.from(line, 'utf8');
    let encoded = '';
    let width = 0;
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i] as number;
      const last = i === bytes.length - 1;
      let token: string;
      if ((byte === 0x20 || byte === 0x09) && !last) token = String.fromCharCode(byte);
      else if (byte >= 33 && byte <= 126 && byte !== 61) token = String.fromCharCode(byte);
      else token = `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
      if (width + token.length > 75) {
        encoded += '=\r\n';
        width = 0;
      }
      encoded += token;
      width += token.length;
    }
    out.push(encoded);
  }
  return out.join('\r\n');
}

function referenceFold(name: string, value: string, width = 78, indent = ' '): string {
  const first = `${name}: `;
  const tokens = value.split(/(?<= )/);
  const lines: string[] = [];
  let line = first;
  for (const token of tokens) {
    if (line.length + token.trimEnd().length > width && line.trim().length > first.length - 1) {
      lines.push(line.trimEnd());
      line = indent + token;
    } else {
      line += token;
    }
  }
  lines.push(line.trimEnd());
  return lines.join('\r\n');
}

function referenceWrap(text: string, width = 76, indent = ''): string {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent + word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.join('\r\n');
}

/** Text with the characters encoders trip on, in runs of every length. */
function samples(seed: number, count: number): string[] {
  const rng = createRng(seed);
  const pieces = [
    'word',
    ' ',
    '  ',
    '\t',
    '=',
    '\r\n',
    '\n',
    '\r',
    'ü',
    '€',
    '😀',
    '.',
    'x'.repeat(80),
    'abc def ',
  ];
  const out = [
    '',
    ' ',
    'a ',
    '=',
    'x'.repeat(75),
    'x'.repeat(76),
    `${'x'.repeat(74)} `,
    `${'x'.repeat(73)}ü`,
  ];
  for (let i = 0; i < count; i++) {
    let text = '';
    const n = rng.int(1, 60);
    for (let j = 0; j < n; j++) text += rng.pick(pieces);
    out.push(text);
  }
  return out;
}

/** Header values as generators write them: words, single spaces, now and then a very long word. */
function singleSpaced(seed: number, count: number): string[] {
  const rng = createRng(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const words: string[] = [];
    const n = rng.int(1, 40);
    for (let j = 0; j < n; j++) words.push('w'.repeat(rng.chance(0.05) ? rng.int(60, 120) : rng.int(1, 14)));
    out.push(words.join(' '));
  }
  return out;
}

describe('MIME encoders match their reference versions', () => {
  test('quoted-printable', () => {
    for (const text of samples(1, 2000))
      assert.equal(quotedPrintable(text), referenceQp(text), JSON.stringify(text));
  });
  test('quoted-printable of text with characters past Latin-1 is a one-byte string', () => {
    // v8.serialize tags a one-byte string '"' and a two-byte one 'c': one
    // two-byte piece makes a whole DSN two-byte when its MIME is flattened.
    const oneByte = (s: string): boolean => serialize(s)[2] === 0x22;
    for (const text of [
      'Total: €12.00\nThanks, Anna',
      'line one\r\nline two ’\r\n',
      `${'x'.repeat(90)}\n😀`,
    ]) {
      assert.ok(!oneByte(text), 'the input is two-byte');
      const qp = quotedPrintable(text);
      assert.equal(qp, referenceQp(text));
      assert.ok(oneByte(qp), JSON.stringify(qp));
    }
  });
  test('header folding, short and long, space and tab indents', () => {
    for (const value of [...samples(2, 2000), ...singleSpaced(3, 2000)]) {
      const clean = value.replace(/[\r\n]/g, '');
      for (const [name, indent] of [
        ['Subject', ' '],
        ['X-Very-Long-Header-Name-Indeed', '\t'],
      ] as const) {
        assert.equal(
          foldHeader(name, clean, 78, indent),
          referenceFold(name, clean, 78, indent),
          JSON.stringify(clean),
        );
      }
    }
  });
  test('text wrapping, with and without an indent', () => {
    for (const text of [...samples(4, 1000), ...singleSpaced(5, 2000)]) {
      for (const [width, indent] of [
        [76, ''],
        [76, '    '],
        [40, '  '],
      ] as const) {
        assert.equal(wrapText(text, width, indent), referenceWrap(text, width, indent), JSON.stringify(text));
      }
    }
  });
});

describe('rfc5322Date', () => {
  /** The plain first version: every field through String() and padStart. */
  function referenceDate(ms: number, offsetMinutes = 0): string {
    const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
    const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    const p = (n: number): string => String(n).padStart(2, '0');
    const d = new Date(ms + offsetMinutes * 60_000);
    const abs = Math.abs(offsetMinutes);
    return (
      `${days[d.getUTCDay()]}, ${d.getUTCDate()} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
      `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} ` +
      `${offsetMinutes < 0 ? '-' : '+'}${p(Math.floor(abs / 60))}${p(abs % 60)}`
    );
  }
  test('the same text as the reference for times and zone offsets across years', () => {
    const rng = createRng(5);
    for (let i = 0; i < 5000; i++) {
      const ms = rng.int(0, 4_102_444_800) * 1000 + rng.int(0, 999);
      const offset = rng.pick([0, 60, -300, -420, 330, 545, -720, 840, 6000, -6000]);
      assert.equal(rfc5322Date(ms, offset), referenceDate(ms, offset));
    }
    assert.equal(rfc5322Date(Date.UTC(2026, 10, 23, 10, 1, 32), 60), 'Mon, 23 Nov 2026 11:01:32 +0100');
  });

  test('the same text for times in a row on one day, across midnight, before 1970 and with fractions', () => {
    const midnight = Date.UTC(2026, 0, 16);
    const times = [
      ...Array.from({ length: 50 }, (_, i) => midnight - 60_000 + i * 2_345.5),
      -1,
      -0.5,
      0.5,
      -86_400_001,
      Date.UTC(1969, 11, 31, 23, 59, 59, 999),
    ];
    for (const ms of times)
      for (const offset of [0, 60, -480]) assert.equal(rfc5322Date(ms, offset), referenceDate(ms, offset));
  });
});
