#!/usr/bin/env node
/**
 * The fair peer of bench (a): autocannon cycling through N distinct
 * pre-generated realistic bodies (one a line in BODIES, form-encoded, so no
 * body holds a newline), one per request through its `setupRequest` hook:
 * autocannon then builds every request afresh, as fire sends a different
 * call every time. The bodies are made before the clock starts, so
 * generating them costs autocannon nothing; fire makes each as it goes.
 *
 *   node bench/autocannon-bodies.mjs URL BODIES [connections=50] [seconds=5] [pipelining=1]
 *
 * Prints JSON: {requests, seconds, rate, errors, bodies, cpuUsPerRequest}.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const [url, file, connText = '50', secText = '5', pipeText = '1'] = process.argv.slice(2);
if (!url || !file) {
  process.stderr.write('usage: node bench/autocannon-bodies.mjs URL BODIES [connections] [seconds]\n');
  process.exit(2);
}
const bodies = readFileSync(file, 'utf8')
  .split('\n')
  .filter((b) => b.length > 0)
  .map((b) => Buffer.from(b));
let next = 0;
const cpu0 = process.cpuUsage();
const result = await autocannon({
  url,
  connections: Number(connText),
  pipelining: Number(pipeText),
  duration: Number(secText),
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  requests: [
    {
      setupRequest: (request) => {
        request.body = bodies[next];
        next = next + 1 === bodies.length ? 0 : next + 1;
        return request;
      },
    },
  ],
});
const cpu = process.cpuUsage(cpu0);
const requests = result.requests.total;
process.stdout.write(
  `${JSON.stringify({
    requests,
    seconds: result.duration,
    rate: requests / result.duration,
    errors: result.errors + result.non2xx,
    bodies: bodies.length,
    cpuUsPerRequest: (cpu.user + cpu.system) / Math.max(1, requests),
  })}\n`,
);
