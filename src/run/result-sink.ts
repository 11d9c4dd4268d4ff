import type { CallResult, DroppedCall, UnsentCall } from '../model/results.js';
import type { CallInfo } from './source.js';

/**
 * A reader of the engine's records (vegeta: results -> metrics -> reporters).
 * Metrics, the request log, a command's per-call lines and replay's results
 * each subscribe; the engine writes into none of them.
 */
export interface ResultSink {
  /** Every attempt, and each call's final result (`final: true`). */
  onResult?(result: CallResult, call: CallInfo): void;
  /** A planned call that never got a slot. */
  onDropped?(dropped: DroppedCall): void;
  /** A call stopped during its --delay: it had a slot but was never sent. */
  onUnsent?(unsent: UnsentCall, call: CallInfo): void;
}

/** The sinks as one, called in the order given (metrics first: a reader after it sees the record counted). */
export function fanOut(sinks: readonly ResultSink[]): Required<ResultSink> {
  const results: NonNullable<ResultSink['onResult']>[] = [];
  const dropped: NonNullable<ResultSink['onDropped']>[] = [];
  const unsent: NonNullable<ResultSink['onUnsent']>[] = [];
  for (const s of sinks) {
    if (s.onResult) results.push(s.onResult.bind(s));
    if (s.onDropped) dropped.push(s.onDropped.bind(s));
    if (s.onUnsent) unsent.push(s.onUnsent.bind(s));
  }
  return {
    onResult: (r, call) => {
      for (const f of results) f(r, call);
    },
    onDropped: (d) => {
      for (const f of dropped) f(d);
    },
    onUnsent: (u, call) => {
      for (const f of unsent) f(u, call);
    },
  };
}
