import { Chalk, type ChalkInstance } from 'chalk';

/** Colour only for a TTY, and never when NO_COLOR is set (no-color.org). */
export function colourFor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): ChalkInstance {
  const off = 'NO_COLOR' in env && env['NO_COLOR'] !== '';
  return new Chalk({ level: !off && stream.isTTY ? 1 : 0 });
}
