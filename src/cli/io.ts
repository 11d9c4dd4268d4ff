/**
 * Where a command writes: the process's own streams when run as a program,
 * a test's buffers when `main(argv, io)` runs in-process.
 */
export interface CliIO {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

export const PROCESS_IO: CliIO = { stdout: process.stdout, stderr: process.stderr };
