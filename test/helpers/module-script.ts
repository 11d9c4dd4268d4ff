import { spawn } from 'node:child_process';

/** What a child `node --input-type=module -e` wrote and how it ended ('still running …' when killed). */
export interface ScriptOutcome {
  code: number | string;
  out: string;
  err: string;
}

/**
 * Run `script` as an ES module in a child node (`--input-type=module -e`:
 * workers must start there too, Node refuses that flag in a worker), killed
 * after `timeoutMs`. For checks that a program ends by itself.
 */
export async function runModuleScript(script: string, timeoutMs: number): Promise<ScriptOutcome> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const code = await new Promise<number | string>((resolve) => {
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      resolve(`still running after ${timeoutMs / 1000} s`);
    }, timeoutMs);
    child.on('exit', (c) => {
      clearTimeout(t);
      resolve(c ?? -1);
    });
  });
  return { code, out, err };
}
