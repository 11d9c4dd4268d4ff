import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Wait until this process is nearly idle: its threads together used less
 * than `share` of a core over the last `windowMs`, or `maxMs` passed.
 * Build workers warm up before a run (thousands of throwaway calls), and V8
 * keeps compiling that code on its background threads for a few hundred ms
 * after; an open run started meanwhile shares the cores with them, and its
 * first half second was most of its schedule lag (docs/performance.md).
 */
export async function settle(maxMs = 1000, windowMs = 20, share = 0.25): Promise<void> {
  const until = performance.now() + maxMs;
  let at = performance.now();
  let before = process.cpuUsage();
  while (performance.now() < until) {
    await sleep(windowMs);
    const used = process.cpuUsage(before);
    const now = performance.now();
    if ((used.user + used.system) / 1000 < share * (now - at)) return;
    at = now;
    before = process.cpuUsage();
  }
}
