import type { ChildProcess } from 'node:child_process';
import { cliSpawn } from './cli.js';

export interface Listening {
  proc: ChildProcess;
  url: string;
  /** What `listen` printed on stdout so far. */
  out: () => string;
  /** And on stderr. */
  err: () => string;
}

/** Start `listen` on a free port; resolves at its "listening on URL" line. */
export async function startListen(args: string[], env: Record<string, string> = {}): Promise<Listening> {
  const proc = cliSpawn(['listen', '--port', '0', ...args], env);
  let stdout = '';
  let stderr = '';
  proc.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    proc.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      const m = /listening on (\S+)/.exec(stderr);
      if (m) resolve(m[1]!);
    });
    proc.once('exit', () => reject(new Error(`listen exited: ${stderr}`)));
  });
  return { proc, url, out: () => stdout, err: () => stderr };
}

/** Stop it as Ctrl-C would; resolves with its exit code. */
export async function stopListen(proc: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  proc.kill('SIGINT');
  return exited;
}
