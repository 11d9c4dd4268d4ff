#!/usr/bin/env node
/**
 * Soak: `smtpeter-sim fire` at a fixed rate for a long time against a local
 * receiver, its memory and open handles sampled from outside (/proc) every
 * few seconds. Loopback only; stops by itself. Needs `npm run build`
 * (npm run soak does it). Linux only (reads /proc).
 *
 *   npm run soak                                 # 10 minutes at 500/s, signed
 *   npm run soak -- --minutes 1 --rate 200/s     # a short look
 *   npm run soak -- --json soak.json             # samples as JSON too
 *
 * Flat means: resident memory in the last half of the run grows by less
 * than 10% and by less than 20 MB, and the number of open file descriptors
 * (sockets, pipes, files) sets no new peak in the last quarter of the run.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'smtpeter-sim.js');
const TMP = mkdtempSync(join(tmpdir(), 'smtpeter-sim-soak-'));

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const MINUTES = Number(arg('minutes', '10'));
const RATE = arg('rate', '500/s');
const INTERVAL_S = Number(arg('interval', '5'));
const SIGNED = !args.includes('--unsigned');
// A fixed socket budget, so a socket leak shows as growth rather than hiding in pool growth.
const CONNECTIONS = arg('connections', '64');
const JSON_OUT = arg('json', undefined);
const out = (line = '') => process.stdout.write(`${line}\n`);

/** The receiver: answers 204 after reading the body, counts what arrived. */
let received = 0;
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    received++;
    res.writeHead(204).end();
  });
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/hooks`;

const keyArgs = [];
if (SIGNED) {
  const keyDir = join(TMP, 'keys');
  spawnSync(process.execPath, [BIN, 'keys', 'generate', '--out', keyDir], {
    env: { ...process.env, XDG_CONFIG_HOME: TMP },
  });
  keyArgs.push('--key', join(keyDir, 'smtpeter-sim.key'));
} else keyArgs.push('--no-sign');

const reportFile = join(TMP, 'report.json');
const flags = [
  'fire',
  '--url',
  url,
  '--rate',
  RATE,
  '--duration',
  `${MINUTES}m`,
  '--connections',
  CONNECTIONS,
  '--quiet',
  '--out',
  reportFile,
];
const child = spawn(process.execPath, [BIN, ...flags, ...keyArgs], {
  stdio: ['ignore', 'ignore', 'inherit'],
  env: { ...process.env, XDG_CONFIG_HOME: TMP, NO_COLOR: '1' },
});
out(`soak: smtpeter-sim ${flags.join(' ')} ${SIGNED ? '(signed)' : '(unsigned)'}; pid ${child.pid}`);
out(`sampling every ${INTERVAL_S}s from /proc/${child.pid}`);
out('');
out('   t(s)   rss(MB)  hwm(MB)   fds  sockets  threads  received');

/** One look at the fire process from outside. */
function sample(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
    const fds = readdirSync(`/proc/${pid}/fd`);
    let sockets = 0;
    for (const fd of fds) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')) sockets++;
      } catch {
        // closed between the listing and the look
      }
    }
    return {
      rssMB: kb('VmRSS') / 1024,
      hwmMB: kb('VmHWM') / 1024,
      fds: fds.length,
      sockets,
      threads: kb('Threads'),
    };
  } catch {
    return undefined; // the process has ended
  }
}

const started = Date.now();
const samples = [];
const timer = setInterval(() => {
  const s = sample(child.pid);
  if (!s) return;
  const t = (Date.now() - started) / 1000;
  samples.push({ t, ...s, received });
  const show = (n, w, d = 1) => n.toFixed(d).padStart(w);
  // Every sample goes in the JSON; the screen gets one line every ~30 s.
  if (samples.length === 1 || samples.length % Math.max(1, Math.round(30 / INTERVAL_S)) === 0)
    out(
      `${show(t, 7, 0)} ${show(s.rssMB, 9)} ${show(s.hwmMB, 8)} ${String(s.fds).padStart(5)} ${String(s.sockets).padStart(8)} ${String(s.threads).padStart(8)} ${String(received).padStart(9)}`,
    );
}, INTERVAL_S * 1000);

// Bounded: the run's own duration plus a minute for start-up and drain.
const killer = setTimeout(() => child.kill('SIGKILL'), (MINUTES * 60 + 60) * 1000);
const code = await new Promise((r) => child.on('exit', (c) => r(c ?? 1)));
clearInterval(timer);
clearTimeout(killer);
await new Promise((r) => server.close(r));

let report;
try {
  report = JSON.parse(readFileSync(reportFile, 'utf8'));
} catch {
  report = undefined;
}

const verdict = judge(samples);
out('');
out(`exit ${code}; receiver got ${received} calls`);
if (report?.accounting)
  out(
    `accounting: planned ${report.accounting.planned} = delivered ${report.accounting.delivered ?? report.accounting.ok} + failed ${report.accounting.failed} + dropped ${report.accounting.dropped} + unsent ${report.accounting.unsent} (${report.accounting.holds ? 'holds' : 'DOES NOT HOLD'})`,
  );
out(
  `memory: rss ${verdict.rssStart.toFixed(1)} MB at mid-run → ${verdict.rssEnd.toFixed(1)} MB at the end (${verdict.rssGrowthPct.toFixed(1)}%), peak ${verdict.peak.toFixed(1)} MB: ${verdict.memoryFlat ? 'FLAT' : 'GROWING'}`,
);
out(
  `handles: fds peak ${verdict.fdsEarlierMax} in the first three quarters, ${verdict.fdsLastQuarterMax} in the last, ${verdict.fdsEnd} at the end (sockets ${verdict.socketsEnd}, at most ${CONNECTIONS} to the receiver): ${verdict.handlesFlat ? 'FLAT' : 'GROWING'}`,
);
if (JSON_OUT) {
  writeFileSync(
    JSON_OUT,
    `${JSON.stringify({ flags, signed: SIGNED, code, received, report, verdict, samples }, null, 2)}\n`,
  );
  out(`samples written to ${JSON_OUT}`);
}
process.exitCode = verdict.memoryFlat && verdict.handlesFlat && code === 0 ? 0 : 1;

function judge(all) {
  if (all.length < 4)
    return { memoryFlat: false, handlesFlat: false, rssStart: 0, rssEnd: 0, rssGrowthPct: 0, peak: 0 };
  const half = all.slice(Math.floor(all.length / 2));
  // Means of a few samples, so one GC's timing does not decide the verdict.
  const mean = (xs) => xs.reduce((a, s) => a + s.rssMB, 0) / xs.length;
  const rssStart = mean(half.slice(0, 3));
  const rssEnd = mean(half.slice(-3));
  const growth = rssEnd - rssStart;
  const last = all.at(-1);
  const quarter = Math.floor((all.length * 3) / 4);
  const fdsEarlierMax = Math.max(...all.slice(0, quarter).map((s) => s.fds));
  const fdsLastQuarterMax = Math.max(...all.slice(quarter).map((s) => s.fds));
  return {
    rssStart,
    rssEnd,
    rssGrowthPct: (growth / rssStart) * 100,
    peak: Math.max(...all.map((s) => s.hwmMB)),
    memoryFlat: growth < rssStart * 0.1 && growth < 20,
    fdsEarlierMax,
    fdsLastQuarterMax,
    fdsEnd: last.fds,
    socketsEnd: last.sockets,
    handlesFlat: fdsLastQuarterMax <= fdsEarlierMax,
  };
}
