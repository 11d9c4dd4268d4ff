import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { writeWhole } from '../../src/report/whole-file.js';

// fire --out and replay --out write their reports whole; generate --out shares the rule of where.
describe('writeWhole', () => {
  test('a new or existing file: replaced whole, nothing left beside it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'whole-file-'));
    const path = join(dir, 'report.json');
    writeWhole(path, 'first');
    writeWhole(path, 'second');
    assert.equal(readFileSync(path, 'utf8'), 'second');
    assert.deepEqual(readdirSync(dir), ['report.json']);
  });

  test('through a symlink: the file it names is replaced, the link stays a link', () => {
    const dir = mkdtempSync(join(tmpdir(), 'whole-file-'));
    const target = join(dir, 'target.json');
    const link = join(dir, 'link.json');
    writeFileSync(target, 'old');
    symlinkSync(target, link);
    writeWhole(link, 'new');
    assert.ok(lstatSync(link).isSymbolicLink());
    assert.equal(readFileSync(target, 'utf8'), 'new');
    assert.deepEqual(readdirSync(dir).sort(), ['link.json', 'target.json']);
  });

  test('a FIFO (as /dev/stdout can be): written into, not replaced by a file', {
    skip: process.platform === 'win32' && 'no mkfifo',
    // Replaced by a file, the FIFO never gets a writer and the reader waits: fail, do not hang.
    timeout: 10_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'whole-file-'));
    const fifo = join(dir, 'report.pipe');
    execFileSync('mkfifo', [fifo]);
    // The reader is another process: a write into a FIFO waits for one.
    const reader = spawn('cat', [fifo]);
    let read = '';
    reader.stdout.on('data', (d: Buffer) => {
      read += d.toString();
    });
    const ended = new Promise((resolve) => reader.on('close', resolve));
    writeWhole(fifo, 'through the pipe');
    await ended;
    assert.equal(read, 'through the pipe');
    assert.ok(lstatSync(fifo).isFIFO(), 'the FIFO was replaced by a file');
  });
});
