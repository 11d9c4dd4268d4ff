/**
 * Does serve keep what it should let go? Sends through the REST API with
 * `--keep 10000` (in-process startServe, a local 204 receiver, every delivery
 * call made) and prints V8's heap in use after a full GC and the RSS at
 * 10^4, 5·10^4, 10^5 and 2·10^5 messages. A flat heap with a growing RSS
 * means nothing is retained: the growth is V8's heap and the allocator
 * sizing up, not messages or calls held.
 *
 *   npm run build && node --expose-gc bench/serve-heap.mjs
 */
import { createServer } from 'node:http';
import { Pool } from 'undici';
import { startServe } from '../dist/src/serve/serve.js';

const recv = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(204).end());
});
await new Promise((r) => recv.listen(0, '127.0.0.1', r));
const serve = await startServe({
  apiPort: 0,
  smtpPort: 0,
  timeScale: 36000,
  seed: 1,
  keep: 10000,
  credentials: { token: 'tok-0123456789abcdef', smtpUser: 'u', smtpPass: 'p' },
  credentialsFile: '/tmp/leak-serve.json',
  targets: { url: new URL(`http://127.0.0.1:${recv.address().port}/`) },
  request: { format: 'json', dialect: 'smtpeter' },
});
const pool = new Pool(serve.apiUrl, { connections: 20 });
const body = JSON.stringify({
  recipient: 'delivered@simulator.smtpeter.test',
  from: 'a@shop.example',
  subject: 'Hi',
  text: 'Hello',
});
let sent = 0;
async function worker(n) {
  for (let i = 0; i < n; i++) {
    const r = await pool.request({
      path: '/v1/send?access_token=tok-0123456789abcdef',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    await r.body.text();
    sent++;
  }
}
for (const target of [10000, 50000, 100000, 200000]) {
  const per = Math.ceil((target - sent) / 20);
  await Promise.all(Array.from({ length: 20 }, () => worker(per)));
  await new Promise((r) => setTimeout(r, 1500));
  global.gc?.();
  global.gc?.();
  const m = process.memoryUsage();
  console.log(
    `${sent} sent: heapUsed ${(m.heapUsed / 1e6).toFixed(0)} MB rss ${(m.rss / 1e6).toFixed(0)} MB`,
  );
}
await pool.close();
await serve.close();
recv.close();
