import { realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';

/**
 * Where a file written whole goes: `path` is written into a temporary file
 * beside `target`, then renamed over it. `target` is `path` itself when
 * there is none yet, the file a symlink names (the link stays a link);
 * undefined for what is not a regular file (a FIFO, /dev/stdout,
 * /dev/null), which is written straight into: renaming over it would
 * replace it with a file.
 */
export function wholeFileTarget(path: string): { target: string; temporary: string } | undefined {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat !== undefined && !stat.isFile()) return undefined;
  const target = stat === undefined ? path : realpathSync(path);
  return { target, temporary: `${target}.${process.pid}.partial` };
}

/**
 * Write a report file whole or not at all: into a temporary file beside it,
 * then renamed over it. A run stopped while writing (a second signal, a
 * full disk) leaves the old file or none, never a truncated JSON or XML.
 */
export function writeWhole(path: string, text: string): void {
  const whole = wholeFileTarget(path);
  if (!whole) {
    writeFileSync(path, text);
    return;
  }
  try {
    writeFileSync(whole.temporary, text);
    renameSync(whole.temporary, whole.target);
  } catch (err) {
    rmSync(whole.temporary, { force: true });
    throw err;
  }
}
