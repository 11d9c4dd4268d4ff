import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const BIN = join(ROOT, 'bin', 'smtpeter-sim.js');

/** A private config home so tests never touch the user's keys. */
export const TEST_HOME = mkdtempSync(join(tmpdir(), 'smtpeter-sim-test-'));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the built CLI as a user would (async, so in-process servers keep serving). */
export function cli(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        cwd: options.cwd ?? TEST_HOME,
        env: { ...process.env, XDG_CONFIG_HOME: TEST_HOME, NO_COLOR: '1', ...options.env },
        maxBuffer: 256 << 20,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Start the CLI in the background (listen); caller kills it. */
export function cliSpawn(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], {
    cwd: TEST_HOME,
    env: { ...process.env, XDG_CONFIG_HOME: TEST_HOME, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
