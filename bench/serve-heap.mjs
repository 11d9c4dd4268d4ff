/**
 * What serve keeps on V8's heap. In-process startServe, a local 204
 * receiver, REST sends with every delivery call made; after each mark, a
 * full GC, then V8's heap in use, the ArrayBuffers' bytes and the RSS.
 *
 *   npm run build && node --expose-gc bench/serve-heap.mjs
 *     --keep 10000: 10^4, 5·10^4, 10^5 and 2·10^5 messages. A flat heap
 *     with a growing RSS means nothing is retained: the growth is V8's
 *     heap and the allocator sizing up, not messages or calls held.
 *   node --expose-gc bench/serve-heap.mjs --kept-bytes [ROOT] [N] [SNAPSHOT]
 *     what one kept message costs: default --keep, the difference between
 *     2,000 and 2,000 + N (20000) sends, over N; ROOT: a checkout whose
 *     build to measure (default this one); SNAPSHOT: also a heap snapshot
 *     (Chrome DevTools, Memory tab: which objects make up a message).
 */
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeHeapSnapshot } from 'node:v8';
import { Pool } from 'undici';

const keptBytes = process.argv[2] === '--kept-bytes';
const [rootArg, nArg, snapshot] = keptBytes ? process.argv.slice(3) : [];
const root = resolve(rootArg ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
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
  ...(keptBytes ? {} : { keep: 10000 }),
  credentials: { token: 'tok-0123456789abcdef', smtpUser: 'u', smtpPass: 'p' },
  credentialsFile: join(tmpdir(), 'serve-heap-credentials.json'),
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
/** Send up to `target`, let the delivery calls finish, full GC: what is left. */
async function upTo(target) {
  const per = Math.ceil((target - sent) / 20);
  await Promise.all(Array.from({ length: 20 }, () => worker(per)));
  await new Promise((r) => setTimeout(r, 1500));
  global.gc?.();
  global.gc?.();
  return process.memoryUsage();
}
if (keptBytes) {
  const n = Number(nArg ?? 20000);
  const before = await upTo(2000);
  const after = await upTo(2000 + n);
  console.log(
    `${root}: ${((after.heapUsed - before.heapUsed) / n).toFixed(0)} bytes of V8 heap per kept message, ` +
      `${((after.arrayBuffers - before.arrayBuffers) / n).toFixed(0)} bytes outside it (ArrayBuffers), over ${n} sends`,
  );
  if (snapshot) console.log(`heap snapshot: ${writeHeapSnapshot(snapshot)}`);
} else {
  for (const target of [10000, 50000, 100000, 200000]) {
    const m = await upTo(target);
    console.log(
      `${sent} sent: heapUsed ${(m.heapUsed / 1e6).toFixed(0)} MB rss ${(m.rss / 1e6).toFixed(0)} MB`,
    );
  }
}
await pool.close();
await serve.close();
recv.close();
