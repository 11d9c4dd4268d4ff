import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { cli, cliSpawn, runMain } from '../helpers/cli.js';

/** Wait until `done()` holds, polling every 20 ms; fail after `ms`. */
async function until(done: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) assert.fail(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('generate --out is written whole or not at all', () => {
  test('a finished run leaves the fixture and nothing beside it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'generate-out-'));
    const r = await runMain(['generate', '-n', '3', '--seed', '1', '--out', join(dir, 'calls.json')]);
    assert.equal(r.code, 0, r.stderr);
    const left = readdirSync(dir);
    const written = readFileSync(join(dir, 'calls.json'), 'utf8');
    rmSync(dir, { recursive: true, force: true });
    assert.deepEqual(left, ['calls.json']);
    assert.equal((JSON.parse(written) as { calls: unknown[] }).calls.length, 3);
  });

  test('Ctrl-C mid-write: exit 1, one line, the earlier file kept and no cut-off fixture left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'generate-int-'));
    const out = join(dir, 'calls.json');
    writeFileSync(out, '{"calls": []}\n');
    const child = cliSpawn(['generate', '-n', '200000', '--seed', '1', '--out', out]);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      // Interrupt once the calls are being written (the file beside the target, or the target, has grown).
      const growing = (): boolean => readdirSync(dir).some((f) => statSync(join(dir, f)).size > 100_000);
      await until(growing, 30_000, 'generate started writing');
      child.kill('SIGINT');
      assert.equal(await exited, 1, stderr);
      assert.equal(stderr, `smtpeter-sim: interrupted: --out ${out} not written\n`);
      assert.deepEqual(readdirSync(dir), ['calls.json']);
      assert.equal(readFileSync(out, 'utf8'), '{"calls": []}\n');
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--out a symlink: written through it (the link stays a link), as a shell redirect would', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'generate-link-'));
    const target = join(dir, 'real.json');
    const link = join(dir, 'link.json');
    writeFileSync(target, '{"calls": []}\n');
    symlinkSync(target, link);
    try {
      const r = await runMain(['generate', '-n', '2', '--seed', '1', '--out', link]);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(lstatSync(link).isSymbolicLink(), 'the link was replaced by a file');
      assert.equal(readlinkSync(link), target);
      assert.equal((JSON.parse(readFileSync(target, 'utf8')) as { calls: unknown[] }).calls.length, 2);
      assert.deepEqual(readdirSync(dir).sort(), ['link.json', 'real.json']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--out a FIFO (or /dev/stdout, a device): written into it, not replaced by a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'generate-fifo-'));
    const fifo = join(dir, 'calls.pipe');
    execFileSync('mkfifo', [fifo]);
    try {
      const read = readFile(fifo, 'utf8');
      const r = await runMain(['generate', '-n', '2', '--seed', '1', '--out', fifo]);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(lstatSync(fifo).isFIFO(), 'the FIFO was replaced by a file');
      assert.equal((JSON.parse(await read) as { calls: unknown[] }).calls.length, 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('generate --time is strict ISO 8601, UTC unless it says otherwise', () => {
  test("a date-time without a zone is UTC whatever the machine's TZ", async () => {
    const r = await cli(['generate', '-n', '1', '--seed', '1', '--time', '2026-01-15T09:30:00'], {
      env: { TZ: 'America/New_York' },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /"timestamp": "2026-01-15 09:30:00"/);
  });

  test('text that is not ISO 8601 is refused: exit 2, one line naming the flag, nothing written', async () => {
    for (const bad of ['1', 'hello 2026']) {
      const r = await runMain(['generate', '-n', '1', '--seed', '1', '--time', bad]);
      assert.equal(r.code, 2, bad);
      assert.equal(r.stdout, '');
      assert.equal(
        r.stderr,
        `smtpeter-sim: --time: expected an ISO 8601 date such as 2026-11-23 or 2026-11-23T10:00:00Z (no zone: UTC), or 'now', got '${bad}'\n`,
      );
    }
  });
});
