import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { collect, nonEmpty } from '../../src/cli/flags.js';
import { parseDuration as tryDuration } from '../../src/model/time.js';
import {
  byteSize,
  duration,
  eventTime,
  header,
  httpUrl,
  oneOf,
  positiveInt,
  readableFile,
  wholeNumberIn,
} from '../../src/plan/flag-values.js';
import { runMain } from '../helpers/cli.js';

/** The parser's refusal: a UsageError whose message is exactly `message`. */
const refuses = (parse: () => unknown, message: string): void => {
  assert.throws(parse, (err: Error) => err.name === 'UsageError' && err.message === message);
};

describe('durations', () => {
  test('every unit; a bare number only when it is 0', () => {
    assert.equal(tryDuration('500ms'), 500);
    assert.equal(tryDuration('1.5s'), 1500);
    assert.equal(tryDuration('2m'), 120_000);
    assert.equal(tryDuration('1h'), 3_600_000);
    assert.equal(tryDuration(' 30 S '), 30_000);
    assert.equal(tryDuration('0'), 0);
    assert.equal(tryDuration('0.0'), 0);
    for (const bare of ['30', '5', '0.5', '500']) assert.equal(tryDuration(bare), undefined, bare);
  });

  test('not durations at all', () => {
    for (const text of ['', 'soon', '-1s', '1d', '1e3ms', '1 2s', 's'])
      assert.equal(tryDuration(text), undefined, text);
  });

  test('the error names the flag, asks for a unit and quotes the value', () => {
    assert.throws(
      () => duration('--duration', '30'),
      /^UsageError: --duration: expected a duration with a unit such as 500ms, 30s or 2m, got '30'$/,
    );
    assert.equal(duration('--grace', '250ms'), 250);
  });
});

describe('numbers', () => {
  test('positiveInt: whole numbers from 1', () => {
    assert.equal(positiveInt('--count', '1'), 1);
    assert.equal(positiveInt('--count', '9007199254740991'), Number.MAX_SAFE_INTEGER);
    // As the issue writes a big run: `fire --dry-run -n 1e7`.
    assert.equal(positiveInt('--count', '1e7'), 10_000_000);
    assert.equal(positiveInt('--count', '2E3'), 2000);
    for (const text of [
      '0',
      '-1',
      '1.5',
      '1.5e3',
      '1e-3',
      '0e5',
      '1e400',
      ' 2',
      '0x10',
      '',
      '9007199254740993',
    ])
      refuses(
        () => positiveInt('--count', text),
        `--count: expected a whole number of 1 or more, got '${text}'`,
      );
  });

  test('wholeNumberIn: the range, said in the words given', () => {
    assert.equal(wholeNumberIn('--port', '0', 0, 65535, 'a port 0-65535'), 0);
    assert.equal(wholeNumberIn('--port', '65535', 0, 65535, 'a port 0-65535'), 65535);
    for (const text of ['65536', '-1', '80.5', 'http'])
      refuses(
        () => wholeNumberIn('--port', text, 0, 65535, 'a port 0-65535'),
        `--port: expected a port 0-65535, got '${text}'`,
      );
  });

  test('byteSize: bytes, KB and MB (binary), with or without a space', () => {
    assert.equal(byteSize('--attachment-size', '1048576'), 1_048_576);
    assert.equal(byteSize('--attachment-size', '512KB'), 512 * 1024);
    assert.equal(byteSize('--attachment-size', '2MB'), 2 * 1024 * 1024);
    assert.equal(byteSize('--attachment-size', '1.5 MB'), 1_572_864);
    assert.equal(byteSize('--attachment-size', '3kib'), 3072);
    refuses(
      () => byteSize('--attachment-size', '2GB'),
      "--attachment-size: expected a size such as 2MB or 512KB, got '2GB'",
    );
  });
});

describe('text values', () => {
  test('nonEmpty: blank is refused, anything else passes unchanged', () => {
    assert.equal(nonEmpty('--seed')(' 7 '), ' 7 ');
    refuses(() => nonEmpty('--seed')('  '), '--seed: expected a value, got an empty one');
  });

  test('oneOf: lists the choices', () => {
    assert.equal(oneOf('--dialect', 'smtpeter', ['smtpeter', 'marketing-suite']), 'smtpeter');
    refuses(
      () => oneOf('--dialect', 'SMTPeter', ['smtpeter', 'marketing-suite']),
      "--dialect: expected one of smtpeter, marketing-suite, got 'SMTPeter'",
    );
  });

  test('collect: a repeatable flag keeps every value, in order', () => {
    assert.deepEqual(collect('b', collect('a')), ['a', 'b']);
  });

  test('header: Name: value, the name a token, the value trimmed', () => {
    assert.deepEqual(header('--header', 'X-Team:  mail '), ['X-Team', 'mail']);
    assert.deepEqual(header('--header', 'Authorization: Bearer a:b'), ['Authorization', 'Bearer a:b']);
    assert.deepEqual(header('--header', 'X-Empty:'), ['X-Empty', '']);
    for (const text of ['X-Team', ': value', 'X Team: a', 'X-Tëam: a'])
      refuses(() => header('--header', text), `--header: expected 'Name: value', got '${text}'`);
  });

  test('httpUrl: http and https only', () => {
    assert.equal(httpUrl('--url', 'https://example.com/hook?x=1').pathname, '/hook');
    refuses(() => httpUrl('--url', 'example.com/hook'), "--url: 'example.com/hook' is not a URL");
    refuses(
      () => httpUrl('--url', 'ftp://example.com/'),
      "--url: 'ftp://example.com/' is not an http:// or https:// URL",
    );
  });

  test('eventTime: an ISO date or now', () => {
    assert.equal(eventTime('--time', 'now'), 'now');
    assert.equal(eventTime('--time', '2026-01-15T09:30:00Z'), Date.UTC(2026, 0, 15, 9, 30));
    assert.equal(eventTime('--time', '2026-01-15'), Date.UTC(2026, 0, 15));
    assert.equal(eventTime('--time', '2026-01-15T09:30'), Date.UTC(2026, 0, 15, 9, 30));
    assert.equal(eventTime('--time', '2026-01-15T09:30:00'), Date.UTC(2026, 0, 15, 9, 30));
    assert.equal(eventTime('--time', '2026-01-15T09:30:00.25Z'), Date.UTC(2026, 0, 15, 9, 30, 0, 250));
    assert.equal(eventTime('--time', '2026-01-15T09:30:00+01:30'), Date.UTC(2026, 0, 15, 8, 0));
    assert.equal(eventTime('--time', '2026-01-15T09:30:00-05:00'), Date.UTC(2026, 0, 15, 14, 30));
    // The extended format's other offset; ±hhmm is the basic format's (not with 2026-01-15).
    assert.equal(eventTime('--time', '2026-01-15T09:30:00+05'), Date.UTC(2026, 0, 15, 4, 30));
    const expected =
      "expected an ISO 8601 date such as 2026-11-23 or 2026-11-23T10:00:00Z (no zone: UTC), or 'now'";
    for (const bad of [
      'yesterday',
      '1',
      'hello 2026',
      '2026',
      '2026-01-15 09:30',
      '2026-01-15T25:00',
      '2026-01-15T09:30+0100',
      '2026-01-15T09:30+010',
      '2026-01-15T09:30+01:60',
      'Thu, 15 Jan 2026 09:30:00 GMT',
    ])
      refuses(() => eventTime('--time', bad), `--time: ${expected}, got '${bad}'`);
    refuses(
      () => eventTime('--time', '2026-02-30'),
      "--time: 2026-02-30 is not a date in the calendar, got '2026-02-30'",
    );
    // A year below 100 is that year (not 19xx): a date, before 1970.
    refuses(
      () => eventTime('--time', '0050-01-01'),
      "--time: must be 1970-01-01 or later (a Unix timestamp), got '0050-01-01'",
    );
    refuses(
      () => eventTime('--time', '1969-12-31T23:59:59Z'),
      "--time: must be 1970-01-01 or later (a Unix timestamp), got '1969-12-31T23:59:59Z'",
    );
  });

  test('readableFile: checked when parsed, so nothing is half-sent later', () => {
    const dir = mkdtempSync(join(tmpdir(), 'smtpeter-sim-flags-'));
    const file = join(dir, 'ca.pem');
    writeFileSync(file, 'x');
    assert.equal(readableFile('--ca', file), file);
    refuses(
      () => readableFile('--ca', join(dir, 'gone.pem')),
      `--ca ${join(dir, 'gone.pem')}: cannot read (ENOENT)`,
    );
  });
});

describe('a flag whose value was left out', () => {
  // commander takes the next word as the value, so `--seed --dry-run` was a seed of "--dry-run" and a real run.
  for (const [args, flag, taken] of [
    [['fire', '--seed', '--dry-run'], '--seed', '--dry-run'],
    [['fire', '--dry-run', '--url', '-q'], '--url', '-q'],
    [['generate', '-n', '1', '--out', '--seed'], '--out', '--seed'],
  ] as const) {
    test(`${args.join(' ')}: refused, naming ${flag} and ${taken}, exit 2`, async () => {
      const r = await runMain([...args]);
      assert.equal(r.code, 2, r.stdout);
      assert.equal(
        r.stderr,
        `smtpeter-sim: ${flag}: expected a value, got the flag '${taken}' (was the value left out?)\n`,
      );
      assert.equal(r.stdout, '');
    });
  }

  test('a value that only starts with a dash, not a flag of the command, is still a value', async () => {
    const r = await runMain(['fire', '--dry-run', '-n', '1', '--seed', '-5']);
    assert.equal(r.code, 0, r.stderr);
  });
});
