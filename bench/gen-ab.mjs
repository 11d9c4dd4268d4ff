#!/usr/bin/env node
/**
 * Generation + encoding, two builds in one process (issue 19 (d)): both
 * checkouts' modules imported side by side, alternating bursts of the loop
 * of bench/gen-profile.mjs, CPU time per burst, the median of the per-burst
 * ratios. On a loaded machine the load falls on both builds alike; GC is
 * shared, so differences in garbage show diluted (bench/gen-compare.mjs,
 * a fresh process per run, is the figure to quote; this one is the check).
 *
 *   node bench/gen-ab.mjs /path/to/base-checkout [sync|async] [burst=20000] [rounds=40]
 *
 * Both checkouts need `npm run build`.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = join(dirname(fileURLToPath(import.meta.url)), '..');
const [base, which = 'sync', burstText = '20000', roundsText = '40'] = process.argv.slice(2);
if (!base) {
  process.stderr.write('usage: node bench/gen-ab.mjs <base checkout> [sync|async] [burst] [rounds]\n');
  process.exit(2);
}

/** A function that generates and form-encodes `n` calls of the mix from `root`'s build. */
async function loopOf(root) {
  const dist = (p) => pathToFileURL(join(root, 'dist', 'src', p)).href;
  const { EventGenerator, eventClock, SEEDED_EPOCH } = await import(dist('generate/events.js'));
  const { encodeCall } = await import(dist('encode/body.js'));
  const { SCENARIOS } = await import(dist('scenarios/catalogue.js'));
  const mix = SCENARIOS.filter((s) => s.mode === which && s.kind !== 'autoreply').map((s) => ({
    scenario: s.name,
    weight: s.weight,
  }));
  const calls = new EventGenerator({ seed: 1, clock: eventClock(SEEDED_EPOCH, Date.now), mix }).calls();
  return (n) => {
    let bytes = 0;
    for (let i = 0; i < n; i++) bytes += encodeCall(calls.next().value, 'form', 'smtpeter').body.length;
    return bytes;
  };
}

const burst = Number(burstText);
const sides = [
  { name: 'base', run: await loopOf(base), cpu: 0 },
  { name: 'this', run: await loopOf(HERE), cpu: 0 },
];
for (const side of sides) side.run(burst); // warm up
const cpu = () => {
  const c = process.cpuUsage();
  return c.user + c.system;
};
const ratios = [];
for (let r = 0; r < Number(roundsText); r++) {
  const took = {};
  // Alternate which side goes first, so neither always runs after the other's garbage.
  for (const side of r % 2 ? [...sides].reverse() : sides) {
    const t = cpu();
    side.run(burst);
    took[side.name] = cpu() - t;
    side.cpu += took[side.name];
  }
  ratios.push(took.base / took.this);
}
ratios.sort((a, b) => a - b);
const calls = burst * Number(roundsText);
for (const side of sides)
  process.stdout.write(
    `${which} ${side.name}: ${Math.round(calls / (side.cpu / 1e6)).toLocaleString('en-US')}/CPU-s\n`,
  );
process.stdout.write(
  `this / base, per burst: median ${ratios[ratios.length >> 1].toFixed(2)}×, range ${ratios[0].toFixed(2)}-${ratios.at(-1).toFixed(2)}×\n`,
);
