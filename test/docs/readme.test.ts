/**
 * README runs as written: its library snippet runs against the built
 * package, and its command lines (`npx smtpeter-sim fire|generate|replay|check`)
 * run against a local receiver, so README cannot drift from the tool. Lines
 * that load a receiver for minutes (a rate, a duration, stages, thousands of
 * calls, a real-time replay) run as `--dry-run`: every flag is still parsed
 * and checked, the first request is built; the run is stopped after it.
 * The serve section runs in readme-serve.test.ts.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { type CaptureServer, startCaptureServer } from '../helpers/capture-server.js';
import { ROOT } from '../helpers/cli.js';
import { blocks, collect, run, words } from '../helpers/readme.js';

/** `npx smtpeter-sim ...` command lines of the sh blocks (continuations joined, comments cut). */
function commandLines(): string[] {
  const lines: string[] = [];
  for (const block of blocks('sh'))
    for (const line of block.replace(/\\\n\s*/g, ' ').split('\n')) {
      const m = /(?:^|&& )npx smtpeter-sim ((?:fire|generate|replay|check)\b[^#]*)/.exec(line);
      if (m?.[1]) lines.push(m[1].trim());
    }
  return lines;
}

const HEAVY = /--rate|--duration|--stages|--realtime|--count 100000|-n 1000\b/;

describe('README runs as written', () => {
  let receiver: CaptureServer;
  const cwd = mkdtempSync(join(tmpdir(), 'smtpeter-sim-readme-'));
  before(async () => {
    receiver = await startCaptureServer();
    symlinkSync(join(ROOT, 'fixtures'), join(cwd, 'fixtures'));
  });
  after(() => receiver.close());

  test('the library snippet runs against the built package', async () => {
    const [snippet] = blocks('ts');
    assert.ok(snippet, 'README has a ts block');
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      exports: { '.': { import?: string; default?: string } | string };
    };
    const entry =
      typeof pkg.exports['.'] === 'string'
        ? pkg.exports['.']
        : (pkg.exports['.'].import ?? pkg.exports['.'].default);
    const file = join(cwd, 'snippet.mjs');
    writeFileSync(
      file,
      snippet.replace(/from 'smtpeter-sim'/, `from '${pathToFileURL(join(ROOT, entry!)).href}'`),
    );
    const r = await collect(process.execPath, [file], { cwd });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\[ 'id', 'recipient', 'mailfrom', 'rcptto', 'mime', 'tags' \]/);
    assert.match(r.stdout, /^true$/m, 'the request is signed');
  });

  test('every fire, generate, replay and check line: no bad input, no crash', async () => {
    const lines = commandLines();
    assert.ok(lines.length >= 15, `${lines.length} command lines`);
    // The keys the examples use, where they say they are.
    const keys = await run(['keys', 'generate', '--out', './keys'], cwd, false);
    assert.equal(keys.code, 0, keys.stderr);
    cpSync(join(cwd, 'keys'), join(cwd, 'node_modules', 'smtpeter-sim', 'keys'), { recursive: true });
    for (const line of lines) {
      const url = receiver.url;
      const args = words(
        line
          .replace(/https?:\/\/127\.0\.0\.1:8080\/\S*/g, url)
          .replace(/https:\/\/staging\.example\.com\/\S*/g, url)
          .replace(/--url \.\.\./g, `--url ${url}`),
      );
      const heavy = HEAVY.test(line);
      if (args.includes('--processes')) {
        // Shard processes cannot dry-run: the run is real, at 50/s for a second.
        const set = (flag: string, value: string): void => {
          const i = args.indexOf(flag);
          if (i >= 0) args[i + 1] = value;
        };
        set('--rate', '50/s');
        set('--duration', '1s');
      } else if (heavy && args[0] !== 'generate') args.push('--dry-run');
      const r = await run(args, cwd, heavy);
      assert.notEqual(r.code, 2, `${line}: ${r.stderr}`);
      assert.notEqual(r.code, 70, `${line}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /internal error|^smtpeter-sim: /m, line);
    }
  });
});
