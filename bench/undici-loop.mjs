#!/usr/bin/env node
/**
 * The transport's ceiling: a bare undici dispatch loop, one fixed body, N
 * connections each with one request at a time, for a few seconds. What any
 * client built on undici (fire included) can reach on this machine at best;
 * bench (a) runs it next to fire and autocannon.
 *
 *   node bench/undici-loop.mjs URL [connections=50] [seconds=5] [bodyBytes=450] [pipelining=1]
 *
 * With pipelining N, each connection has N requests in flight (marked
 * idempotent: undici pipelines nothing else).
 *
 * Prints JSON: {requests, seconds, rate, errors, cpuUsPerRequest, warmCpuUsPerRequest}
 * (the second leaves out the first second: start-up, module and parser
 * compilation, connecting).
 */
import { Pool } from 'undici';
import { cpuClock, loopArgs } from './loop-common.mjs';

const { url, connections, seconds, body, pipelining } = loopArgs('undici-loop.mjs');
const pool = new Pool(url.origin, { connections, pipelining });
const headers = ['content-type', 'application/x-www-form-urlencoded'];
const opts = { method: 'POST', path: url.pathname, headers, body, idempotent: pipelining > 1 };

let done = 0;
let errors = 0;
let running = true;
const stop = cpuClock(() => done);

/** One request through undici's lowest public API; the handler ignores what comes back. */
function send(onEnd) {
  pool.dispatch(opts, {
    onConnect() {},
    onHeaders() {
      return true;
    },
    onData() {
      return true;
    },
    onComplete() {
      done++;
      onEnd();
    },
    onError() {
      errors++;
      onEnd();
    },
  });
}
await new Promise((resolve) => {
  let open = connections * pipelining;
  const loop = () => {
    if (running) send(loop);
    else if (--open === 0) resolve();
  };
  for (let i = 0; i < connections * pipelining; i++) send(loop);
  setTimeout(() => {
    running = false;
  }, seconds * 1000);
});
const figures = stop();
await pool.close();
process.stdout.write(`${JSON.stringify({ ...figures, errors })}\n`);
