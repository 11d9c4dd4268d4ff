/**
 * Where serve's memory is, sampled along a run. Load into serve's node with
 * --import (the bench passes SERVE_NODE_ARGS to serve only):
 *
 *   SERVE_NODE_ARGS="--import=./bench/serve-mem-probe.mjs" PROBE_OUT=/tmp/mem.jsonl \
 *     node bench/serve-load.mjs --phase rss
 *
 * Every PROBE_MS (1000) ms one JSON line: process.memoryUsage() (rss,
 * heapTotal, heapUsed, external, arrayBuffers), V8's spaces (committed and
 * used), /proc/self/status VmRSS and VmHWM, how the RSS splits between the
 * brk heap ([heap]) and anonymous mappings (/proc/self/smaps), and the memory
 * store's own counts (messages kept, calls pending, packed ring bytes and
 * chunks). Linux only.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

const ROOT = new URL('..', import.meta.url);
const OUT = process.env.PROBE_OUT ?? '/tmp/serve-mem.jsonl';
const MB = (n) => Math.round(n / 1048576);

let store;
/** 1 MiB Buffer.allocUnsafeSlow calls (the packed ring's chunks): a steady count means chunks are reused, not churned. */
let chunksAllocated = 0;
const allocUnsafeSlow = Buffer.allocUnsafeSlow;
Buffer.allocUnsafeSlow = (n) => {
  if (n === 1 << 20) chunksAllocated++;
  return allocUnsafeSlow(n);
};
const { MemoryStore } = await import(new URL('dist/src/serve/store/memory.js', ROOT).href);
const add = MemoryStore.prototype.add;
MemoryStore.prototype.add = function (...a) {
  store = this;
  return add.apply(this, a);
};

/** RSS of the brk heap and of the other anonymous mappings, MiB, from smaps. */
function smapsSplit() {
  const text = readFileSync('/proc/self/smaps', 'utf8');
  let name = '';
  const rss = { heap: 0, anon: 0, file: 0, stack: 0 };
  for (const line of text.split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) name = head[1];
    else if (line.startsWith('Rss:')) {
      const kb = Number(line.split(/\s+/)[1]);
      if (name === '[heap]') rss.heap += kb;
      else if (name === '') rss.anon += kb;
      else if (name.startsWith('[stack')) rss.stack += kb;
      else rss.file += kb;
    }
  }
  for (const k of Object.keys(rss)) rss[k] = Math.round(rss[k] / 1024);
  return rss;
}

function status() {
  const s = readFileSync('/proc/self/status', 'utf8');
  const kb = (k) => Math.round(Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(s)[1]) / 1024);
  return { vmRss: kb('VmRSS'), vmHwm: kb('VmHWM') };
}

function sample() {
  const m = process.memoryUsage();
  const spaces = {};
  for (const s of getHeapSpaceStatistics())
    spaces[s.space_name.replace('_space', '')] = [MB(s.physical_space_size), MB(s.space_used_size)];
  const ring = store?.ring;
  appendFileSync(
    OUT,
    `${JSON.stringify({
      t: Math.round(performance.now()),
      ...status(),
      heapTotal: MB(m.heapTotal),
      heapUsed: MB(m.heapUsed),
      external: MB(m.external),
      arrayBuffers: MB(m.arrayBuffers),
      spaces,
      smaps: smapsSplit(),
      store: store && {
        total: store.total,
        // This build's store (live: messages with a call pending), or the one before it (byId, open).
        kept: store.byId?.size ?? store.total - store.dropped,
        open: store.open?.size ?? store.live.size,
        ringMB: MB(ring.bytes),
        chunks: ring.chunks.filter(Boolean).length,
        chunksAllocated,
      },
    })}\n`,
  );
}
setInterval(sample, Number(process.env.PROBE_MS ?? 1000)).unref();
