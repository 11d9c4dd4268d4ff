import { dialectFields } from '../encode/dialect.js';
import type { FixtureEntry } from '../fixture-file/format.js';
import { schemaCheck } from '../fixture-file/validate.js';
import type { ReceivedCall } from './types.js';
import { signatureProblem } from './validate.js';

/** Wire names the fixture model spells otherwise: the feedback loops call the return path `rcptto`. */
const FIXTURE_NAME: Readonly<Record<string, string>> = { rcptto: 'envelope' };

/**
 * The feedback-loop dialects send no `action`, but a written-out failure
 * needs one. Replayed in its own dialect it is never sent, so the likeliest
 * value does: a DSN and a 5xx reply are final, anything else will be retried.
 */
function impliedAction(entry: FixtureEntry): 'failure' | 'failed' {
  return entry.state === 'bounce' || entry.code?.startsWith('5') ? 'failed' : 'failure';
}

/**
 * One received call as a fixture entry that replays as the same call in the
 * same dialect: `{"type", ...its fields in the fixture model, "dialect"}`.
 * Form values arrive as strings, so `time` is made a number again and
 * `tags` an array. Calls that did not parse, that `listen` found invalid (a
 * failed or missing signature included, when it verifies them), or
 * whose type or dialect cannot be told have no entry (undefined): replay
 * would refuse the file for them.
 */
export function exportCall(call: ReceivedCall): FixtureEntry | undefined {
  const { kind, dialect, problems } = call.validation;
  // A call whose signature failed is invalid too (answered 400 unless --accept-invalid).
  if (!call.fields || !kind || !dialect || problems.length || signatureProblem(call.signature))
    return undefined;
  const fields = call.fields;
  const entry: Record<string, unknown> = { type: kind };
  for (const name of dialectFields(dialect, kind)) {
    const value = fields[name];
    if (value === undefined || name === 'type') continue;
    if (name === 'time') entry[name] = Number(value);
    else if (name === 'tags') entry[name] = Array.isArray(value) ? value.map(String) : [String(value)];
    else entry[FIXTURE_NAME[name] ?? name] = String(value);
  }
  const out = entry as FixtureEntry;
  if (kind === 'failure') out.action ??= impliedAction(out);
  out.dialect = dialect;
  // What listen accepts and what a fixture may hold differ at the edges (an id with a space).
  return schemaCheck(out, 'entry', 'export', () => undefined).problems.length ? undefined : out;
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
