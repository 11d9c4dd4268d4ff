import { fixtureSchema } from '../fixture-file/schema.js';
import { type CliIO, PROCESS_IO } from './io.js';

/** Print the fixture JSON Schema (draft-07). */
export function schemaCommand(_flags: object = {}, io: CliIO = PROCESS_IO): number {
  io.stdout.write(`${JSON.stringify(fixtureSchema(), null, 2)}\n`);
  return 0;
}
