import type { ReceivedCall } from './server.js';

/**
 * One received call as a fixture line:
 * `{"type": "failure"|"bounce", ...the fields as received, "dialect": "..."}`.
 * Fields keep their received shape (`tags` an array, values strings for form
 * calls). Calls that did not parse, or whose type or dialect cannot be told,
 * have no line (undefined).
 */
export function exportCall(call: ReceivedCall): Record<string, unknown> | undefined {
  const { kind, dialect } = call.validation;
  if (!call.fields || !kind || !dialect) return undefined;
  const line: Record<string, unknown> = { type: kind, ...call.fields };
  line['type'] = kind; // what the call is, even when a `type` field said otherwise
  line['dialect'] = dialect;
  return line;
}

/** Received calls as NDJSON, arrival order, one line per exportable call. */
export function exportNdjson(calls: readonly ReceivedCall[]): {
  text: string;
  lines: number;
  skipped: number;
} {
  let text = '';
  let lines = 0;
  for (const call of calls) {
    const line = exportCall(call);
    if (!line) continue;
    text += `${JSON.stringify(line)}\n`;
    lines++;
  }
  return { text, lines, skipped: calls.length - lines };
}
