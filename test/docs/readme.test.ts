/**
 * README runs as written: its library snippet runs against the built
 * package, and its command lines (`npx smtpeter-sim fire|generate|replay|check`)
 * run against a local receiver, so README cannot drift from the tool. Lines
 * that load a receiver for minutes (a rate, a duration, stages, thousands of
 * calls, a real-time replay) run as `--dry-run`: every flag is still parsed
 * and checked, the first request is built; the run is stopped after it.
 * The serve section runs too: each `serve` line starts (on free ports) and
 * stops, its curl and nodemailer examples send through one, and the calls
 * about the ids they got back arrive; its `startServe` line runs in-process.
 */
import assert from 'node:assert/strict';
import { type SpawnOptions, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { type CaptureServer, formFields, startCaptureServer } from '../helpers/capture-server.js';
import { BIN, ROOT, TEST_HOME } from '../helpers/cli.js';
import { spawnServe } from '../helpers/serve.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The fenced blocks of one language, in order (of README, or of one part of it). */
function blocks(lang: string, text = README): string[] {
  return [...text.matchAll(new RegExp(`^\`\`\`${lang}\\n([\\s\\S]*?)^\`\`\``, 'gm'))].map((m) => m[1] ?? '');
}

/** README's section about `serve`: from its heading to the next one of its level. */
const SERVE_SECTION = README.slice(
  README.indexOf('## Send through the local SMTPeter'),
  README.indexOf('\n## ', README.indexOf('## Send through the local SMTPeter') + 3),
);

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

/** Shell-like words: single quotes kept together. */
function words(text: string): string[] {
  return [...text.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '');
}

const HEAVY = /--rate|--duration|--stages|--realtime|--count 100000|-n 1000\b/;

function run(
  args: string[],
  cwd: string,
  firstLineOnly: boolean,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: { ...process.env, XDG_CONFIG_HOME: TEST_HOME, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
      if (firstLineOnly && stdout.includes('\n')) child.stdout.destroy();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
    });
    const kill = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(kill);
      resolve({ code, stdout, stderr });
    });
  });
}

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

/** Run a program to its end (killed after 60 s) and keep what it printed. */
function collect(
  command: string,
  args: string[],
  options: SpawnOptions,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d));
    child.stderr!.on('data', (d: Buffer) => (stderr += d));
    const kill = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(kill);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `smtpeter-sim serve ...` lines of the serve section's sh and yaml blocks (continuations joined, comments and `&` cut). */
function serveLines(): string[] {
  const lines: string[] = [];
  for (const block of [...blocks('sh', SERVE_SECTION), ...blocks('yaml', SERVE_SECTION)])
    for (const line of block.replace(/\\\n\s*/g, ' ').split('\n')) {
      const m = /(?:^|npx )smtpeter-sim serve\b([^#&]*)/.exec(line);
      if (m) lines.push(m[1]!.trim());
    }
  return lines;
}

/** The curl commands of the serve section (a command runs to the next `curl` or `#` line), each with the answer README shows after it. */
function curlExamples(): { command: string; shows?: string }[] {
  const out: { command: string; shows?: string }[] = [];
  for (const block of blocks('sh', SERVE_SECTION))
    for (const line of block.split('\n')) {
      const last = out.at(-1);
      if (line.startsWith('curl ')) out.push({ command: line });
      else if (line.startsWith('# ') && last && last.shows === undefined) last.shows = line.slice(2);
      else if (last && last.shows === undefined && !line.startsWith('smtpeter-sim'))
        last.command += `\n${line}`;
    }
  return out;
}

/** README's shown answer as a pattern: `3f1c...e9` stands for a whole message id. */
function answerPattern(shown: string): RegExp {
  const parts = shown.split(/[0-9a-f]*\.\.\.[0-9a-f]*/);
  return new RegExp(`^${parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[0-9a-f]{32}')}$`);
}

describe('README: serve runs as written', () => {
  let receiver: CaptureServer;
  const cwd = mkdtempSync(join(tmpdir(), 'smtpeter-sim-readme-serve-'));
  before(async () => {
    receiver = await startCaptureServer();
    const outcomes = blocks('json', SERVE_SECTION).find((b) => b.includes('"rules"'));
    assert.ok(outcomes, 'the serve section shows an outcomes file');
    writeFileSync(join(cwd, 'outcomes.json'), outcomes);
    const keys = await run(['keys', 'generate', '--out', './keys'], cwd, false);
    assert.equal(keys.code, 0, keys.stderr);
    mkdirSync(join(cwd, 'node_modules'), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', 'nodemailer'), join(cwd, 'node_modules', 'nodemailer'));
  });
  after(() => receiver.close());

  test('every serve line starts, prints where calls go, and stops on SIGTERM', async () => {
    const lines = serveLines();
    assert.ok(lines.length >= 4, `${lines.length} serve lines`);
    const hook = receiver.url.replace(/\?.*/, '');
    for (const line of lines) {
      const args = words(line.replace(/http:\/\/127\.0\.0\.1:8000\/(\S*)/g, `${hook}/$1`));
      const s = await spawnServe(args, cwd);
      s.child.kill('SIGTERM');
      const code = await s.exited;
      assert.match(s.stdout, /^webhooks {6}\S/m, `${line}\n${s.stderr}`);
      assert.doesNotMatch(s.stderr, /^smtpeter-sim: /m, line);
      assert.equal(code, 0, `${line}: ${s.stderr}`);
    }
  });

  test('the curl and nodemailer examples: their ids come back in the calls', async () => {
    const s = await spawnServe(['--url', receiver.url, '--time-scale', '36000'], cwd);
    try {
      const api = /^REST API +(http:\/\/\S+?)\/v1\/send\?access_token=(\S+)$/m.exec(s.stdout);
      const smtp = /^SMTP +127\.0\.0\.1:(\d+) .* user (\S+) password (\S+)$/m.exec(s.stdout);
      assert.ok(api && smtp, s.stdout + s.stderr);
      const env = { ...process.env, TOKEN: api[2]!, SMTPETER_USER: smtp[2]!, SMTPETER_PASS: smtp[3]! };
      const ids: string[] = [];
      const examples = curlExamples();
      assert.ok(examples.length >= 3, `${examples.length} curl examples`);
      for (const { command, shows } of examples) {
        const r = await collect('bash', ['-c', command.replaceAll('http://127.0.0.1:8026', api[1]!)], {
          env,
          cwd,
        });
        assert.equal(r.code, 0, `${command}: ${r.stderr}`);
        if (shows !== undefined)
          assert.match(r.stdout.trimEnd(), answerPattern(shows), `${command}: ${r.stderr}`);
        const answer = JSON.parse(r.stdout) as unknown;
        if (typeof answer === 'object') ids.push(...Object.keys(answer as object));
      }
      const js = blocks('js', SERVE_SECTION).find((b) => b.includes('nodemailer'));
      assert.ok(js, 'the serve section has a nodemailer example');
      writeFileSync(
        join(cwd, 'nodemailer.mjs'),
        `${js.replace('port: 2525', `port: ${smtp[1]}`)}console.log(id);\n`,
      );
      const sent = await collect(process.execPath, ['nodemailer.mjs'], { env, cwd });
      assert.equal(sent.code, 0, sent.stderr);
      assert.match(sent.stdout, /^[0-9a-f]{32}$/m);
      ids.push(sent.stdout.trim());
      // bounce@: delivery, failure, bounce; anna and ben: a delivery each; clicked@: delivery, open, click.
      const calls = () => receiver.requests.map((q) => formFields(q.body));
      const until = Date.now() + 20_000;
      while (calls().length < 8 && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
      const got = calls().map((f) => `${f.get('id')?.[0]} ${f.get('type')?.[0]}`);
      assert.equal(ids.length, 4);
      const [bounce, anna, ben, clicked] = ids;
      for (const want of [
        `${bounce} delivery`,
        `${bounce} failure`,
        `${bounce} bounce`,
        `${anna} delivery`,
        `${ben} delivery`,
        `${clicked} delivery`,
        `${clicked} open`,
        `${clicked} click`,
      ])
        assert.ok(got.includes(want), `${want} not in\n${got.join('\n')}`);
      const dsn = calls().find((f) => f.get('type')?.[0] === 'bounce' && f.get('id')?.[0] === bounce)!;
      assert.deepEqual(dsn.get('tags[]'), ['orders']);
      assert.match(dsn.get('mime')![0]!, /^Original-Envelope-Id: ORDER-1\r$/m);
    } finally {
      s.child.kill('SIGTERM');
      await s.exited;
    }
  });

  test('the in-process startServe line runs as written', async () => {
    const line = /`(const s = await startServe\([^`]*\))`/.exec(SERVE_SECTION.replace(/\n/g, ' '))?.[1];
    assert.ok(line, 'the serve section shows startServe');
    const pkg = pathToFileURL(join(ROOT, 'dist', 'src', 'index.js')).href;
    const file = join(cwd, 'start-serve.mjs');
    writeFileSync(
      file,
      `import { startServe } from '${pkg}';\n${line.replace('http://127.0.0.1:8000/hook', receiver.url)};\n` +
        'console.log(typeof s.apiUrl, typeof s.smtpPort, typeof s.credentials.token, typeof s.store.events, typeof s.waitFor);\n' +
        'await s.close();\n',
    );
    const r = await collect(process.execPath, [file], {
      cwd,
      env: { ...process.env, XDG_CONFIG_HOME: TEST_HOME },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'string number string function function');
  });
});
