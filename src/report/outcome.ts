import type { GivenUp } from '../model/results.js';
import type { ErrorKind } from '../transport/http.js';

/** What an attempt came back with: its status, or how it failed (REFUSED, RESET, TIMEOUT, TLS, OTHER). */
export function outcomeLabel(r: { status?: number; errorKind?: ErrorKind }): string {
  return r.status !== undefined ? String(r.status) : (r.errorKind ?? 'error').toUpperCase();
}

/**
 * `gave up: …` when retrying ended without success: retries spent, or cut
 * short by a stop. Nothing for a call that was not retryable, nor for one
 * whose first attempt was its last because no retry was configured.
 */
export function gaveUpNote(givenUp: GivenUp | undefined, attempts: number): string | undefined {
  if (givenUp === 'interrupted' || (givenUp === 'exhausted' && attempts > 1)) return `gave up: ${givenUp}`;
  return undefined;
}
