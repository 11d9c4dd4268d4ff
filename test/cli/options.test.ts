/**
 * Shared flags (src/cli/options.ts): declared once, added to a command with
 * their choices, repetition and empty-value check, reworded where asked.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Command } from 'commander';
import {
  addSharedOptions,
  DISORDER_OPTIONS,
  GENERATE_OPTIONS,
  RETRY_OPTIONS,
} from '../../src/cli/options.js';

/** A command with the shared options `names`, parsed from `args`: its options, or what it refused. */
function parse(
  names: Parameters<typeof addSharedOptions>[1],
  args: string[],
  overrides: Parameters<typeof addSharedOptions>[2] = {},
): { opts?: Record<string, unknown>; error?: string } {
  let error = '';
  const cmd = addSharedOptions(new Command('t'), names, overrides)
    .exitOverride()
    .configureOutput({ writeErr: (text) => (error += text), writeOut: () => {} });
  try {
    cmd.parse(args, { from: 'user' });
    return { opts: cmd.opts() };
  } catch (err) {
    return { error: error || (err as Error).message };
  }
}

describe('addSharedOptions', () => {
  test('the options come in the order given', () => {
    const cmd = addSharedOptions(new Command('t'), ['seed', 'url', 'type']);
    assert.deepEqual(
      cmd.options.map((o) => o.long),
      ['--seed', '--url', '--type'],
    );
  });

  test('choices are enforced by commander, naming the flag and the allowed values', () => {
    assert.deepEqual(parse(['type'], ['--type', 'bounce']).opts, { type: 'bounce' });
    assert.match(
      parse(['type'], ['--type', 'nope']).error!,
      /--type <type>' argument 'nope' is invalid\. Allowed choices are failure, bounce/,
    );
  });

  test('a repeatable flag collects every value', () => {
    assert.deepEqual(parse(['tag', 'header'], ['--tag', 'a', '-H', 'X-A: 1', '--tag', 'b']).opts, {
      tag: ['a', 'b'],
      header: ['X-A: 1'],
    });
  });

  test('an empty value is refused where it would read as not given', () => {
    assert.equal(parse(['seed'], ['--seed', '']).error, '--seed: expected a value, got an empty one');
    assert.deepEqual(parse(['url'], ['--url', '']).opts, { url: '' });
  });

  test('--no-sign is a negation: sign is true unless it is given', () => {
    assert.deepEqual(parse(['no-sign'], []).opts, { sign: true });
    assert.deepEqual(parse(['no-sign'], ['--no-sign']).opts, { sign: false });
  });

  test('a command may reword a description and narrow the choices', () => {
    const cmd = addSharedOptions(new Command('t'), ['dialect'], {
      dialect: { description: 'only these', choices: ['smtpeter', 'marketing-suite'] },
    });
    assert.equal(cmd.options[0]!.description, 'only these');
    assert.deepEqual(cmd.options[0]!.argChoices, ['smtpeter', 'marketing-suite']);
    assert.match(
      parse(['dialect'], ['--dialect', 'smtpeter-feedback-loop'], { dialect: { choices: ['smtpeter'] } })
        .error!,
      /Allowed choices are smtpeter\b/,
    );
  });

  test('the groups fire, generate and replay share are distinct, declared flags', () => {
    for (const group of [GENERATE_OPTIONS, RETRY_OPTIONS, DISORDER_OPTIONS]) {
      const cmd = addSharedOptions(new Command('t'), group);
      assert.equal(new Set(cmd.options.map((o) => o.long)).size, group.length);
    }
    assert.deepEqual(
      addSharedOptions(new Command('t'), RETRY_OPTIONS).options.map((o) => o.long),
      ['--retries', '--retry-base', '--retry-max', '--retry-jitter', '--retry-schedule'],
    );
  });
});
