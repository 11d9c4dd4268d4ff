import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Sisimai 4.25 (Debian libsisimai-perl): the independent bounce oracle. */
export interface SisimaiResult {
  reason: string;
  agent: string;
  recipient: string;
  status: string;
  replycode: string;
  action: string;
}

const script = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'test',
  'helpers',
  'sisimai.pl',
);

export function sisimaiAvailable(): boolean {
  return spawnSync('perl', ['-MSisimai', '-e', '1']).status === 0;
}

/** Why a test is skipped, printed so nobody mistakes a skip for a pass. */
export function sisimaiSkipReason(): string | false {
  if (sisimaiAvailable()) return false;
  const msg = 'Sisimai (Debian libsisimai-perl) is not installed: bounce realism checks SKIPPED';
  if (process.env['CI']) throw new Error(`${msg}; CI must install it (.ci/run)`);
  process.stderr.write(`\n*** ${msg} ***\n\n`);
  return msg;
}

/** Classify many messages in one perl process. */
export function classify(messages: readonly string[]): SisimaiResult[][] {
  const dir = mkdtempSync(join(tmpdir(), 'sisimai-'));
  try {
    const files = messages.map((mime, i) => {
      const file = join(dir, `${String(i).padStart(6, '0')}.eml`);
      writeFileSync(file, mime);
      return file;
    });
    const out: SisimaiResult[][] = [];
    // Batches keep the argument list within the OS limit.
    for (let i = 0; i < files.length; i += 200) {
      const stdout = execFileSync('perl', [script, ...files.slice(i, i + 200)], {
        maxBuffer: 64 << 20,
      }).toString();
      for (const line of stdout.trim().split('\n'))
        out.push((JSON.parse(line) as { results: SisimaiResult[] }).results);
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
