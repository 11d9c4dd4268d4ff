/**
 * Where does an open run's schedule lag come from? Load into `fire` with
 * --import (main thread only; workers ignore it):
 *
 *   npm run build
 *   PROBE_OUT=/tmp/lag.json node --import ./bench/lag-probe.mjs bin/smtpeter-sim.js \
 *     fire --json -q --url http://127.0.0.1:PORT/ --no-sign --rate 5000/s --duration 5s
 *
 * Records every first attempt's intended time and lag (warm-up calls left
 * out), V8 GC events, each precise-sleeper wake (how late; with
 * PROBE_WAKESTAT=1 also how long the main thread ran and waited on a run
 * queue meanwhile, from /proc/self/task/<tid>/schedstat), each batch from a
 * build worker, how long posting each job took the main thread (the worker
 * it wakes may run first), and with PROBE_SCHED=<ms> the run time and run-queue wait
 * of the main thread and of the other threads every <ms>. Writes it all to
 * PROBE_OUT as JSON and a summary to stderr. Linux only (schedstat).
 */
import { openSync, readdirSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import { isMainThread, Worker } from 'node:worker_threads';

const ROOT = new URL('..', import.meta.url);

/** A growable Float64Array of records `width` numbers wide. */
function series(width) {
  let a = new Float64Array(width << 14);
  let n = 0;
  return {
    push(...v) {
      if (n + width > a.length) {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        a = b;
      }
      for (const x of v) a[n++] = x;
    },
    rows() {
      const out = [];
      for (let i = 0; i < n; i += width) out.push(Array.from(a.subarray(i, i + width)));
      return out;
    },
  };
}

const schedstat = (tid) => readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ').map(Number);

async function probe() {
  const T0 = performance.timeOrigin;
  const calls = series(2); // intended (performance.now ms), lag ms
  const gcs = series(3); // start, duration ms, kind
  const wakes = series(4); // due, woken, main ran ms, main waited ms
  const batches = series(3); // at, handler ms, calls
  const posts = series(2); // at, ms the main thread spent in a build job's postMessage
  const sched = series(5); // at, main run ns, main wait ns, others run ns, others wait ns

  const { RunMetrics } = await import(new URL('dist/src/metrics/run-metrics.js', ROOT).href);
  const record = RunMetrics.prototype.record;
  RunMetrics.prototype.record = function (r) {
    if (!r.cancelled && r.attempt === 1 && !r.id.startsWith('warm-up'))
      calls.push(r.intendedAt - T0, r.sentAt - r.intendedAt);
    return record.call(this, r);
  };

  const fd = openSync(`/proc/self/task/${process.pid}/schedstat`, 'r');
  const buf = Buffer.alloc(128);
  const mainStat = () => {
    const n = readSync(fd, buf, 0, 128, 0);
    return buf.toString('latin1', 0, n).split(' ').map(Number);
  };
  const wakeStat = Boolean(process.env.PROBE_WAKESTAT);
  const { PreciseSleeper } = await import(new URL('dist/src/pace/precise-sleep.js', ROOT).href);
  const sleep = PreciseSleeper.prototype.sleep;
  PreciseSleeper.prototype.sleep = function (ms) {
    const due = performance.now() + ms;
    const s0 = wakeStat ? mainStat() : [0, 0];
    const p = sleep.call(this, ms);
    void p.then(() => {
      const woken = performance.now();
      const s1 = wakeStat ? mainStat() : [0, 0];
      wakes.push(due, woken, (s1[0] - s0[0]) / 1e6, (s1[1] - s0[1]) / 1e6);
    });
    return p;
  };

  const { BuildPool } = await import(new URL('dist/src/run/build-pool.js', ROOT).href);
  const received = BuildPool.prototype.received;
  BuildPool.prototype.received = function (batch) {
    const at = performance.now();
    const r = received.call(this, batch);
    batches.push(at, performance.now() - at, batch.count);
    return r;
  };

  // Posting a job wakes a worker; on the client's one core the main thread may not get the CPU back until the job is done.
  const postMessage = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (...args) {
    const at = performance.now();
    const r = postMessage.apply(this, args);
    posts.push(at, performance.now() - at);
    return r;
  };

  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push(e.startTime, e.duration, e.detail?.kind ?? 0);
  }).observe({ entryTypes: ['gc'] });

  if (process.env.PROBE_SCHED) {
    setInterval(() => {
      const row = [performance.now(), 0, 0, 0, 0];
      for (const tid of readdirSync('/proc/self/task')) {
        try {
          const [run, wait] = schedstat(tid);
          const k = Number(tid) === process.pid ? 1 : 3;
          row[k] += run;
          row[k + 1] += wait;
        } catch {}
      }
      sched.push(...row);
    }, Number(process.env.PROBE_SCHED)).unref();
  }

  process.on('exit', () => {
    const threads = {};
    for (const tid of readdirSync('/proc/self/task')) {
      try {
        const [run, wait, slices] = schedstat(tid);
        threads[tid] = { runMs: run / 1e6, waitMs: wait / 1e6, slices };
      } catch {}
    }
    const data = {
      pid: process.pid,
      threads,
      calls: calls.rows(),
      gcs: gcs.rows(),
      wakes: wakes.rows(),
      batches: batches.rows(),
      posts: posts.rows(),
      sched: sched.rows(),
    };
    if (process.env.PROBE_OUT) writeFileSync(process.env.PROBE_OUT, JSON.stringify(data));
    process.stderr.write(`${summary(data)}\n`);
  });
}

function summary(d) {
  const calls = d.calls.sort((a, b) => a[0] - b[0]);
  if (calls.length === 0) return 'lag-probe: no calls';
  const t0 = calls[0][0];
  const p99 = (rows) => {
    const s = rows.map((r) => r[1]).sort((a, b) => a - b);
    return s.length ? s[Math.floor(0.99 * s.length)].toFixed(2) : '-';
  };
  const late = (rows) => rows.filter((r) => r[1] > 2).length;
  const first = calls.filter((c) => c[0] - t0 < 250);
  const steady = calls.filter((c) => c[0] - t0 >= 1000);
  const gc = d.gcs.map((g) => g[1]).sort((a, b) => a - b);
  const lateWakes = d.wakes.filter((w) => w[1] - w[0] > 1);
  const main = d.threads[d.pid] ?? { runMs: 0, waitMs: 0 };
  return [
    `lag-probe: ${calls.length} calls, p99 ${p99(calls)} ms (from 1 s on ${p99(steady)} ms)`,
    `late >2 ms: ${late(first)} in the first 250 ms, ${late(calls) - late(first)} after (1% = ${calls.length / 100})`,
    `GC ${gc.length}, ${gc.reduce((a, b) => a + b, 0).toFixed(0)} ms, longest ${(gc.at(-1) ?? 0).toFixed(1)} ms`,
    `sleeper wakes >1 ms late: ${lateWakes.length} of ${d.wakes.length}`,
    `batches ${d.batches.length}, longest handler ${Math.max(0, ...d.batches.map((b) => b[1])).toFixed(2)} ms`,
    `job posts ${d.posts.length}: ${postStalls(d.posts)}`,
    `main thread ran ${main.runMs.toFixed(0)} ms, waited for a CPU ${main.waitMs.toFixed(0)} ms`,
  ].join('\n  ');
}

/** How long the main thread was away in a job's postMessage: total, p50, p99, longest. */
function postStalls(rows) {
  const ms = rows.map((r) => r[1]).sort((a, b) => a - b);
  if (ms.length === 0) return '-';
  const at = (q) => ms[Math.floor(q * (ms.length - 1))].toFixed(2);
  const total = ms.reduce((a, b) => a + b, 0);
  return `${total.toFixed(0)} ms in all, p50 ${at(0.5)} p99 ${at(0.99)} longest ${at(1)} ms`;
}

if (isMainThread) await probe();
