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

describe('PHP receiver', { skip: phpMissing && 'php-cli not installed' }, () => {
  test('$_POST sees every field, tags as an array', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'php-recv-'));
    const log = join(dir, 'calls.ndjson');
    writeFileSync(
      join(dir, 'hook.php'),
      `<?php if ($_SERVER["REQUEST_METHOD"] === "POST") file_put_contents(${JSON.stringify(log)}, json_encode(['post' => $_POST, 'tags_is_array' => is_array($_POST['tags'] ?? null)]) . "\\n", FILE_APPEND); http_response_code(200); echo "ok";`,
    );
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
      const r = await cli([
        'fire',
        '--scenario',
        'dsn-mailboxfull',
        '-n',
        '2',
        '--url',
        `http://127.0.0.1:${port}/hook.php`,
      ]);
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
    } finally {
      php.kill();
    }
  });
});
