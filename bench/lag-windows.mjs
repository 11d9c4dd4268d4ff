/**
 * Where an open run's late calls are: `fire` at one rate (client pinned to
 * CPU 0, nginx answering 204 on CPU 1, as bench/run.mjs --phase c), each
 * call's lag from `fire --log`, and per 250 ms of schedule how many calls
 * were later than 2 ms, beside the report's lag p99. Several builds
 * (checkouts) interleaved, round by round, with the load average before
 * each run.
 *
 *   node bench/lag-windows.mjs --roots ../base,. --rounds 3 [--rate 5000] [--seconds 5]
 *       [--window 250] [--late 2] [--node-flags "--trace-opt"] [--keep-logs DIR]
 *
 * A root may carry environment variables for its runs (`DIR@NAME=VALUE+NAME=VALUE`), to compare
 * settings a build reads from its environment. Needs `npm run build` in every root.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { phaseCFlags } from './phase-c-flags.mjs';
import { freePort, nginx204Conf, waitForListener } from './receiver-204.mjs';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const ROOTS = arg('roots', '.')
  .split(',')
  .map((spec) => {
    const [dir, vars] = spec.split('@');
    const env = Object.fromEntries((vars ? vars.split('+') : []).map((v) => v.split('=')));
    return { root: resolve(dir), env, name: `${resolve(dir).split('/').pop()}${vars ? `@${vars}` : ''}` };
  });
const ROUNDS = Number(arg('rounds', '3'));
const RATE = Number(arg('rate', '5000'));
const SECONDS = Number(arg('seconds', '5'));
const WINDOW_MS = Number(arg('window', '250'));
const LATE_MS = Number(arg('late', '2'));
const NODE_FLAGS = (arg('node-flags', '') ?? '').split(' ').filter(Boolean);
const KEEP = arg('keep-logs');
const TMP = mkdtempSync(join(tmpdir(), 'lag-windows-'));

async function startNginx() {
  const port = await freePort();
  const conf = join(TMP, 'nginx.conf');
  writeFileSync(conf, nginx204Conf(TMP, port));
  const child = spawn('taskset', ['-c', '1', '/usr/sbin/nginx', '-c', conf, '-p', TMP], { stdio: 'ignore' });
  await waitForListener(port);
  return { url: `http://127.0.0.1:${port}/hooks/smtpeter`, stop: () => child.kill() };
}

function failureMix(root) {
  const script = `import(${JSON.stringify(join(root, 'dist/src/scenarios/catalogue.js'))}).then(({SCENARIOS})=>process.stdout.write(SCENARIOS.filter((s)=>s.mode==='sync').map((s)=>s.name+'='+s.weight).join(',')))`;
  return spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' }).stdout;
}

function runFire({ root, env }, url, mix, log) {
  const argv = [
    '-c',
    '0',
    process.execPath,
    ...NODE_FLAGS,
    join(root, 'bin', 'smtpeter-sim.js'),
    'fire',
    '--json',
    '-q',
    ...phaseCFlags(url, RATE, SECONDS, mix),
    '--log',
    log,
  ];
  return new Promise((done) => {
    const child = spawn('taskset', argv, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', () => done({ stdout, stderr }));
  });
}

/** Calls later than LATE_MS per WINDOW_MS of schedule (by intended time), and the log's p99. */
function windows(log) {
  const rows = readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .filter((r) => r.final && r.intendedAt);
  const t0 = Math.min(...rows.map((r) => Date.parse(r.intendedAt)));
  const counts = new Array(Math.ceil((SECONDS * 1000) / WINDOW_MS)).fill(0);
  for (const r of rows) {
    if (r.lagMs <= LATE_MS) continue;
    const w = Math.floor((Date.parse(r.intendedAt) - t0) / WINDOW_MS);
    counts[Math.min(w, counts.length - 1)]++;
  }
  const lags = rows.map((r) => r.lagMs).sort((a, b) => a - b);
  return { counts, calls: rows.length, p99: lags[Math.floor(0.99 * (lags.length - 1))] };
}

const nginx = await startNginx();
const mix = failureMix(ROOTS[0].root);
try {
  for (let round = 1; round <= ROUNDS; round++) {
    for (const variant of ROOTS) {
      const log = join(KEEP ?? TMP, `r${round}-${variant.name}.ndjson`);
      const load = loadavg()[0].toFixed(2);
      const { stdout, stderr } = await runFire(variant, nginx.url, mix, log);
      if (KEEP) writeFileSync(`${log}.stdout`, stdout);
      let report;
      try {
        // V8's --trace-* lines go to stdout too: the report is the last JSON document.
        report = JSON.parse(/^\{\n[\s\S]*?^\}$/m.exec(stdout)?.[0] ?? '');
      } catch {
        process.stdout.write(`${variant.name}: no report\n${stderr.slice(-2000)}\n`);
        continue;
      }
      const w = windows(log);
      const late = w.counts.reduce((a, b) => a + b, 0);
      process.stdout.write(
        `round ${round} ${variant.name} load ${load}: p99 ${report.scheduleLagMs.p99} ms (log ${w.p99}), ` +
          `late ${late}/${w.calls}, dropped ${report.dropped}; per ${WINDOW_MS} ms: ${w.counts.join(',')}\n`,
      );
      if (!KEEP) rmSync(log, { force: true });
    }
  }
} finally {
  nginx.stop();
  rmSync(TMP, { recursive: true, force: true });
}
