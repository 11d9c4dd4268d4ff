/**
 * SIGINT/SIGTERM for a run: the first aborts `stop` (no further call, waits
 * end, requests in flight get the grace period); the second calls `cutOff`
 * (requests in flight end at once). Returns the function that removes the handlers.
 */
export function onInterrupt(stop: AbortController, cutOff: () => Promise<void>): () => void {
  let signals = 0;
  const onSignal = (): void => {
    if (++signals === 1) stop.abort();
    else void cutOff();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}
