import { fixtureSchema } from '../fixture-file/schema.js';

/** Print the fixture JSON Schema (draft-07). */
export function schemaCommand(): number {
  process.stdout.write(`${JSON.stringify(fixtureSchema(), null, 2)}\n`);
  return 0;
}
