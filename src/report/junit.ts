import type { ReplayResult } from '../run/replay.js';

/** XML 1.0 text: escape markup, drop characters XML cannot carry. */
function xmlEscape(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

/**
 * JUnit XML (the Surefire/Jenkins shape CI systems read): one testsuite per
 * fixture file, one testcase per call, a <failure> when the receiver did
 * not answer as the entry expects.
 */
export function junitXml(files: string[], results: ReplayResult[], now: Date): string {
  const byFile = new Map<string, ReplayResult[]>(files.map((f) => [f, []]));
  for (const r of results) {
    const list = byFile.get(r.planned.location.file) ?? [];
    list.push(r);
    byFile.set(r.planned.location.file, list);
  }
  const total = results.length;
  const failures = results.filter((r) => !r.ok).length;
  const time = results.reduce((sum, r) => sum + r.latencyMs, 0);
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="smtpeter-sim replay" tests="${total}" failures="${failures}" errors="0" time="${seconds(time)}">`,
  ];
  for (const [file, list] of byFile) {
    const f = list.filter((r) => !r.ok).length;
    const t = list.reduce((sum, r) => sum + r.latencyMs, 0);
    out.push(
      `  <testsuite name="${xmlEscape(file)}" tests="${list.length}" failures="${f}" errors="0" skipped="0" time="${seconds(t)}" timestamp="${now.toISOString().slice(0, 19)}">`,
    );
    for (const r of list) {
      const loc = r.planned.location;
      const name = `${loc.line !== undefined ? `line ${loc.line}` : loc.path}: ${r.sent.event.type} ${r.planned.label}${r.planned.redelivery ? ' (redelivery)' : ''}`;
      const open = `    <testcase classname="${xmlEscape(file)}" name="${xmlEscape(name)}" time="${seconds(r.latencyMs)}"`;
      if (r.ok) {
        out.push(`${open}/>`);
        continue;
      }
      const got = r.status !== undefined ? `HTTP ${r.status}` : `no response (${r.error ?? 'error'})`;
      const message = `expected ${r.expected}, got ${got}`;
      out.push(
        `${open}>`,
        `      <failure message="${xmlEscape(message)}" type="UnexpectedStatus">${xmlEscape(
          `${message}\nPOST ${r.url}\nid=${r.sent.event.id} recipient=${r.sent.event.recipient}`,
        )}</failure>`,
        '    </testcase>',
      );
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}
