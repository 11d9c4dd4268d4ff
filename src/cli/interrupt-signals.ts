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

/**
 * Resolves at the first SIGINT or SIGTERM. Call it before the lines that say
 * the command is up: a supervisor (a test, CI) that stops the process as soon
 * as it reads them must meet this handler, not the default action (the
 * process killed, nothing closed). Both handlers go when one fires.
 */
export function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
