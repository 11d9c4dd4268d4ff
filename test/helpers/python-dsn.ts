import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A second, independent reading of a DSN: Python's email package (its
 * parser splits message/delivery-status into the RFC 3464 field blocks
 * itself). Used where Sisimai 4.25 cannot decode a real format.
 */
export interface PythonDsn {
  /** Decoded Subject. */
  subject: string;
  contentType: string;
  reportType: string;
  contentLanguage: string;
  /** The first text/plain part, decoded from its transfer encoding and charset. */
  text: string;
  /** Per-message fields, then one record per recipient block (names in lower case). */
  perMessage: Record<string, string>;
  recipients: Array<Record<string, string>>;
  defects: string[];
}

const SCRIPT = `
import json, sys, email
from email import policy
out = []
for path in sys.argv[1:]:
    with open(path, 'rb') as f:
        msg = email.message_from_bytes(f.read(), policy=policy.default)
    text, blocks, defects = '', [], [type(d).__name__ for d in msg.defects]
    for part in msg.walk():
        defects += [type(d).__name__ for d in part.defects]
        ct = part.get_content_type()
        if ct == 'text/plain' and not text:
            text = part.get_content()
        if ct == 'message/delivery-status':
            blocks = [{k.lower(): ' '.join(str(v).split()) for k, v in b.items()} for b in part.get_payload()]
    out.append({
        'subject': str(msg['subject']),
        'contentType': msg.get_content_type(),
        'reportType': msg.get_param('report-type') or '',
        'contentLanguage': str(msg.get('content-language', '')),
        'text': text,
        'perMessage': blocks[0] if blocks else {},
        'recipients': blocks[1:],
        'defects': defects,
    })
print(json.dumps(out))
`;

export function pythonAvailable(): boolean {
  return spawnSync('python3', ['-c', 'import email']).status === 0;
}

/** Read many messages in one python3 process. */
export function readWithPython(messages: readonly string[]): PythonDsn[] {
  const dir = mkdtempSync(join(tmpdir(), 'pydsn-'));
  try {
    const files = messages.map((mime, i) => {
      const file = join(dir, `${i}.eml`);
      writeFileSync(file, mime);
      return file;
    });
    const run = spawnSync('python3', ['-c', SCRIPT, ...files], { maxBuffer: 256 << 20 });
    if (run.status !== 0) throw new Error(`python3: ${run.stderr.toString()}`);
    return JSON.parse(run.stdout.toString()) as PythonDsn[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
