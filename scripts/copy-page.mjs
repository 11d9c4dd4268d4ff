#!/usr/bin/env node
// Files that ship as they are, next to the compiled code that serves them:
// tsc compiles src/**/*.ts only, and the live page's script is real
// JavaScript (checked by src/receive/ui/tsconfig.json, run by the browser).
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

const ASSETS = ['src/receive/ui/app.js'];

for (const file of ASSETS) {
  const target = join('dist', file);
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(file, target);
}
