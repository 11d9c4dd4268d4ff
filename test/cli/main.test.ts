/**
 * main(argv, io) in-process: key pairs that must not be overwritten, a
 * command group given without its subcommand, help text. (The exit status
 * of the built CLI, pipes and signals are in test/e2e/cli-process.test.ts.)
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runMain } from '../helpers/cli.js';

describe('keys generate keeps a pair that may be published', () => {
  const home = mkdtempSync(join(tmpdir(), 'smtpeter-sim-keys-'));
  const env = { XDG_CONFIG_HOME: home };
  const keyFile = join(home, 'smtpeter-sim', 'keys', 'smtpeter-sim.key');

  test('a second generate in the default folder is refused, the pair untouched; --force replaces it', async () => {
    assert.equal((await runMain(['keys', 'generate'], { env })).code, 0);
    const first = readFileSync(keyFile, 'utf8');
    const again = await runMain(['keys', 'generate'], { env });
    assert.equal(again.code, 2);
    assert.match(
      again.stderr,
      /^smtpeter-sim: key folder \S+: a key pair is already there .*--force to replace it\n$/,
    );
    assert.equal(again.stdout, '');
    assert.equal(readFileSync(keyFile, 'utf8'), first);
    const forced = await runMain(['keys', 'generate', '--force'], { env });
    assert.equal(forced.code, 0, forced.stderr);
    assert.notEqual(readFileSync(keyFile, 'utf8'), first);
    assert.match(forced.stdout, /DKIM TXT record/);
    assert.doesNotMatch(forced.stdout, /your --key-id/);
  });

  test('`keys` without a subcommand shows its help on stderr and exits 2', async () => {
    const r = await runMain(['keys'], { env });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /Usage: smtpeter-sim keys/);
    assert.match(r.stderr, /generate/);
  });
});

describe('help', () => {
  const help = async (...command: string[]): Promise<string> => {
    const r = await runMain([...command, '--help']);
    assert.equal(r.code, 0, r.stderr);
    // Unwrapped: commander wraps descriptions to the terminal's width.
    return r.stdout.replace(/\s+/g, ' ');
  };

  test('defaults in one style, (default: …), never commander-quoted', async () => {
    for (const command of [['fire'], ['replay'], ['listen'], ['check'], ['generate'], ['keys', 'generate']]) {
      const text = await help(...command);
      assert.doesNotMatch(text, /\(default: "/, command.join(' '));
      assert.doesNotMatch(text, /\(default [^:]/, command.join(' '));
    }
  });

  test('what each flag takes is said where it is offered', async () => {
    const fire = await help('fire');
    assert.match(fire, /--rate <rate> [^-]*2\/h \(a bare number is per second\)/);
    assert.match(fire, /--signed-headers <set>/);
    assert.match(fire, /--workers <n> threads [^(]*; 0 = all on the main thread/);
    const replay = await help('replay');
    assert.match(replay, /-q, --quiet/);
    assert.match(replay, /--seed <seed> seeds --duplicate, --reorder and retry jitter/);
    assert.match(replay, /--retry-jitter <kind> exponential backoff jitter, drawn from --seed/);
    assert.match(await help('generate'), /--time <iso\|now>/);
    // serve retries on the mail ladder unless told otherwise; fire and replay do not retry by default.
    const serve = (await help('serve')).replace(/\s+/g, ' ');
    assert.match(
      serve,
      /--retries <n> retry a call [^(]*\(default: 10, the ladder 1m 5m 15m 30m 1h 2h 4h 8h 16h 24h at --time-scale;/,
    );
    assert.match(serve, /--retry-schedule <schedule> [^-]*.*\(default: real at --time-scale\)/);
    assert.match(serve, /--retry-max <duration> [^(]*\(default: none on the ladder;/);
    for (const command of ['fire', 'replay'])
      assert.match(
        (await help(command)).replace(/\s+/g, ' '),
        /--retries <n> retry a call [^(]*\(default: 0;/,
      );
    assert.match(await help('keys', 'generate'), /--force/);
  });

  test('the program says what it makes: every webhook kind, and a local SMTPeter (serve)', async () => {
    const text = await help();
    for (const kind of ['failure', 'bounce', 'delivery', 'open', 'click', 'abuse'])
      assert.match(text.split(' Options: ')[0]!, new RegExp(`\\b${kind}\\b`), kind);
    assert.match(text.split(' Options: ')[0]!, /local SMTPeter/);
  });
});
