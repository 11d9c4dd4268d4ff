import type { SendEngine } from './send-engine.js';
import type { CallInfo } from './source.js';

/**
 * Wait for every open call to end (in flight, delayed, waiting to retry).
 * After a stop, waits end at once and requests in flight get `graceMs`; then
 * `abortInFlight` cuts them off. Returns how many were cut off.
 */
export async function drain<C extends CallInfo>(
  engine: SendEngine<C>,
  graceMs: number,
  abortInFlight: () => Promise<void>,
  signal?: AbortSignal,
): Promise<number> {
  if (engine.open === 0) return 0;
  const drained = engine.whenIdle();
  const graceOver = new Promise<'grace'>((resolve) => {
    const onAbort = (): void => {
      const t = setTimeout(() => resolve('grace'), graceMs);
      void drained.then(() => clearTimeout(t));
    };
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
  if ((await Promise.race([drained, graceOver])) !== 'grace') return 0;
  const aborted = engine.inFlight;
  await abortInFlight();
  await drained;
  return aborted;
}
