import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { CliIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const BIN = join(ROOT, 'bin', 'smtpeter-sim.js');

/** A private config home so tests never touch the user's keys. */
export const TEST_HOME = mkdtempSync(join(tmpdir(), 'smtpeter-sim-test-'));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Run the built CLI as a user would (async, so in-process servers keep serving).
 * `timeoutMs`: kill it (SIGKILL) if it has not exited by then, for a command that could hang.
 */
export function cli(
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        cwd: options.cwd ?? TEST_HOME,
        env: { ...process.env, XDG_CONFIG_HOME: TEST_HOME, NO_COLOR: '1', ...options.env },
        maxBuffer: 256 << 20,
        ...(options.timeoutMs ? { timeout: options.timeoutMs, killSignal: 'SIGKILL' as const } : {}),
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

/** A stream that keeps what was written, as a pipe (not a TTY) would deliver it. */
function captureStream(): { stream: NodeJS.WriteStream; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => chunks.join('') };
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Run the CLI in-process through `main(argv, io)`: the same parsing, commands
 * and exit codes as `cli()`, without a process start per case. Runs one at a
 * time, since the working folder and environment are the process's own.
 */
export function runMain(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<CliResult> {
  const run = async (): Promise<CliResult> => {
    const stdout = captureStream();
    const stderr = captureStream();
    const io: CliIO = { stdout: stdout.stream, stderr: stderr.stream };
    const env = { XDG_CONFIG_HOME: TEST_HOME, NO_COLOR: '1', ...options.env };
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    const cwd = process.cwd();
    Object.assign(process.env, env);
    process.chdir(options.cwd ?? TEST_HOME);
    try {
      const code = await main([process.execPath, BIN, ...args], io);
      return { code, stdout: stdout.text(), stderr: stderr.text() };
    } finally {
      process.chdir(cwd);
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  };
  const result = queue.then(run, run);
  queue = result.catch(() => undefined);
  return result;
}
