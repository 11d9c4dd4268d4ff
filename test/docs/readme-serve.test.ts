/**
 * README's serve section runs as written: each `serve` line starts (on free
 * ports) and stops, its curl and nodemailer examples send through one and the
 * calls about the ids they got back arrive, its `startServe` line runs in-process.
 */

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { type CaptureServer, formFields, startCaptureServer } from '../helpers/capture-server.js';
import { ROOT, TEST_HOME } from '../helpers/cli.js';
import { blocks, collect, README, run, words } from '../helpers/readme.js';
import { spawnServe } from '../helpers/serve.js';
import { sqliteUnavailable } from '../helpers/sqlite.js';

/** README's section about `serve`: from its heading to the next one of its level. */
const SERVE_SECTION = README.slice(
  README.indexOf('## Send through the local SMTPeter'),
  README.indexOf('\n## ', README.indexOf('## Send through the local SMTPeter') + 3),
);

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

  test('every serve line starts, prints where calls go, and stops on SIGTERM', async (t) => {
    const lines = serveLines();
    assert.ok(lines.length >= 4, `${lines.length} serve lines`);
    const hook = receiver.url.replace(/\?.*/, '');
    // A --data-dir line needs better-sqlite3, which CI's Node 22 and 24 runs cannot load (helpers/sqlite.ts).
    const noSqlite = lines.some((l) => l.includes('--data-dir')) && sqliteUnavailable();
    for (const line of lines) {
      const args = words(line.replace(/http:\/\/127\.0\.0\.1:8000\/(\S*)/g, `${hook}/$1`));
      if (noSqlite && args.includes('--data-dir')) {
        t.diagnostic(`NOTICE: not run (${noSqlite}): ${line}`);
        continue;
      }
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
