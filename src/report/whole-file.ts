import { renameSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Write a report file whole or not at all: into a temporary file beside it,
 * then renamed over it. A run stopped while writing (a second signal, a
 * full disk) leaves the old file or none, never a truncated JSON or XML.
 */
export function writeWhole(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.partial`;
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (err) {
    rmSync(temporary, { force: true });
    throw err;
  }
}
