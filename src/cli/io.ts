/**
 * Where a command writes: the process's own streams when run as a program,
 * a test's buffers when `main(argv, io)` runs in-process.
 */
export interface CliIO {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

export const PROCESS_IO: CliIO = { stdout: process.stdout, stderr: process.stderr };

/** Chunks written between turns of the event loop: a reader that went away is seen within this many. */
const YIELD_EVERY = 64;

/**
 * Write chunks as they are made, at the reader's pace: the first is out at
 * once and memory stays flat for any count. Stops quietly when the stream is
 * closed or fails (a reader that went away, `| head -1`); returns whether
 * every chunk was written.
 */
export async function writeStreamed(out: NodeJS.WritableStream, chunks: Iterable<string>): Promise<boolean> {
  let gone = false;
  const stop = (): void => {
    gone = true;
  };
  out.on('close', stop);
  out.on('error', stop);
  try {
    let n = 0;
    for (const chunk of chunks) {
      if (gone || (out as NodeJS.WriteStream).destroyed) return false;
      if (!out.write(chunk)) await drained(out);
      else if (++n % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    return !gone;
  } finally {
    out.off('close', stop);
    out.off('error', stop);
  }
}

function drained(out: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      out.off('drain', done);
      out.off('close', done);
      out.off('error', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
    out.on('error', done);
  });
}
