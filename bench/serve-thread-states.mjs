#!/usr/bin/env node
/**
 * Where serve's threads spend the wall clock during a bench run: every
 * second, for serve's main thread, its two busiest other threads (the sign
 * workers in a signed run) and nginx, the ms spent running, waiting on the
 * run queue for a core (runnable, not running) and sleeping (nothing to do),
 * from /proc/<pid>/task/<tid>/schedstat; and the machine's idle share from
 * /proc/stat. A thread that sleeps while the cores are busy had no work; one
 * that waits had work and no core. Linux only; loopback bench only.
 *
 *   node bench/serve-load.mjs --phase signed --seconds 20 & node bench/serve-thread-states.mjs $!
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const bench = process.argv[2];
if (!/^\d+$/.test(bench ?? '')) {
  console.error('usage: node bench/serve-thread-states.mjs <pid of bench/serve-load.mjs>');
  process.exit(2);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const children = () => {
  try {
    return execFileSync('pgrep', ['-P', bench]).toString().trim().split('\n');
  } catch {
    return [];
  }
};
const cmdline = (pid) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
};
/** Time running and waiting on the run queue, ms. */
const sched = (path) => {
  const [run, wait] = readFileSync(`/proc/${path}/schedstat`, 'utf8').split(' ').map(Number);
  return { run: run / 1e6, wait: wait / 1e6 };
};
/** The machine's idle and total CPU time, in clock ticks. */
const machine = () => {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1).map(Number);
  return { idle: f[3] + f[4], total: f.reduce((a, b) => a + b, 0) };
};

let serve;
while (!serve) {
  serve = children().find((k) => cmdline(k).includes('smtpeter-sim.js'));
  if (!serve) await sleep(100);
}
const nginx = children().find((k) => cmdline(k).includes('nginx'));

const sample = () => {
  const t = new Map();
  for (const tid of readdirSync(`/proc/${serve}/task`)) {
    try {
      t.set(tid, sched(`${serve}/task/${tid}`));
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  if (nginx) t.set('nginx', sched(nginx));
  return { t, m: machine(), at: performance.now() };
};

let prev = sample();
for (;;) {
  await sleep(1000);
  let cur;
  try {
    cur = sample();
  } catch {
    break; // serve ended
  }
  const wall = cur.at - prev.at;
  const d = (k) => {
    const a = cur.t.get(k) ?? { run: 0, wait: 0 };
    const b = prev.t.get(k) ?? { run: 0, wait: 0 };
    return { run: a.run - b.run, wait: a.wait - b.wait };
  };
  const show = (x) =>
    `run ${Math.round(x.run)} wait ${Math.round(x.wait)} sleep ${Math.round(wall - x.run - x.wait)}`;
  const others = [...cur.t.keys()]
    .filter((k) => k !== serve && k !== 'nginx')
    .map(d)
    .sort((a, b) => b.run - a.run);
  const idle = (100 * (cur.m.idle - prev.m.idle)) / (cur.m.total - prev.m.total);
  console.log(
    [
      new Date().toISOString().slice(11, 19),
      `wall ${Math.round(wall)}`,
      `main ${show(d(serve))}`,
      `w1 ${show(others[0] ?? { run: 0, wait: 0 })}`,
      `w2 ${show(others[1] ?? { run: 0, wait: 0 })}`,
      ...(nginx ? [`nginx ${show(d('nginx'))}`] : []),
      `machine idle ${Math.round(idle)}%`,
      `load ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}`,
    ].join(' | '),
  );
  prev = cur;
}
