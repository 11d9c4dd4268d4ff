/**
 * Config files (src/config): where they are found, what a good one yields,
 * and one UsageError naming the file (and line) for each kind of bad one.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import { CONFIG_KEYS } from '../../src/config/schema.js';
import { Settings } from '../../src/config/settings.js';
import { UsageError } from '../../src/model/errors.js';

/** A fresh folder holding `files`. */
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'smtpeter-sim-config-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** The message of the UsageError loading `files` gives. */
async function refusal(files: Record<string, string>, explicit?: string): Promise<string> {
  const dir = folder(files);
  try {
    await loadConfig(dir, explicit);
  } catch (err) {
    assert.ok(err instanceof UsageError, String(err));
    assert.doesNotMatch(err.message, /\n/, 'one line');
    return err.message.replace(dir, '$DIR');
  }
  assert.fail('loaded');
}

describe('loadConfig: finding the file', () => {
  test('no config: no values, no file', async () => {
    assert.deepEqual(await loadConfig(folder({})), { values: {} });
  });

  test('.smtpeter-simrc (JSON or YAML), .smtpeter-simrc.json, .yaml, package.json, smtpeter-sim.config.mjs', async () => {
    const cases: [string, string][] = [
      ['.smtpeter-simrc', '{"keyId": "a._domainkey.copernica.com"}'],
      ['.smtpeter-simrc', 'keyId: a._domainkey.copernica.com\n'],
      ['.smtpeter-simrc.json', '{"keyId": "a._domainkey.copernica.com"}'],
      ['.smtpeter-simrc.yaml', 'keyId: a._domainkey.copernica.com\n'],
      ['package.json', '{"name": "x", "smtpeter-sim": {"keyId": "a._domainkey.copernica.com"}}'],
      ['smtpeter-sim.config.mjs', "export default { keyId: 'a._domainkey.copernica.com' };\n"],
    ];
    for (const [name, text] of cases) {
      const dir = folder({ [name]: text });
      const loaded = await loadConfig(dir);
      assert.equal(loaded.filepath, join(dir, name), name);
      assert.deepEqual(loaded.values, { keyId: 'a._domainkey.copernica.com' }, name);
    }
  });

  test('a package.json without the key is no config', async () => {
    assert.deepEqual(await loadConfig(folder({ 'package.json': '{"name": "x"}' })), { values: {} });
  });

  test('the search stops at the folder it starts in: a parent folder is not read', async () => {
    const dir = folder({ '.smtpeter-simrc.json': '{"keyId": "parent"}', 'child/.keep': '' });
    assert.deepEqual(await loadConfig(join(dir, 'child')), { values: {} });
  });

  test('--config names a file anywhere, relative to the working folder', async () => {
    const dir = folder({ 'conf/team.yaml': 'copernicaId: environment-42\n' });
    const loaded = await loadConfig(dir, 'conf/team.yaml');
    assert.equal(loaded.filepath, join(dir, 'conf/team.yaml'));
    assert.deepEqual(loaded.values, { copernicaId: 'environment-42' });
  });

  test('--config of a file that is not there', async () => {
    assert.equal(await refusal({}, 'nope.json'), '--config nope.json: no such file');
  });
});

describe('loadConfig: values', () => {
  test('every kind of value, as the flags take them', async () => {
    const dir = folder({
      '.smtpeter-simrc.json': JSON.stringify({
        url: 'http://127.0.0.1:8025/hook',
        format: 'json',
        dialect: 'marketing-suite',
        tags: ['a', 'b'],
        headers: { 'X-Team': 'mail' },
        seed: 42,
        retries: 3,
        retryBase: '100ms',
        retryJitter: 'decorrelated',
        signedHeaders: 'documented',
        digestCase: 'upper',
      }),
    });
    assert.deepEqual((await loadConfig(dir)).values, {
      url: 'http://127.0.0.1:8025/hook',
      format: 'json',
      dialect: 'marketing-suite',
      tags: ['a', 'b'],
      headers: { 'X-Team': 'mail' },
      seed: '42',
      retries: '3',
      retryBase: '100ms',
      retryJitter: 'decorrelated',
      signedHeaders: 'documented',
      digestCase: 'upper',
    });
  });

  test('key paths are relative to the config file, not to where the tool runs', async () => {
    const dir = folder({
      'conf/.smtpeter-simrc.json': '{"key": "keys/sim.key", "publicKey": "/abs/sim.pub"}',
    });
    const loaded = await loadConfig(join(dir, 'conf'));
    assert.deepEqual(loaded.values, { key: join(dir, 'conf', 'keys', 'sim.key'), publicKey: '/abs/sim.pub' });
  });

  test('the keys it knows are the ones `config` lists', () => {
    assert.ok(CONFIG_KEYS.includes('url') && CONFIG_KEYS.includes('retrySchedule'));
    assert.equal(new Set(CONFIG_KEYS).size, CONFIG_KEYS.length);
  });
});

describe('loadConfig: bad files, one line naming the file', () => {
  const rc = '$DIR/.smtpeter-simrc.json';
  for (const [what, text, message] of [
    ['unknown key', '{"colour": "red"}', `${rc}: unknown key 'colour' (known: ${CONFIG_KEYS.join(', ')})`],
    ['not one of the choices', '{"format": "xml"}', `${rc}: 'format' must be one of form, json, got "xml"`],
    ['an empty string', '{"url": ""}', `${rc}: 'url' must be a non-empty string, got ""`],
    [
      'tags not a list',
      '{"tags": "a"}',
      `${rc}: 'tags' must be an array of tags: strings without white space or a semicolon (SMTPeter forbids both), got "a"`,
    ],
    [
      'a tag with a space (was named as --tag)',
      '{"tags": ["ok", "a b"]}',
      `${rc}: 'tags' must be an array of tags: strings without white space or a semicolon (SMTPeter forbids both), got ["ok","a b"]`,
    ],
    [
      'tags with a number',
      '{"tags": ["a", 1]}',
      `${rc}: 'tags' must be an array of tags: strings without white space or a semicolon (SMTPeter forbids both), got ["a",1]`,
    ],
    [
      'headers not an object',
      '{"headers": ["X-A: 1"]}',
      `${rc}: 'headers' must be an object of header names to values, got ["X-A: 1"]`,
    ],
    [
      'a header value not a string',
      '{"headers": {"X-A": 1}}',
      `${rc}: 'headers' must be an object of header names to string values, got {"X-A":1}`,
    ],
    ['a blank seed', '{"seed": " "}', `${rc}: 'seed' must be a number or a non-empty string, got " "`],
    [
      'retries not a scalar',
      '{"retries": [1]}',
      `${rc}: 'retries' must be a number or a non-empty string, got [1]`,
    ],
    ['not an object', '["url"]', `${rc}: config must be an object`],
  ] as const) {
    test(what, async () => {
      assert.equal(await refusal({ '.smtpeter-simrc.json': text }), message);
    });
  }

  test('JSON syntax: the line and column, in words', async () => {
    assert.match(
      await refusal({ '.smtpeter-simrc.json': '{\n  "url": "x",\n  ,\n}' }),
      /^\$DIR\/\.smtpeter-simrc\.json:3: not JSON: .* \(column \d+\)$/,
    );
  });

  test('YAML syntax: the line and column', async () => {
    assert.match(
      await refusal({ '.smtpeter-simrc.yaml': 'dialect: smtpeter\nurl: [unclosed\n' }),
      /^\$DIR\/\.smtpeter-simrc\.yaml:\d: not YAML: .* \(column \d+\)$/,
    );
  });

  test('a JS config that throws: the file and the reason', async () => {
    assert.match(
      await refusal({ 'smtpeter-sim.config.mjs': "throw new Error('no config today');\n" }),
      /^\$DIR\/smtpeter-sim\.config\.mjs(:\d+)?: cannot load: no config today$/,
    );
  });
});

describe('Settings: flag over config over default, each with its source', () => {
  const config = { values: { url: 'http://a/', format: 'json' as const }, filepath: '/p/.smtpeter-simrc' };

  test('a flag wins and says so', () => {
    const s = new Settings({ url: 'http://flag/' }, config);
    assert.deepEqual(s.get('url'), { value: 'http://flag/', source: 'flag' });
  });

  test('then the config file, named', () => {
    const s = new Settings({ url: undefined }, config);
    assert.deepEqual(s.get('url'), { value: 'http://a/', source: '/p/.smtpeter-simrc' });
    assert.equal(s.value('format'), 'json');
  });

  test('then the default; nothing without one', () => {
    const s = new Settings({}, { values: {} });
    assert.deepEqual(s.get('dialect', 'smtpeter'), { value: 'smtpeter', source: 'default' });
    assert.equal(s.get('dialect'), undefined);
    assert.equal(s.value('keyId'), undefined);
  });
});
