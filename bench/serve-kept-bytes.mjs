/**
 * What one kept message costs on V8's heap: serve in-process (startServe,
 * default --keep, a local 204 receiver, every delivery call made), V8's heap
 * in use after a full GC at 2,000 REST sends and again N sends later; the
 * difference over N. With a file name, also a heap snapshot (open it in
 * Chrome's DevTools, Memory tab, to see which objects make up a message).
 *
 *   npm run build && node --expose-gc bench/serve-kept-bytes.mjs [ROOT] [N] [SNAPSHOT]
 *     ROOT: a checkout whose build to measure (default this one), N: 20000
 */
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeHeapSnapshot } from 'node:v8';
import { Pool } from 'undici';

const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
const N = Number(process.argv[3] ?? 20000);
const { startServe } = await import(join(root, 'dist/src/serve/serve.js'));
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
  credentials: { token: 'tok-0123456789abcdef', smtpUser: 'u', smtpPass: 'p' },
  credentialsFile: join(tmpdir(), 'serve-kept-bytes-credentials.json'),
  targets: { url: new URL(`http://127.0.0.1:${recv.address().port}/`) },
  request: { format: 'json', dialect: 'smtpeter' },
});
const pool = new Pool(serve.apiUrl, { connections: 20 });
const body = JSON.stringify({
  recipient: 'delivered@simulator.smtpeter.test',
  from: 'a@shop.example',
  subject: 'bench',
  text: 'hello',
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
/** Send up to `target`, let the delivery calls finish, full GC: V8's heap in use and the ArrayBuffers' bytes. */
async function upTo(target) {
  const per = Math.ceil((target - sent) / 20);
  await Promise.all(Array.from({ length: 20 }, () => worker(per)));
  await new Promise((r) => setTimeout(r, 1500));
  global.gc();
  global.gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, outside: m.arrayBuffers };
}
const before = await upTo(2000);
const after = await upTo(2000 + N);
console.log(
  `${root}: ${((after.heap - before.heap) / N).toFixed(0)} bytes of V8 heap per kept message, ` +
    `${((after.outside - before.outside) / N).toFixed(0)} bytes outside it (ArrayBuffers), over ${N} sends`,
);
if (process.argv[4]) console.log(`heap snapshot: ${writeHeapSnapshot(process.argv[4])}`);
await pool.close();
await serve.close();
recv.close();
