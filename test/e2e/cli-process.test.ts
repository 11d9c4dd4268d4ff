/**
 * The CLI as a process: a reader that closes the pipe, key pairs that must
 * not be overwritten, a command group given without its subcommand, and
 * the exit status bin/ passes on from main() (the bad-input catalogue and
 * most command tests run main() in-process).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type CaptureServer, startCaptureServer } from '../helpers/capture-server.js';
import { cli, cliSpawn } from '../helpers/cli.js';

/** Run the CLI with its stdout destroyed after the first line, as `| head -1` does. */
async function headOne(args: string[]): Promise<{ code: number | null; first: string; stderr: string }> {
  const proc = cliSpawn(args);
  let stdout = '';
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  proc.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (stdout.includes('\n')) proc.stdout!.destroy();
  });
  const code = await new Promise<number | null>((r) => proc.once('exit', (c) => r(c)));
  return { code, first: (stdout.split('\n')[0] ?? '').trimEnd(), stderr };
}

describe('a closed stdout (| head -1)', () => {
  let server: CaptureServer;
  before(async () => {
    server = await startCaptureServer();
  });
  after(() => server.close());

  test('fire --dry-run stops quietly with status 0', async () => {
    // Megabytes of requests: far more than a pipe buffers, so the writes meet the closed pipe.
    const r = await headOne([
      ...['fire', '--dry-run', '--no-sign', '--seed', '1', '-n', '3000'],
      ...['--url', 'http://127.0.0.1:8025/'],
    ]);
    assert.equal(r.first, 'POST / HTTP/1.1');
    assert.equal(r.stderr, '', 'no stack trace, nothing on stderr');
    assert.equal(r.code, 0);
  });

  test('check stops quietly with status 0', async () => {
    const r = await headOne(['check', '--url', server.url]);
    assert.match(r.first, /check/i);
    assert.doesNotMatch(r.stderr, /EPIPE|at .*\.js/);
    assert.equal(r.code, 0);
  });
});

describe('the exit status is what main() returns', () => {
  test('a usage error: status 2, one line on stderr, nothing on stdout', async () => {
    const r = await cli(['fire', '--url', 'http://127.0.0.1:9/', '--no-sign', '--sedd', '1']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^smtpeter-sim: unknown option '--sedd'; did you mean --seed\? \(see --help\)\n$/);
  });

  test('a bad config file: status 2, the line names the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smtpeter-sim-exit-'));
    writeFileSync(join(dir, '.smtpeter-simrc.json'), '{ "retries": "many" }');
    const r = await cli(['fire', '--dry-run'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^smtpeter-sim: .*\.smtpeter-simrc\.json: .*retries/);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  });
});

describe('keys generate keeps a pair that may be published', () => {
  const home = mkdtempSync(join(tmpdir(), 'smtpeter-sim-keys-'));
  const env = { XDG_CONFIG_HOME: home };
  const keyFile = join(home, 'smtpeter-sim', 'keys', 'smtpeter-sim.key');

  test('a second generate in the default folder is refused, the pair untouched; --force replaces it', async () => {
    assert.equal((await cli(['keys', 'generate'], { env })).code, 0);
    const first = readFileSync(keyFile, 'utf8');
    const again = await cli(['keys', 'generate'], { env });
    assert.equal(again.code, 2);
    assert.match(
      again.stderr,
      /^smtpeter-sim: key folder \S+: a key pair is already there .*--force to replace it\n$/,
    );
    assert.equal(again.stdout, '');
    assert.equal(readFileSync(keyFile, 'utf8'), first);
    const forced = await cli(['keys', 'generate', '--force'], { env });
    assert.equal(forced.code, 0, forced.stderr);
    assert.notEqual(readFileSync(keyFile, 'utf8'), first);
    assert.match(forced.stdout, /DKIM TXT record/);
    assert.doesNotMatch(forced.stdout, /your --key-id/);
  });

  test('`keys` without a subcommand shows its help on stderr and exits 2', async () => {
    const r = await cli(['keys'], { env });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /Usage: smtpeter-sim keys/);
    assert.match(r.stderr, /generate/);
  });
});

describe('help', () => {
  const help = async (...command: string[]): Promise<string> => {
    const r = await cli([...command, '--help']);
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
    assert.match(await help('keys', 'generate'), /--force/);
  });
});
