/**
 * JSON with positions (jsonc-parser underneath, strict): the value as
 * JSON.parse makes it, each path's line, and the first syntax error in
 * words with its line and column, as fixture and config errors print them.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { JsonSyntaxError, parseJsonWithLines } from '../../src/fixture-file/json-positions.js';

function error(text: string): string {
  try {
    parseJsonWithLines(text);
  } catch (e) {
    assert.ok(e instanceof JsonSyntaxError);
    return `${e.line}:${e.column} ${e.message}`;
  }
  return 'parsed';
}

describe('JSON positions', () => {
  test('values as JSON.parse builds them: plain objects, the last of repeated keys, a BOM skipped', () => {
    const text = '\ufeff{"a": [1, {"b": "x\\u00e9"}], "a2": -0.5e1, "d": 1, "d": 2}';
    const { value, lines } = parseJsonWithLines(text);
    assert.deepEqual(value, JSON.parse(text.slice(1)));
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
    assert.equal(lines.get('$.a[1].b'), 1);
  });

  const errors: [string, string][] = [
    ['{ "url": ', '1:10 expected a value, found the end of the file'],
    ['{"name": "x", }', "1:15 expected a property name in double quotes, found '}'"],
    ['{\n  "type": "x"\n  ]', `3:3 expected ',' or '}' after the value of "type", found ']'`],
    ['{"a" 1}', `1:6 expected ':' after "a", found '1'`],
    ['[1 2]', "1:4 expected ',' or ']' in an array, found '2'"],
    ['[1,2', "1:5 expected ',' or ']' in an array, found the end of the file"],
    ['{"a": 1} x', "1:10 expected the end of the file after the value, found 'x'"],
    ['{"a": "b\nc"}', "1:9 unescaped control character in a string, found '\n'"],
    ['{"a": "bc', '1:10 unterminated string, found the end of the file'],
    ['{"a": "\\q"}', `1:7 bad escape in a string, found '"'`],
    ['{"a": 1.}', `1:8 expected ',' or '}' after the value of "a", found '.'`],
    ['{"a": // no comments\n 1}', "1:7 expected a value, found '/'"],
    ['{nope: 1}', "1:2 expected a property name in double quotes, found 'n'"],
  ];
  for (const [text, said] of errors)
    test(`${JSON.stringify(text)}: ${said}`, () => {
      assert.equal(error(text), said);
    });
});
