/**
 * Config files checked against their JSON Schema (ajv): one line naming the
 * file and the key, the first problem in the file's key order; numbers
 * where the flags take text become text.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadConfig } from '../../src/config/load.js';

async function load(config: unknown): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'smtpeter-sim-config-schema-'));
  writeFileSync(join(dir, '.smtpeter-simrc.json'), JSON.stringify(config));
  try {
    return JSON.stringify((await loadConfig(dir)).values).replaceAll(dir, '$DIR');
  } catch (e) {
    return (e as Error).message.replace(`${join(dir, '.smtpeter-simrc.json')}: `, '');
  }
}

describe('config schema', () => {
  test('good values; numbers for seeds and flag syntax become text; key paths from the file', async () => {
    assert.equal(
      await load({ seed: 5, retries: 3, tags: ['a'], headers: { X: 'y' }, key: 'k.pem', format: 'json' }),
      '{"seed":"5","retries":"3","tags":["a"],"headers":{"X":"y"},"key":"$DIR/k.pem","format":"json"}',
    );
  });

  const bad: [unknown, string][] = [
    [[], 'config must be an object'],
    [{ url: '' }, `'url' must be a non-empty string, got ""`],
    [{ format: 'xml' }, `'format' must be one of form, json, got "xml"`],
    [
      { tags: ['a', 1] },
      `'tags' must be an array of tags: strings without white space or a semicolon (SMTPeter forbids both), got ["a",1]`,
    ],
    [{ headers: [] }, `'headers' must be an object of header names to values, got []`],
    [{ headers: { X: 1 } }, `'headers' must be an object of header names to string values, got {"X":1}`],
    [{ seed: ' ' }, `'seed' must be a number or a non-empty string, got " "`],
    [{ retries: null }, `'retries' must be a number or a non-empty string, got null`],
    [{ url: 3, bogus: 1 }, `'url' must be a non-empty string, got 3`],
  ];
  for (const [config, said] of bad)
    test(`${JSON.stringify(config)}: ${said}`, async () => {
      assert.equal(await load(config), said);
    });

  test('an unknown key lists the known ones, and comes first when it is first in the file', async () => {
    assert.match(
      await load({ bogus: 1, url: 3 }),
      /^unknown key 'bogus' \(known: url, failureUrl, bounceUrl, deliveryUrl, openUrl, clickUrl, abuseUrl, format, /,
    );
  });
});
