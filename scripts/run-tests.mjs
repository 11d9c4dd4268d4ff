#!/usr/bin/env node
// Run every compiled test file under dist/test with node's own test runner.
// A script rather than a glob: Node 20 does not expand globs for --test, and
// an unmatched shell glob would be passed on literally.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const files = readdirSync('dist/test', { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.test.js'))
  // Only tests whose source still exists: a moved or deleted test leaves its
  // old compiled file in dist/ (tsc never removes outputs).
  .filter((f) => existsSync(join('test', f.replace(/\.js$/, '.ts'))))
  .map((f) => join('dist/test', f))
  .sort();
if (files.length === 0) {
  console.error('no compiled tests under dist/test: run `npm run build` first');
  process.exit(1);
}
const { status } = spawnSync(
  process.execPath,
  ['--test', '--test-concurrency=2', '--test-timeout=120000', ...process.argv.slice(2), ...files],
  {
    stdio: 'inherit',
  },
);
process.exit(status ?? 1);
