import { feedbackReportFields } from '../../captured/infer.js';
import type { CallType } from '../../model/events.js';
import { detectDefects } from '../defects.js';
import { clientName, complaintLine } from '../describe.js';
import type { ReceivedCall } from '../types.js';
import { findPart, type HeaderPair, type MimeNode, mimeTree } from './mime-tree.js';

/** One row of the live list: what a person scans for. */
export interface CallSummary {
  seq: number;
  receivedAt: string;
  kind: CallType | null;
  /** Open and click calls: who fetched (proxy, prefetch, scanner, app or browser). */
  client: string | null;
  dialect: string | null;
  /** Message id (the `id` field): calls about one message share it. */
  id: string | null;
  recipient: string | null;
  /** Failure: state code extended; bounce: the DSN's Status (and Action). */
  state: string | null;
  code: string | null;
  extended: string | null;
  /**
   * What kind of event this is, in a few words: the bounce's subject, the
   * failure's or delivery's description, the client of an open or click,
   * an abuse report's Feedback-Type and loop.
   */
  hint: string;
  /** verified | failed | unsigned | not-checked */
  signature: string;
  signatureText: string;
  problems: string[];
  /** Bounce: the real-world defects its message has, as read from the wire (receive/defects.ts). */
  defects: string[];
  answered: number;
  size: number;
}

/** Everything the detail view shows. */
export interface CallDetail extends CallSummary {
  fields: Record<string, unknown> | null;
  format: string | null;
  /** The HTTP request as it arrived: request line, headers, body (body capped). */
  request: { line: string; headers: HeaderPair[]; body: string; bodyBytes: number; truncated: boolean };
  mime: MimeNode | null;
  /** Abuse calls: the ARF report's feedback-report fields, in order. */
  report: HeaderPair[] | null;
}

const BODY_CAP = 512 * 1024;

function str(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  return Array.isArray(v) ? v.join(', ') : String(v);
}

function get(pairs: HeaderPair[] | undefined, name: string): string | undefined {
  const lower = name.toLowerCase();
  return pairs?.find(([n]) => n.toLowerCase() === lower)?.[1];
}

function signatureText(call: ReceivedCall): string {
  const s = call.signature;
  switch (s.result) {
    case 'verified':
      return `verified (${s.keyId})`;
    case 'failed':
      return `FAILED: ${s.problem}`;
    case 'unsigned':
      return 'unsigned';
    default:
      return `not checked (no --public-key); digest ${s.digest}`;
  }
}

const trees = new WeakMap<ReceivedCall, MimeNode | null>();

/** The call's bounce message as a tree (read once, remembered). */
export function callMime(call: ReceivedCall): MimeNode | null {
  if (trees.has(call)) return trees.get(call) ?? null;
  const mime = call.fields?.['mime'];
  const tree = typeof mime === 'string' ? mimeTree(mime) : null;
  trees.set(call, tree);
  return tree;
}

/**
 * The SMTP reply code in a Diagnostic-Code: three digits standing alone as
 * a reply starts (`550 5.1.1`, `550-5.1.1`), never part of an address or a
 * port (`[10.241.99.219]`, `:25`) or of an enhanced status (`5.1.1`).
 */
export function replyCode(diagnostic: string): string | null {
  return /(?<![\w.[:\]-])([245]\d\d)(?=[ -]|$)/m.exec(diagnostic)?.[1] ?? null;
}

export function summarize(call: ReceivedCall): CallSummary {
  const f = call.fields ?? {};
  const kind = call.validation.kind ?? null;
  let state = str(f['state']);
  let code = str(f['code']);
  let extended = str(f['extended']);
  let hint: string;
  const tree = kind === 'bounce' ? callMime(call) : null;
  const client = (kind === 'open' || kind === 'click') && call.fields ? clientName(f) : null;
  if (client) {
    hint = `${client} · ${str(f['ip']) ?? '?'}${kind === 'click' ? ` → ${str(f['original']) ?? str(f['url'])}` : ''}`;
  } else if (kind === 'abuse' && typeof f['mime'] === 'string') {
    hint = complaintLine(f['mime']);
  } else if (tree) {
    hint = get(tree.headers, 'Subject') ?? '(no subject)';
    const ds = findPart(tree, 'message/delivery-status')?.deliveryStatus?.recipients[0];
    if (ds) {
      state = get(ds, 'Action') ?? null;
      extended = get(ds, 'Status') ?? null;
      code = replyCode(get(ds, 'Diagnostic-Code') ?? '');
    }
  } else if (call.fields) {
    hint = str(f['description']) ?? '';
  } else {
    hint = call.summary;
  }
  return {
    seq: call.seq,
    receivedAt: new Date(call.receivedAt).toISOString(),
    kind,
    client,
    dialect: call.validation.dialect ?? null,
    id: str(f['id']),
    recipient: str(f['recipient'] ?? f['rcptto']),
    state,
    code,
    extended,
    hint,
    signature: call.signature.result,
    signatureText: signatureText(call),
    problems: [
      ...call.validation.problems,
      ...(call.signature.result === 'failed' ? [`signature: ${call.signature.problem}`] : []),
    ],
    defects: tree && typeof f['mime'] === 'string' ? detectDefects(f['mime'], tree) : [],
    answered: call.answered,
    size: call.body.length,
  };
}

export function detail(call: ReceivedCall): CallDetail {
  const headers: HeaderPair[] = [];
  if (call.rawHeaders) {
    for (let i = 0; i + 1 < call.rawHeaders.length; i += 2)
      headers.push([call.rawHeaders[i]!, call.rawHeaders[i + 1]!]);
  } else {
    for (const [n, v] of Object.entries(call.headers)) headers.push([n, v]);
  }
  const truncated = call.body.length > BODY_CAP;
  return {
    ...summarize(call),
    fields: call.fields ?? null,
    format: call.format ?? null,
    request: {
      line: `${call.method} ${call.path} HTTP/${call.httpVersion ?? '1.1'}`,
      headers,
      body: call.body.subarray(0, BODY_CAP).toString('utf8'),
      bodyBytes: call.body.length,
      truncated,
    },
    mime: callMime(call),
    report:
      call.validation.kind === 'abuse' && typeof call.fields?.['mime'] === 'string'
        ? feedbackReportFields(call.fields['mime'])
        : null,
  };
}

/** The raw HTTP request, whole, as text. */
export function rawRequest(call: ReceivedCall): string {
  const d = detail(call).request;
  return `${d.line}\r\n${d.headers.map(([n, v]) => `${n}: ${v}`).join('\r\n')}\r\n\r\n${call.body.toString('utf8')}`;
}
