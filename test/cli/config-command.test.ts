/**
 * `config` and config files as the commands see them, in-process through
 * main(): found in the working folder, printed with their sources, and a
 * malformed one refused in one line before anything is sent. (That fire
 * sends with a config's settings is in test/e2e/config.test.ts.)
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runMain } from '../helpers/cli.js';

describe('config files, through the commands', () => {
  test('YAML config and package.json key are found too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-yaml-'));
    writeFileSync(join(dir, '.smtpeter-simrc.yaml'), 'dialect: marketing-suite\nformat: json\n');
    const c = await runMain(['config'], { cwd: dir });
    assert.match(c.stdout, /dialect\s+marketing-suite\s+.*\.smtpeter-simrc\.yaml/);
    const dir2 = mkdtempSync(join(tmpdir(), 'cfg-pkg-'));
    writeFileSync(
      join(dir2, 'package.json'),
      JSON.stringify({ name: 'x', 'smtpeter-sim': { keyId: 'k1._domainkey.copernica.com' } }),
    );
    const c2 = await runMain(['config'], { cwd: dir2 });
    assert.match(c2.stdout, /keyId\s+k1\._domainkey\.copernica\.com\s+.*package\.json/);
  });

  for (const [name, content, pattern] of [
    ['.smtpeter-simrc', '{ "url": ', /\.smtpeter-simrc:1: not YAML: \S.* \(column \d+\)$/m],
    ['.smtpeter-simrc.json', '{"colour": "red"}', /\.smtpeter-simrc\.json: unknown key 'colour'/],
    [
      '.smtpeter-simrc.json',
      '{"format": "xml"}',
      /\.smtpeter-simrc\.json: 'format' must be one of form, json/,
    ],
    ['.smtpeter-simrc.json', '{"tags": "a"}', /'tags' must be an array of tags: strings without white space/],
    [
      '.smtpeter-simrc.yaml',
      'url: [unclosed',
      /\.smtpeter-simrc\.yaml:1: not YAML: unexpected end of the stream within a flow collection \(column \d+\)$/m,
    ],
  ] as const) {
    test(`malformed ${name} (${content}): one line with its path, exit 2`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'cfg-bad-'));
      writeFileSync(join(dir, name), content);
      const r = await runMain(['fire', '--dry-run'], { cwd: dir });
      assert.equal(r.code, 2, r.stdout);
      assert.match(r.stderr, pattern);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    });
  }
});
