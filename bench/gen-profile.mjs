#!/usr/bin/env node
/**
 * Generation + encoding alone, the same loop as bench phase (d), for
 * profiling: `node --cpu-prof --cpu-prof-dir=/tmp/prof bench/gen-profile.mjs sync 200000`.
 * Needs `npm run build`. Arguments: sync | async | all, event count, seed.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => join(ROOT, 'dist', 'src', p);
const { EventGenerator, eventClock, SEEDED_EPOCH } = await import(dist('generate/events.js'));
const { encodeCall } = await import(dist('encode/body.js'));
const { SCENARIOS } = await import(dist('scenarios/catalogue.js'));

const [which = 'sync', countText = '100000', seedText = '1'] = process.argv.slice(2);
const count = Number(countText);
const pick = (mode) =>
  SCENARIOS.filter((s) => (mode === 'all' || s.mode === mode) && s.kind !== 'autoreply').map((s) => ({
    scenario: s.name,
    weight: s.weight,
  }));
const mix = pick(which);
const it = new EventGenerator({
  seed: Number(seedText),
  clock: eventClock(SEEDED_EPOCH, Date.now),
  mix,
}).calls();
let bytes = 0;
// Warm up, then time.
for (let i = 0; i < Math.min(5000, count); i++)
  bytes += encodeCall(it.next().value, 'form', 'smtpeter').body.length;
const t0 = performance.now();
const cpu0 = process.cpuUsage();
for (let i = 0; i < count; i++) bytes += encodeCall(it.next().value, 'form', 'smtpeter').body.length;
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const cpuMs = (cpu.user + cpu.system) / 1000;
const mem = process.memoryUsage();
process.stdout.write(
  `${which}: ${count} calls in ${ms.toFixed(0)} ms = ${Math.round((count * 1000) / ms).toLocaleString('en-US')}/s ` +
    `(per CPU second: ${Math.round((count * 1000) / cpuMs).toLocaleString('en-US')}/s), ` +
    `mean body ${Math.round(bytes / (count + Math.min(5000, count)))} B, rss ${Math.round(mem.rss / 2 ** 20)} MB, ` +
    `load ${(await import('node:fs')).readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}\n`,
);
