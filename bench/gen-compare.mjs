#!/usr/bin/env node
/**
 * Generation + encoding per CPU second, two builds side by side (issue 19
 * (d)): interleaved rounds of bench/gen-profile.mjs from each checkout, each
 * in a fresh process, medians and their ratio. CPU time, not wall time, so a
 * loaded machine's other processes do not count against either side.
 *
 *   node bench/gen-compare.mjs /path/to/base-checkout [rounds=5] [failures=300000] [bounces=20000]
 *
 * Both checkouts need `npm run build`.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = join(dirname(fileURLToPath(import.meta.url)), '..');
const [base, roundsText = '5', syncText = '300000', asyncText = '20000'] = process.argv.slice(2);
if (!base) {
  process.stderr.write('usage: node bench/gen-compare.mjs <base checkout> [rounds] [failures] [bounces]\n');
  process.exit(2);
}

/** Calls per CPU second of one gen-profile run. */
function perCpuSecond(root, which, count) {
  const run = spawnSync(process.execPath, [join(root, 'bench', 'gen-profile.mjs'), which, String(count)], {
    encoding: 'utf8',
  });
  const m = /per CPU second: ([\d,]+)/.exec(run.stdout);
  if (!m) throw new Error(`${root}: gen-profile ${which} printed no figure: ${run.stderr || run.stdout}`);
  return Number(m[1].replaceAll(',', ''));
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const sides = { base: { root: base, sync: [], async: [] }, this: { root: HERE, sync: [], async: [] } };
for (let r = 0; r < Number(roundsText); r++) {
  for (const side of Object.values(sides)) {
    side.sync.push(perCpuSecond(side.root, 'sync', syncText));
    side.async.push(perCpuSecond(side.root, 'async', asyncText));
  }
  process.stdout.write(
    `round ${r + 1}: failures/CPU-s base ${sides.base.sync.at(-1)} this ${sides.this.sync.at(-1)}; ` +
      `DSN bounces/CPU-s base ${sides.base.async.at(-1)} this ${sides.this.async.at(-1)}\n`,
  );
}
for (const which of ['sync', 'async']) {
  const b = median(sides.base[which]);
  const t = median(sides.this[which]);
  const label = which === 'sync' ? 'failure bodies' : 'DSN bounces';
  process.stdout.write(
    `${label} per CPU second, median of ${roundsText}: base ${Math.round(b)}, this ${Math.round(t)}, ${(t / b).toFixed(2)}×\n`,
  );
}
