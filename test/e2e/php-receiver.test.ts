import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { cli } from '../helpers/cli.js';

/** A receiver nobody here wrote: PHP's own $_POST parsing, behind `php -S`. */
const phpMissing = spawnSync('php', ['-v']).status !== 0;
if (phpMissing) {
  if (process.env['CI']) throw new Error('php-cli is missing; CI must install it (.ci/run)');
  process.stderr.write('\n*** php-cli not installed: PHP receiver test SKIPPED ***\n\n');
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** `php -S` serving `hook.php` (the given PHP) from a new folder; `use` gets its URL and the folder. */
async function withPhp(hook: (dir: string) => string, use: (url: string, dir: string) => Promise<void>) {
  const dir = mkdtempSync(join(tmpdir(), 'php-recv-'));
  writeFileSync(join(dir, 'hook.php'), hook(dir));
  const port = await freePort();
  const php: ChildProcess = spawn('php', ['-S', `127.0.0.1:${port}`, '-t', dir], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 50; i++) {
      const r = spawnSync('php', [
        '-r',
        `echo @file_get_contents("http://127.0.0.1:${port}/hook.php") === false ? "no" : "yes";`,
      ]);
      if (r.stdout.toString() === 'yes') break;
      await new Promise((res) => setTimeout(res, 100));
    }
    await use(`http://127.0.0.1:${port}/hook.php`, dir);
  } finally {
    php.kill();
  }
}

/** A captured Exim bounce in ISO-8859-1, 8-bit: `jürgen` with the byte 0xFC, in a header and the body. */
const LATIN1_BOUNCE = Buffer.from(
  [
    'From: Mail Delivery System <Mailer-Daemon@mx1.example.de>',
    'To: bounce-5f2c9a7e41d3b8c0@bounces.example-shop.com',
    'Subject: Mail delivery failed: returning message to sender',
    'X-Failed-Recipients: jürgen@example.de',
    'Content-Type: text/plain; charset=ISO-8859-1',
    'Content-Transfer-Encoding: 8bit',
    '',
    'A message that you sent could not be delivered to one or more of its',
    'recipients. This is a permanent error. The following address(es) failed:',
    '',
    '  jürgen@example.de',
    '    Unrouteable address',
    '',
  ].join('\r\n'),
  'latin1',
);

describe('PHP receiver', { skip: phpMissing && 'php-cli not installed' }, () => {
  test('$_POST sees every field, tags as an array', async () => {
    await withPhp(
      (dir) =>
        `<?php if ($_SERVER["REQUEST_METHOD"] === "POST") file_put_contents(${JSON.stringify(join(dir, 'calls.ndjson'))}, json_encode(['post' => $_POST, 'tags_is_array' => is_array($_POST['tags'] ?? null)]) . "\\n", FILE_APPEND); http_response_code(200); echo "ok";`,
      async (url, dir) => {
        const log = join(dir, 'calls.ndjson');
        const r = await cli(['fire', '--scenario', 'dsn-mailboxfull', '-n', '2', '--url', url]);
        assert.equal(r.code, 0, r.stderr + r.stdout);
        const rows = readFileSync(log, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { post: Record<string, unknown>; tags_is_array: boolean });
        assert.equal(rows.length, 2);
        const [bounce, failure] = rows;
        assert.deepEqual(Object.keys(bounce!.post).sort(), [
          'envelope',
          'id',
          'mime',
          'recipient',
          'tags',
          'time',
          'timestamp',
          'type',
        ]);
        assert.deepEqual(Object.keys(failure!.post).sort(), [
          'action',
          'code',
          'description',
          'extended',
          'id',
          'recipient',
          'state',
          'tags',
          'time',
          'timestamp',
          'type',
        ]);
        for (const row of rows) assert.ok(row.tags_is_array, 'tags arrive as a PHP array');
        assert.match(String(bounce!.post['mime']), /\r\n\r\n/);
        assert.deepEqual(bounce!.post['tags'], failure!.post['tags']);
      },
    );
  });

  test("a captured Latin-1 .eml: $_POST['mime'] is the file's bytes, recipient jürgen@example.de", async () => {
    await withPhp(
      (dir) =>
        `<?php if ($_SERVER["REQUEST_METHOD"] === "POST") { file_put_contents(${JSON.stringify(join(dir, 'mime.eml'))}, $_POST['mime']); file_put_contents(${JSON.stringify(join(dir, 'recipient.txt'))}, $_POST['recipient']); } http_response_code(200); echo "ok";`,
      async (url, dir) => {
        writeFileSync(join(dir, 'latin1.eml'), LATIN1_BOUNCE);
        const r = await cli(['fire', '--mime', join(dir, 'latin1.eml'), '--url', url]);
        assert.equal(r.code, 0, r.stderr + r.stdout);
        assert.deepEqual(readFileSync(join(dir, 'mime.eml')), LATIN1_BOUNCE);
        assert.equal(readFileSync(join(dir, 'recipient.txt'), 'utf8'), 'jürgen@example.de');
      },
    );
  });
});
